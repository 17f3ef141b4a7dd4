import { z } from 'zod';
import { limitsSchema } from '../limits';

const isoDateTime = z.iso.datetime({ offset: true });

/** Every limit named; null = unlimited (for `allowedModels`: every model of the product). */
export const effectiveLimitsSchema = limitsSchema.required();

/** One subscription in force for the key's tenant, as entitlement needs it. */
export const keySnapshotSubscriptionSchema = z.object({
  subscriptionId: z.string(),
  productId: z.string(),
  productSlug: z.string(),
  planId: z.string(),
  /** The plan's limits with the admin's overrides on top. */
  limits: effectiveLimitsSchema,
  /** The model aliases this subscription grants: the product's models ∩ `limits.allowedModels`, sorted. */
  models: z.array(z.string()),
  /** Checked on every request, so a grant stops at its expiry even while the snapshot is cached. */
  expiresAt: isoDateTime.nullable(),
});

/**
 * What the gateway caches per key hash (in process and in Redis) so that a warm request needs no Postgres:
 * the key, its tenant, and the tenant's APPROVED, unexpired subscriptions on published products.
 */
export const keySnapshotSchema = z.object({
  keyId: z.string(),
  tenantId: z.string(),
  tenantStatus: z.enum(['ACTIVE', 'SUSPENDED']),
  status: z.enum(['ACTIVE', 'REVOKED']),
  mode: z.enum(['live', 'test']),
  expiresAt: isoDateTime.nullable(),
  /** Set when the looked-up hash is the key's previous secret (a rotation): it works until then. */
  graceExpiresAt: isoDateTime.nullable(),
  /** Subscription ids the key is scoped to; empty = every subscription of its tenant. */
  scope: z.array(z.string()),
  subscriptions: z.array(keySnapshotSubscriptionSchema),
  /** When it was read from Postgres. */
  loadedAt: isoDateTime,
});

export type EffectiveLimitsSnapshot = z.infer<typeof effectiveLimitsSchema>;
export type KeySnapshotSubscription = z.infer<typeof keySnapshotSubscriptionSchema>;
export type KeySnapshot = z.infer<typeof keySnapshotSchema>;
