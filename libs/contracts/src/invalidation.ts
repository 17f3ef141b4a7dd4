import { z } from 'zod';

/**
 * What admin-api announces on Redis pub/sub after a change the gateway caches: the gateway drops what the
 * message names at once. `tenantId` lets a gateway drop every cached key of a tenant when a subscription
 * or the tenant itself changes; `hash` names a key's cache entry directly.
 */
export const invalidationMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api-key'), tenantId: z.string(), apiKeyId: z.string(), hashes: z.array(z.string()) }),
  z.object({ kind: z.literal('subscription'), tenantId: z.string(), subscriptionId: z.string() }),
  z.object({ kind: z.literal('plan'), planId: z.string() }),
  z.object({ kind: z.literal('product'), productId: z.string() }),
  z.object({ kind: z.literal('provider'), providerId: z.string() }),
  z.object({ kind: z.literal('tenant'), tenantId: z.string() }),
  /** A new version of the document `name` is in force; `tenantId` is set for a tenant's document. */
  z.object({ kind: z.literal('policy'), name: z.string(), tenantId: z.string().nullable() }),
]);

export type InvalidationMessage = z.infer<typeof invalidationMessageSchema>;
