import { type KeySnapshot, LIMIT_NAMES, readKeyMetadata, readNarrowingLimits } from '@gatehouse/contracts';
import { type GatewayKeyRecord } from '@gatehouse/db';
import {
  decimalToString,
  effectiveLimits,
  isValidTimeZone,
  limitModesFromJson,
  limitsFromPlanRow,
  readLimitOverrides,
} from '@gatehouse/domain';

/** The cached form of a key as read from Postgres: limits resolved, granted models computed, dates as ISO. */
export function toKeySnapshot(record: GatewayKeyRecord, loadedAt: Date): KeySnapshot {
  const keyLimits = readNarrowingLimits(record.keyLimits);
  const keyModels = keyLimits?.allowedModels ? new Set(keyLimits.allowedModels) : null;
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
      const modes = limitModesFromJson(subscription.plan.limitModes);
      return {
        subscriptionId: subscription.id,
        productId: subscription.productId,
        productSlug: subscription.productSlug,
        planId: subscription.planId,
        limitsScopeId: subscription.limitsScopeId,
        limits,
        // The key's own `allowedModels` narrows what every subscription grants it, like the plan's does.
        models: subscription.modelAliases
          .filter((alias) => (allowed === null || allowed.has(alias)) && (keyModels === null || keyModels.has(alias)))
          .sort(),
        expiresAt: subscription.expiresAt?.toISOString() ?? null,
        // Only the monitored ones: unlisted = enforced, so the snapshot stays small.
        limitModes: Object.fromEntries(
          LIMIT_NAMES.filter((name) => modes[name] === 'monitor').map((name) => [name, 'monitor']),
        ),
        quotaFailOpen: subscription.plan.quotaFailOpen,
      };
    }),
    // A zone this runtime does not know would name no calendar: periods then follow UTC, as the engine's would.
    tenantTimeZone: isValidTimeZone(record.tenantTimeZone) ? record.tenantTimeZone : 'UTC',
    tenantMonthlyBudgetUsd:
      record.tenantMonthlyBudgetUsd === null ? null : decimalToString(record.tenantMonthlyBudgetUsd),
    keyLimits,
    keyMetadata: readKeyMetadata(record.keyMetadata),
    loadedAt: loadedAt.toISOString(),
  };
}
