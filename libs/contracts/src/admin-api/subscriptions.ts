import { z } from 'zod';
import { limitsSchema } from '../limits';

export const subscriptionStatusSchema = z.enum(['PENDING', 'APPROVED', 'REJECTED', 'REVOKED', 'EXPIRED', 'SUPERSEDED']);

/** Every limit named, null = unlimited (what a subscription or a plan answers with). */
export const subscriptionLimitsSchema = limitsSchema.required();

/** Overrides an admin sets at approval: any subset of the limits; null lifts a limit; unknown names are refused. */
export const approvalLimitOverridesSchema = limitsSchema.strict();

const listLimit = z.coerce.number().int().min(1).max(200).optional();

// --- requests ---

export const createSubscriptionRequestSchema = z
  .object({
    productId: z.uuid(),
    planId: z.uuid(),
    /** Why the tenant needs access; shown to the admin who decides. */
    justification: z.string().trim().max(2000).nullish(),
  })
  .strict();

export const tenantSubscriptionListQuerySchema = z.object({
  status: subscriptionStatusSchema.optional(),
  cursor: z.uuid().optional(),
  limit: listLimit,
});

export const adminSubscriptionListQuerySchema = z.object({
  status: subscriptionStatusSchema.optional(),
  tenantId: z.uuid().optional(),
  productId: z.uuid().optional(),
  cursor: z.uuid().optional(),
  limit: listLimit,
});

export const approveSubscriptionRequestSchema = z
  .object({
    limits: approvalLimitOverridesSchema.optional(),
    /** When the grant ends; must be in the future. Absent = no expiry. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const rejectSubscriptionRequestSchema = z
  .object({ reason: z.string().trim().min(1, 'a reason is required').max(1000) })
  .strict();

export const revokeSubscriptionRequestSchema = z
  .object({ reason: z.string().trim().min(1).max(1000).optional() })
  .strict();

// --- responses ---

/** What a tenant sees of one of its subscriptions. `limits` are the effective limits (plan + overrides). */
export const subscriptionSchema = z.object({
  id: z.uuid(),
  productId: z.uuid(),
  planId: z.uuid(),
  status: subscriptionStatusSchema,
  limits: subscriptionLimitsSchema,
  expiresAt: z.string().nullable(),
  reason: z.string().nullable(),
  justification: z.string().nullable(),
  productName: z.string(),
  planName: z.string(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  /**
   * A plan change: the grant this one replaces on the same product (while PENDING, the one approval will end;
   * once APPROVED, the one it ended, now SUPERSEDED). Null for a first subscription to the product.
   */
  replacesSubscriptionId: z.uuid().nullable(),
  /** The plan of that grant ("change from demo-free"), null when none. */
  replacesPlanName: z.string().nullable(),
});

export const subscriptionListSchema = z.object({
  items: z.array(subscriptionSchema),
  nextCursor: z.string().nullable(),
});

/** What the admin queue shows: the tenant's view plus who asked, the plan's own limits and the overrides. */
export const adminSubscriptionSchema = subscriptionSchema.extend({
  tenantId: z.uuid(),
  tenantName: z.string(),
  productSlug: z.string(),
  planLimits: subscriptionLimitsSchema,
  /** The admin's overrides as stored (only the names set), null when none. */
  limitOverrides: limitsSchema.nullable(),
  requestedById: z.string().nullable(),
  decidedById: z.string().nullable(),
});

export const adminSubscriptionListSchema = z.object({
  items: z.array(adminSubscriptionSchema),
  nextCursor: z.string().nullable(),
});

export type CreateSubscriptionRequest = z.infer<typeof createSubscriptionRequestSchema>;
export type ApproveSubscriptionRequest = z.infer<typeof approveSubscriptionRequestSchema>;
export type RejectSubscriptionRequest = z.infer<typeof rejectSubscriptionRequestSchema>;
export type RevokeSubscriptionRequest = z.infer<typeof revokeSubscriptionRequestSchema>;
export type TenantSubscriptionListQuery = z.infer<typeof tenantSubscriptionListQuerySchema>;
export type AdminSubscriptionListQuery = z.infer<typeof adminSubscriptionListQuerySchema>;
export type SubscriptionResponse = z.infer<typeof subscriptionSchema>;
export type AdminSubscriptionResponse = z.infer<typeof adminSubscriptionSchema>;
