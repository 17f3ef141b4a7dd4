import { z } from 'zod';
import { LIMIT_NAMES, limitModeSchema, limitModesSchema, limitsSchema } from '../limits';

const INT32_MAX = 2_147_483_647;
const rate = (name: string) =>
  z.number().int().positive().max(INT32_MAX, `${name} must be at most ${INT32_MAX}`).nullable().optional();
const burst = (name: string) =>
  z.number().int().nonnegative().max(INT32_MAX, `${name} must be at most ${INT32_MAX}`).nullable().optional();
/** Quotas are bigint columns but JSON numbers: zod's `int()` caps them at 2^53 - 1, where JSON stays exact. */
const quota = z.number().int().positive().nullable().optional();

/** Public model alias: what clients put in `model` (`gpt-4o-mini`, `claude-3.5-sonnet`, `org/model:tag`). */
export const modelAliasSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'must start with a letter or digit and use only letters, digits, ".", "_", ":", "/" and "-"',
  );

/**
 * A plan's limits as an admin writes them: the contract's names (absent or null = unlimited), bounded by
 * what the columns hold. `allowedModels` lists aliases of the plan's product; null = every model, and an
 * empty list is refused (a plan that allows no model would be a plan nobody can use).
 */
export const planLimitsInputSchema = limitsSchema
  .extend({
    rpm: rate('rpm'),
    rpmBurst: burst('rpmBurst'),
    tpm: rate('tpm'),
    tpmBurst: burst('tpmBurst'),
    concurrency: rate('concurrency'),
    dailyTokens: quota,
    monthlyTokens: quota,
    monthlyCalls: quota,
    allowedModels: z
      .array(modelAliasSchema)
      .min(1, 'list at least one model, or use null for every model of the product')
      .max(500)
      .nullable()
      .optional(),
  })
  .strict();

/** Per-limit mode: `monitor` records what would have been refused without refusing it. Unlisted = enforce. */
export const limitModesInputSchema = limitModesSchema;

/** Every limit, null = unlimited. */
export const planLimitsSchema = limitsSchema.required();
/** Every limit with its mode. */
export const planLimitModesSchema = z.record(z.enum(LIMIT_NAMES), limitModeSchema);

export const planNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case: lowercase letters, digits and single dashes');

export const planStatusSchema = z.enum(['ACTIVE', 'RETIRED']);

// --- requests ---

export const createPlanRequestSchema = z
  .object({
    productId: z.uuid(),
    /** Unique within the product, e.g. `demo-free`. */
    name: planNameSchema,
    description: z.string().trim().max(2000).nullish(),
    /** Subscriptions to this plan are approved on request, without an admin. */
    autoApprove: z.boolean().default(false),
    limits: planLimitsInputSchema.default({}),
    limitModes: limitModesInputSchema.optional(),
    /** When the quota backend (Redis) is down: false = refuse with 503 (fail closed), true = admit uncounted. */
    quotaFailOpen: z.boolean().default(false),
  })
  .strict();

/**
 * `limits` is merged name by name: a name present (null included) replaces the plan's value, an absent name
 * keeps it. `limitModes`, when present, replaces the modes (unlisted = enforce).
 */
export const updatePlanRequestSchema = z
  .object({
    name: planNameSchema.optional(),
    description: z.string().trim().max(2000).nullable().optional(),
    autoApprove: z.boolean().optional(),
    limits: planLimitsInputSchema.optional(),
    limitModes: limitModesInputSchema.optional(),
    quotaFailOpen: z.boolean().optional(),
  })
  .strict();

export const planListQuerySchema = z.strictObject({
  productId: z.uuid().optional(),
  status: planStatusSchema.optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

// --- responses ---

export const planSchema = z.object({
  id: z.uuid(),
  productId: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  status: planStatusSchema,
  autoApprove: z.boolean(),
  limits: planLimitsSchema,
  limitModes: planLimitModesSchema,
  /** Quotas and budgets of this plan's subscriptions fail open (true) or closed with 503 (false) without Redis. */
  quotaFailOpen: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const planListSchema = z.object({ items: z.array(planSchema), nextCursor: z.string().nullable() });

export type CreatePlanRequest = z.infer<typeof createPlanRequestSchema>;
export type UpdatePlanRequest = z.infer<typeof updatePlanRequestSchema>;
export type PlanListQuery = z.infer<typeof planListQuerySchema>;
export type PlanResponse = z.infer<typeof planSchema>;
export type PlanListResponse = z.infer<typeof planListSchema>;
