import { type AdminPlanSummaryResponse, type CatalogPlanResponse, type PlanResponse } from '@gatehouse/contracts';
import { type Plan } from '@gatehouse/db';
import { limitModesFromJson, limitsFromPlanRow } from '@gatehouse/domain';

/** A plan as the catalog shows it to tenants. */
export function toCatalogPlan(plan: Plan): CatalogPlanResponse {
  return {
    id: plan.id,
    name: plan.name,
    description: plan.description,
    autoApprove: plan.autoApprove,
    limits: limitsFromPlanRow(plan),
  };
}

export function toAdminPlanSummary(plan: Plan): AdminPlanSummaryResponse {
  return { ...toCatalogPlan(plan), status: plan.status };
}

/** A plan as admins manage it. */
export function toPlanResponse(plan: Plan): PlanResponse {
  return {
    id: plan.id,
    productId: plan.productId,
    name: plan.name,
    description: plan.description,
    status: plan.status,
    autoApprove: plan.autoApprove,
    limits: limitsFromPlanRow(plan),
    limitModes: limitModesFromJson(plan.limitModes),
    quotaFailOpen: plan.quotaFailOpen,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
  };
}
