import { z } from 'zod';

/**
 * One gateway request, as the gateway saw it. Version 1. The worker prices it from the price table in
 * force at `occurredAt`, so the gateway sends token counts, not money. `requestId` makes ingestion
 * idempotent: a redelivered event counts once. It travels inside a `usage.batch`; gateways of the previous
 * version sent each as a job of its own (`usage.recorded`), which the worker still ingests.
 */
/** One stored body, encrypted by the gateway (AES-256-GCM, base64 of each part). */
const encryptedBodySchema = z.object({
  ciphertext: z.base64().max(512 * 1024),
  iv: z.base64().max(32),
  tag: z.base64().max(32),
});

/**
 * The call's request and response bodies, when the policy stores them (`logging.bodies`): redacted, then encrypted
 * in the gateway under the call log key of `keyVersion`, so the queue and the spool only ever carry ciphertext.
 * Absent when bodies are not stored; a body is null when the call had none (a refusal has no answer).
 */
export const usageBodiesV1Schema = z.object({
  keyVersion: z.number().int().min(1),
  /** When the worker's retention deletes them. */
  expiresAt: z.iso.datetime({ offset: true }),
  request: encryptedBodySchema.nullable(),
  response: encryptedBodySchema.nullable(),
  requestTruncated: z.boolean(),
  responseTruncated: z.boolean(),
});
export type UsageBodiesV1 = z.infer<typeof usageBodiesV1Schema>;

export const usageRecordedV1Schema = z.object({
  version: z.literal(1),
  requestId: z.string().min(1).max(128),
  occurredAt: z.iso.datetime({ offset: true }),
  tenantId: z.uuid(),
  apiKeyId: z.uuid(),
  subscriptionId: z.uuid().nullable(),
  productId: z.uuid().nullable(),
  model: z.string().min(1).max(200).nullable(),
  providerId: z.uuid().nullable(),
  /** The target's model name at the provider (null when no target was reached, or for HTTP products). */
  upstreamModel: z.string().min(1).max(200).nullable(),
  endpoint: z.string().min(1).max(200),
  statusCode: z.number().int().min(100).max(599),
  errorCode: z.string().max(100).nullable(),
  /** From arrival to the last byte sent (or the client leaving). */
  latencyMs: z.number().int().nonnegative(),
  /** From arrival to the upstream's response headers; null when no upstream answered. */
  timeToFirstByteMs: z.number().int().nonnegative().nullable(),
  /**
   * From arrival to the upstream's first output (a stream's first token); null when the answer was not streamed or
   * no output came. Optional: producers older than this field leave it out.
   */
  timeToFirstTokenMs: z.number().int().nonnegative().nullable().optional(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedTokens: z.number().int().nonnegative(),
  /**
   * `upstream`: the provider's own counts; `estimate`: counted by the gateway from what was streamed (a cut
   * stream); `unknown`: a model answered without counts (the tokens above are 0 and must not be priced as a
   * free call); `none`: nothing to count (no model answered, or an HTTP product).
   */
  usageSource: z.enum(['upstream', 'estimate', 'unknown', 'none']),
  streamed: z.boolean(),
  cacheHit: z.boolean(),
  policyActions: z.array(z.string().max(200)).max(50),
  /** Added within v1: producers before it never send it, and consumers before it ignore it. */
  bodies: usageBodiesV1Schema.optional(),
});

export type UsageRecordedV1 = z.infer<typeof usageRecordedV1Schema>;
