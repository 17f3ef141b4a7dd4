import { type AdminSubscriptionResponse, type SubscriptionResponse } from '@gatehouse/contracts';
import { type SubscriptionForAdmin, type SubscriptionWithPlan } from '@gatehouse/db';
import {
  effectiveLimits,
  type EffectiveLimits,
  effectiveStatus,
  limitsFromPlanRow,
  readLimitOverrides,
} from '@gatehouse/domain';

/** The plan's limits with the admin's overrides on top: what the gateway's key snapshot enforces. */
export function subscriptionLimits(row: SubscriptionWithPlan): EffectiveLimits {
  return effectiveLimits(limitsFromPlanRow(row.plan), readLimitOverrides(row.limitOverrides));
}

/** What a tenant sees: effective limits (plan + overrides) and the status at `now` (computed EXPIRED). */
export function toSubscriptionResponse(row: SubscriptionWithPlan, now: Date): SubscriptionResponse {
  return {
    id: row.id,
    productId: row.productId,
    planId: row.planId,
    status: effectiveStatus(row.status, row.expiresAt, now),
    limits: subscriptionLimits(row),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    reason: row.reason,
    justification: row.justification,
    productName: row.product.name,
    planName: row.plan.name,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    replacesSubscriptionId: row.replacesSubscriptionId,
    replacesPlanName: row.replaces?.plan.name ?? null,
  };
}

export function toAdminSubscriptionResponse(row: SubscriptionForAdmin, now: Date): AdminSubscriptionResponse {
  return {
    ...toSubscriptionResponse(row, now),
    tenantId: row.tenantId,
    tenantName: row.tenant.name,
    productSlug: row.product.slug,
    planLimits: limitsFromPlanRow(row.plan),
    limitOverrides: readLimitOverrides(row.limitOverrides),
    requestedById: row.requestedById,
    decidedById: row.decidedById,
  };
}

/** The audit trail's before/after of a subscription: what a decision changes. */
export function subscriptionSnapshot(row: SubscriptionWithPlan, now: Date) {
  const view = toSubscriptionResponse(row, now);
  return {
    status: view.status,
    limits: view.limits,
    limitOverrides: readLimitOverrides(row.limitOverrides),
    expiresAt: view.expiresAt,
    reason: view.reason,
    planId: row.planId,
    productId: row.productId,
    replacesSubscriptionId: row.replacesSubscriptionId,
  };
}
