import { z } from 'zod';
import { nameSchema } from '../names';
import { keyMetadataSchema } from '../key-metadata';
import { limitsSchema, usdAmountSchema } from '../limits';
import { modelAliasSchema } from './plans';

/**
 * API keys of a tenant: `/api/v1/tenants/{tenantId}/keys`. The secret appears in the create and rotate
 * responses only; lists and details never carry it.
 */

export const apiKeyModeSchema = z.enum(['live', 'test']);
export type ApiKeyModeName = z.infer<typeof apiKeyModeSchema>;

/** ACTIVE and REVOKED are stored; EXPIRED is an ACTIVE key past its `expiresAt`. */
export const apiKeyStatusSchema = z.enum(['ACTIVE', 'REVOKED', 'EXPIRED']);
export type ApiKeyStatusName = z.infer<typeof apiKeyStatusSchema>;

/** The longest rotation grace period: a week. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 3600;
export const DEFAULT_ROTATION_GRACE_SECONDS = 3600;

const isoDateTime = z.iso.datetime({ offset: true });

const INT32_MAX = 2_147_483_647;
const positive = (bound: number) => z.number().int().positive().max(bound).nullable().optional();

/**
 * A key's narrowing of its subscriptions' limits: the contract's names, absent or null = not narrowed. The
 * gateway counts the key as a scope of its own on top of its subscription's, so a key can only tighten: a value
 * above the subscription's changes nothing. `allowedModels` restricts the models the key may call.
 */
export const keyLimitsInputSchema = z.strictObject({
  rpm: positive(INT32_MAX),
  rpmBurst: positive(INT32_MAX),
  tpm: positive(INT32_MAX),
  tpmBurst: positive(INT32_MAX),
  concurrency: positive(INT32_MAX),
  dailyTokens: positive(Number.MAX_SAFE_INTEGER),
  monthlyTokens: positive(Number.MAX_SAFE_INTEGER),
  monthlyCalls: positive(Number.MAX_SAFE_INTEGER),
  monthlyBudgetUsd: usdAmountSchema
    .refine((amount) => /[1-9]/.test(amount), { message: 'must be more than 0' })
    .nullable()
    .optional(),
  allowedModels: z
    .array(modelAliasSchema)
    .min(1, 'list at least one model, or use null for every model')
    .max(500)
    .nullable()
    .optional(),
});
export type KeyLimitsInput = z.infer<typeof keyLimitsInputSchema>;

export const createApiKeyRequestSchema = z.strictObject({
  name: nameSchema(100),
  /** ISO 8601; must be in the future. Absent or null: the key does not expire. */
  expiresAt: isoDateTime
    .refine((value) => Date.parse(value) > Date.now(), { message: 'must be in the future' })
    .nullish(),
  /** Scope the key to some of the tenant's subscriptions; absent or empty: all of them. */
  subscriptionIds: z.array(z.uuid()).max(100).optional(),
  mode: apiKeyModeSchema.default('live'),
  /** Narrower limits for this key; absent or null: the subscriptions' limits only. */
  limits: keyLimitsInputSchema.nullish(),
  /** Metadata labels, which policies' `access.keyMetadata` rules read; absent: none. */
  metadata: keyMetadataSchema.optional(),
});
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequestSchema>;

/** `PATCH /tenants/{tenantId}/keys/{keyId}`: `metadata` replaces every label of the key (`{}` removes them all). */
export const updateApiKeyRequestSchema = z.strictObject({
  metadata: keyMetadataSchema,
});
export type UpdateApiKeyRequest = z.infer<typeof updateApiKeyRequestSchema>;

/** The body is optional: no body means the default grace period. */
export const rotateApiKeyRequestSchema = z
  .strictObject({
    /** How long the old secret keeps working; 0 ends it at once. */
    gracePeriodSeconds: z.number().int().min(0).max(MAX_ROTATION_GRACE_SECONDS).default(DEFAULT_ROTATION_GRACE_SECONDS),
  })
  .prefault({});
export type RotateApiKeyRequest = z.infer<typeof rotateApiKeyRequestSchema>;

/** `?cursor&limit` of a keyset-paginated list: `cursor` is the `nextCursor` of the previous page. */
export const apiKeyListQuerySchema = z.strictObject({
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type ApiKeyListQuery = z.infer<typeof apiKeyListQuerySchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The visible start of the key, e.g. `gh_live_ab12`. */
  prefix: z.string(),
  last4: z.string(),
  mode: apiKeyModeSchema,
  status: apiKeyStatusSchema,
  createdBy: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  /** Empty: the key may use every subscription of its tenant. */
  subscriptionIds: z.array(z.string()),
  /** The key's narrowing (only the names it narrows); null: none. */
  limits: limitsSchema.nullable(),
  /** Its metadata labels; `{}` when it has none. */
  metadata: keyMetadataSchema,
});
export type ApiKeyResponse = z.infer<typeof apiKeySchema>;

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema), nextCursor: z.string().nullable() });
export type ApiKeyListResponse = z.infer<typeof apiKeyListSchema>;

/** The one response that carries the secret. */
export const createdApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  secret: z.string(),
  expiresAt: z.iso.datetime().nullable(),
});
export type CreatedApiKeyResponse = z.infer<typeof createdApiKeySchema>;

export const rotatedApiKeySchema = createdApiKeySchema.extend({
  /** Until when the previous secret keeps working. */
  previousSecretValidUntil: z.iso.datetime(),
});
export type RotatedApiKeyResponse = z.infer<typeof rotatedApiKeySchema>;
