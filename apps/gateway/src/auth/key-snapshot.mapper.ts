import { type KeySnapshot } from '@gatehouse/contracts';
import { type GatewayKeyRecord } from '@gatehouse/db';
import { effectiveLimits, limitsFromPlanRow, readLimitOverrides } from '@gatehouse/domain';

/** The cached form of a key as read from Postgres: limits resolved, granted models computed, dates as ISO. */
export function toKeySnapshot(record: GatewayKeyRecord, loadedAt: Date): KeySnapshot {
  return {
    keyId: record.keyId,
    tenantId: record.tenantId,
    tenantStatus: record.tenantStatus,
    status: record.status,
    mode: record.mode === 'TEST' ? 'test' : 'live',
    expiresAt: record.expiresAt?.toISOString() ?? null,
    graceExpiresAt: record.graceExpiresAt?.toISOString() ?? null,
    scope: [...record.scope],
    subscriptions: record.subscriptions.map((subscription) => {
      const limits = effectiveLimits(
        limitsFromPlanRow(subscription.plan),
        readLimitOverrides(subscription.limitOverrides),
      );
      const allowed = limits.allowedModels === null ? null : new Set(limits.allowedModels);
      return {
        subscriptionId: subscription.id,
        productId: subscription.productId,
        productSlug: subscription.productSlug,
        planId: subscription.planId,
        limits,
        models: subscription.modelAliases.filter((alias) => allowed === null || allowed.has(alias)).sort(),
        expiresAt: subscription.expiresAt?.toISOString() ?? null,
      };
    }),
    loadedAt: loadedAt.toISOString(),
  };
}
