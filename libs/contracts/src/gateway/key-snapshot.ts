import { z } from 'zod';
import { keyMetadataSchema } from '../key-metadata';
import { limitModesSchema, limitsSchema, usdDecimalSchema } from '../limits';

const isoDateTime = z.iso.datetime({ offset: true });

/** Every limit named; null = unlimited (for `allowedModels`: every model of the product). */
export const effectiveLimitsSchema = limitsSchema.required();

/** One subscription in force for the key's tenant, as entitlement needs it. */
export const keySnapshotSubscriptionSchema = z.object({
  subscriptionId: z.string(),
  productId: z.string(),
  productSlug: z.string(),
  planId: z.string(),
  /**
   * The id the subscription's limit counters are kept under: the first grant of its chain of plan changes, so
   * usage carries over a change. Absent (snapshots cached before it existed) = `subscriptionId`.
   */
  limitsScopeId: z.string().optional(),
  /** The plan's limits with the admin's overrides on top. */
  limits: effectiveLimitsSchema,
  /**
   * The model aliases this subscription grants the key: the product's models ∩ `limits.allowedModels` ∩ the
   * key's `keyLimits.allowedModels`, sorted.
   */
  models: z.array(z.string()),
  /** Checked on every request, so a grant stops at its expiry even while the snapshot is cached. */
  expiresAt: isoDateTime.nullable(),
  /** The plan's modes, only the monitored limits listed (`{ rpm: 'monitor' }`); unlisted = enforced. */
  limitModes: limitModesSchema.default({}),
  /** The plan's choice when the quota backend (Redis) is down: false = 503, true = admit uncounted. */
  quotaFailOpen: z.boolean().default(false),
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
  /** The tenant's IANA time zone: daily and monthly quota periods roll over at its midnight. */
  tenantTimeZone: z.string().min(1).default('UTC'),
  /** The tenant-wide monthly cap across all its subscriptions, decimal USD ("250.5"); null = none. */
  tenantMonthlyBudgetUsd: usdDecimalSchema.nullable().default(null),
  /**
   * The key's own narrowing (the same names; absent or null = no narrowing): a scope of its own, checked on
   * top of the subscription's, so it can only tighten. Null = the key narrows nothing.
   */
  keyLimits: limitsSchema.nullable().default(null),
  /** The key's metadata labels, which the policies' `access.keyMetadata` rules read; `{}` = none. */
  keyMetadata: keyMetadataSchema.default({}),
  /** When it was read from Postgres. */
  loadedAt: isoDateTime,
});

export type EffectiveLimitsSnapshot = z.infer<typeof effectiveLimitsSchema>;
export type KeySnapshotSubscription = z.infer<typeof keySnapshotSubscriptionSchema>;
export type KeySnapshot = z.infer<typeof keySnapshotSchema>;
