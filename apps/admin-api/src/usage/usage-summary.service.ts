import { Injectable } from '@nestjs/common';
import {
  BUDGET_BURN_PERCENT,
  type LimitConsumptionResponse,
  type PlatformUsageSummaryResponse,
  type SubscriptionUsageResponse,
  type TenantId,
  type TenantUsageSummaryResponse,
  type UsagePeriodResponse,
} from '@gatehouse/contracts';
import {
  type BudgetedTenant,
  MAX_PAGE_SIZE,
  SubscriptionRepository,
  TenantRepository,
  type UsagePeriodRow,
  UsageReportRepository,
  type UsageRange,
} from '@gatehouse/db';
import {
  type CalendarPeriod,
  calendarPeriods,
  DEFAULT_TIME_ZONE,
  effectiveLimits,
  isValidTimeZone,
  limitsFromPlanRow,
  readLimitOverrides,
} from '@gatehouse/domain';
import { ApiError } from '../common/errors/api-error';
import { toTotals } from './usage.mapper';

/** How many keys and models a tenant's summary ranks. */
const TENANT_TOP = 5;
/** How many tenants and models the platform summary ranks. */
const PLATFORM_TOP = 10;

const ZERO: UsagePeriodRow = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  costUsd: '0',
};

const rangeOf = (period: CalendarPeriod): UsageRange => ({
  from: new Date(period.startsAt),
  to: new Date(period.endsAt),
});

const periodOf = (period: CalendarPeriod): UsagePeriodResponse => ({
  id: period.id,
  from: new Date(period.startsAt).toISOString(),
  to: new Date(period.endsAt).toISOString(),
});

/** Tenant zones are validated when stored; one the runtime does not know reads as UTC, as the limits do. */
const zoneOf = (timeZone: string) => (isValidTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE);

/** Tokens as the gateway's quotas count them: what went in and what came out. */
const tokensOf = (row: UsagePeriodRow) => row.inputTokens + row.outputTokens;

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Usage against a limit; null when the limit is unlimited. A limit of 0 allows nothing: it reads as spent. */
function consumption(used: number, limit: number | string | null): LimitConsumptionResponse | null {
  if (limit === null) return null;
  const cap = Number(limit);
  const percent = cap > 0 ? Math.round((used / cap) * 10_000) / 100 : 100;
  return { limit: cap, used, percent };
}

/**
 * The current period at a glance: a tenant's month (in its time zone) against its budget and its subscriptions'
 * limits, and the platform's UTC month for admins. Read from rollups, so it trails the gateway's counters by the
 * worker's ingestion delay; the live counters are `GET /tenants/{tenantId}/limits` and `.../subscriptions/{id}/limits`.
 */
@Injectable()
export class UsageSummaryService {
  constructor(
    private readonly reports: UsageReportRepository,
    private readonly tenants: TenantRepository,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  async tenantSummary(tenantId: TenantId, now = new Date()): Promise<TenantUsageSummaryResponse> {
    const tenant = await this.tenants.findById(tenantId);
    // Platform admins pass the access guard for any tenant id, existing or not.
    if (!tenant) throw ApiError.notFound('Tenant');
    const timeZone = zoneOf(tenant.timeZone);
    const { month, day } = calendarPeriods(now.getTime(), timeZone);

    const [totals, byProduct, todayByProduct, topKeys, topModels, subscriptions] = await Promise.all([
      this.reports.periodForTenant(tenantId, rangeOf(month), null),
      this.reports.periodForTenant(tenantId, rangeOf(month), 'product'),
      this.reports.periodForTenant(tenantId, rangeOf(day), 'product'),
      this.reports.periodForTenant(tenantId, rangeOf(month), 'key', TENANT_TOP),
      this.reports.periodForTenant(tenantId, rangeOf(month), 'model', TENANT_TOP),
      // A tenant holds at most one live subscription per product, so one page holds them all.
      this.subscriptions.listViewsForTenant(tenantId, { status: 'APPROVED', limit: MAX_PAGE_SIZE }, now),
    ]);
    const monthOf = new Map(byProduct.map((row) => [row.productId, row]));
    const todayOf = new Map(todayByProduct.map((row) => [row.productId, row]));
    const monthTotals = totals[0] ?? ZERO;

    return {
      tenantId,
      timeZone,
      period: periodOf(month),
      today: periodOf(day),
      totals: toTotals(monthTotals),
      budget: consumption(Number(monthTotals.costUsd), tenant.monthlyBudgetUsd?.toFixed() ?? null),
      subscriptions: subscriptions.items.map((row): SubscriptionUsageResponse => {
        // Rollups have no subscription dimension: a subscription's usage is its tenant's usage of its product.
        const used = monthOf.get(row.productId) ?? ZERO;
        const today = todayOf.get(row.productId) ?? ZERO;
        const limits = effectiveLimits(limitsFromPlanRow(row.plan), readLimitOverrides(row.limitOverrides));
        return {
          subscriptionId: row.id,
          productId: row.productId,
          productSlug: row.product.slug,
          productName: row.product.name,
          planId: row.planId,
          planName: row.plan.name,
          usage: toTotals(used),
          limits: {
            monthlyBudgetUsd: consumption(Number(used.costUsd), limits.monthlyBudgetUsd),
            monthlyTokens: consumption(tokensOf(used), limits.monthlyTokens),
            monthlyCalls: consumption(used.requests, limits.monthlyCalls),
            dailyTokens: consumption(tokensOf(today), limits.dailyTokens),
          },
        };
      }),
      topKeys: topKeys.map((row) => ({
        apiKeyId: row.apiKeyId ?? '',
        keyName: row.keyName ?? null,
        keyPrefix: row.keyPrefix ?? null,
        ...toTotals(row),
      })),
      topModels: topModels.map((row) => ({ model: row.model ?? '', ...toTotals(row) })),
    };
  }

  async platformSummary(now = new Date()): Promise<PlatformUsageSummaryResponse> {
    const { month } = calendarPeriods(now.getTime(), DEFAULT_TIME_ZONE);
    const range = rangeOf(month);
    const [totals, topTenants, topModels, budgetBurn] = await Promise.all([
      this.reports.periodForPlatform(range, null),
      this.reports.periodForPlatform(range, 'tenant', { limit: PLATFORM_TOP }),
      this.reports.periodForPlatform(range, 'model', { limit: PLATFORM_TOP }),
      this.budgetBurn(now),
    ]);
    return {
      timeZone: 'UTC',
      period: periodOf(month),
      totals: toTotals(totals[0] ?? ZERO),
      topTenants: topTenants.map((row) => ({
        tenantId: row.tenantId ?? '',
        tenantName: row.tenantName ?? null,
        ...toTotals(row),
      })),
      topModels: topModels.map((row) => ({ model: row.model ?? '', ...toTotals(row) })),
      budgetBurn,
    };
  }

  /**
   * Tenants at or above BUDGET_BURN_PERCENT of their monthly budget. A budget runs over the tenant's own month,
   * which starts at local midnight of the 1st, so tenants are measured per time zone: one query per zone in use.
   */
  private async budgetBurn(now: Date): Promise<PlatformUsageSummaryResponse['budgetBurn']> {
    const byZone = new Map<string, BudgetedTenant[]>();
    for (const tenant of await this.reports.listBudgetedTenants()) {
      const zone = zoneOf(tenant.timeZone);
      byZone.set(zone, [...(byZone.get(zone) ?? []), tenant]);
    }
    const perZone = await Promise.all(
      [...byZone].map(async ([timeZone, tenants]) => {
        const { month } = calendarPeriods(now.getTime(), timeZone);
        const rows = await this.reports.periodForPlatform(rangeOf(month), 'tenant', {
          tenantIds: tenants.map((tenant) => tenant.id),
        });
        const spent = new Map(rows.map((row) => [row.tenantId, Number(row.costUsd)]));
        return tenants.map((tenant) => ({
          tenantId: tenant.id,
          tenantName: tenant.name,
          timeZone,
          period: periodOf(month),
          // Never null: every tenant listed has a budget.
          budget: consumption(spent.get(tenant.id) ?? 0, tenant.monthlyBudgetUsd) as LimitConsumptionResponse,
        }));
      }),
    );
    return (
      perZone
        .flat()
        .filter((entry) => entry.budget.percent >= BUDGET_BURN_PERCENT)
        // Ties by name byte-wise, like the SQL reports' ordering.
        .sort((a, b) => b.budget.percent - a.budget.percent || byteOrder(a.tenantName, b.tenantName))
    );
  }
}
