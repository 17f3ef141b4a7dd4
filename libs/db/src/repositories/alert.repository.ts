import { type TenantId } from '@gatehouse/contracts';
import {
  type AlertFiring,
  type Plan,
  Prisma,
  type Product,
  type Subscription,
  type Tenant,
} from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';
import { type RollupSlice } from './rollup-slices';
import { type AlertRuleRow } from './webhook.repository';

/** A tenant as its alerts need it: the zone its periods follow and its own monthly budget. */
export type AlertTenant = Pick<Tenant, 'id' | 'name' | 'timeZone' | 'monthlyBudgetUsd'>;

/** A subscription an alert may watch: with its plan (the limits) and its product's name. */
export type WatchedSubscription = Pick<
  Subscription,
  'id' | 'productId' | 'planId' | 'status' | 'limitOverrides' | 'expiresAt'
> & {
  plan: Plan;
  product: Pick<Product, 'id' | 'name'>;
};

/** A tenant's usage of one product over some ranges; decimals and counts as exact strings. */
export interface ProductUsage {
  productId: string;
  requests: bigint;
  /** Input plus output tokens, as the limiter counts them towards token quotas. */
  tokens: bigint;
  /** USD with up to 9 decimals, as a plain decimal string. */
  costUsd: string;
}

/** One threshold of one rule reached by one subject's metric in one period. */
export interface AlertFiringKey {
  alertRuleId: string;
  subject: string;
  metric: string;
  threshold: number;
  period: string;
}

export interface AlertFiringData extends AlertFiringKey {
  /** Usage and limit in the metric's unit (USD, tokens or calls), as decimal strings. */
  used: string;
  limit: string;
}

/** What an owner sets on a rule; the webhook columns are the webhook's own (see WebhookRepository). */
export interface AlertRuleSettings {
  thresholds: number[];
  enabled: boolean;
}

/**
 * Budget alerts: the rules of a tenant, what they watch, the usage they compare (from the rollups, never the
 * raw events) and the firings that make each threshold fire once per period.
 */
export class AlertRepository {
  constructor(private readonly db: DbExecutor) {}

  /**
   * Serialises the tenant's rule setup until the transaction ends (only on a transaction): two checks that
   * both find no rule create one between them, not two.
   */
  async lockTenantRules(tenantId: TenantId): Promise<void> {
    await this.db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`alert-rules:${tenantId}`}, 0))`;
  }

  findTenant(tenantId: TenantId): Promise<AlertTenant | null> {
    return this.db.tenant.findUnique({
      where: { id: tenantId },
      select: { id: true, name: true, timeZone: true, monthlyBudgetUsd: true },
    });
  }

  /** Every rule of the tenant, enabled or not, oldest first (secrets omitted). */
  listRules(tenantId: TenantId): Promise<AlertRuleRow[]> {
    return this.db.alertRule.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** The tenant-wide rule with the default thresholds (50/80/100 %) and no webhook. */
  createDefaultTenantRule(tenantId: TenantId): Promise<AlertRuleRow> {
    return this.db.alertRule.create({ data: { tenantId } });
  }

  /** The tenant's subscriptions in force at `now` (APPROVED, not past expiresAt), with plan and product. */
  listWatchedSubscriptions(tenantId: TenantId, now: Date): Promise<WatchedSubscription[]> {
    return this.db.subscription.findMany({
      where: { tenantId, status: 'APPROVED', OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      select: {
        id: true,
        productId: true,
        planId: true,
        status: true,
        limitOverrides: true,
        expiresAt: true,
        plan: true,
        product: { select: { id: true, name: true } },
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * The tenant's usage per product over the ranges (which must not overlap), summed from the rollups of each
   * range's granularity. Rollups only hold calls with a key and a product, which is all that quotas count.
   */
  async usageByProduct(tenantId: TenantId, ranges: readonly RollupSlice[]): Promise<ProductUsage[]> {
    if (ranges.length === 0) return [];
    const rows = await this.db.$queryRaw<{ productId: string; requests: string; tokens: string; costUsd: string }[]>`
      SELECT r.product_id::text AS "productId", sum(r.requests)::text AS requests,
        sum(r.input_tokens + r.output_tokens)::text AS tokens, sum(r.cost_usd)::text AS "costUsd"
      FROM usage_rollups r
      JOIN unnest(
        ${ranges.map((range) => range.granularity)}::rollup_granularity[],
        ${ranges.map((range) => range.from.toISOString())}::timestamptz[],
        ${ranges.map((range) => range.to.toISOString())}::timestamptz[]
      ) AS q(granularity, range_from, range_to)
        ON r.granularity = q.granularity AND r.bucket_start >= q.range_from AND r.bucket_start < q.range_to
      WHERE r.tenant_id = ${tenantId}::uuid
      GROUP BY r.product_id`;
    return rows.map((row) => ({
      productId: row.productId,
      requests: BigInt(row.requests),
      tokens: BigInt(row.tokens),
      costUsd: row.costUsd,
    }));
  }

  /** Which of `keys` have fired already (any of the tenant's firings in those periods). */
  async listFirings(tenantId: TenantId, periods: readonly string[]): Promise<AlertFiringKey[]> {
    if (periods.length === 0) return [];
    return this.db.alertFiring.findMany({
      where: { tenantId, period: { in: [...periods] } },
      select: { alertRuleId: true, subject: true, metric: true, threshold: true, period: true },
    });
  }

  /**
   * Records firings with INSERT ... ON CONFLICT DO NOTHING and resolves with those this statement inserted:
   * a firing another check recorded first (even one still committing) is not returned, so only one check
   * ever notifies it.
   */
  async recordFirings(tenantId: TenantId, firings: readonly AlertFiringData[]): Promise<AlertFiringKey[]> {
    if (firings.length === 0) return [];
    const column = <T>(pick: (firing: AlertFiringData) => T): T[] => firings.map(pick);
    return this.db.$queryRaw<AlertFiringKey[]>(Prisma.sql`
      INSERT INTO alert_firings (alert_rule_id, tenant_id, subject, metric, threshold, period, spent_usd, budget_usd)
      SELECT f.alert_rule_id, ${tenantId}::uuid, f.subject, f.metric, f.threshold, f.period, f.used, f.limit_value
      FROM unnest(
        ${column((f) => f.alertRuleId)}::uuid[],
        ${column((f) => f.subject)}::text[],
        ${column((f) => f.metric)}::text[],
        ${column((f) => f.threshold)}::int[],
        ${column((f) => f.period)}::text[],
        ${column((f) => f.used)}::numeric[],
        ${column((f) => f.limit)}::numeric[]
      ) AS f(alert_rule_id, subject, metric, threshold, period, used, limit_value)
      ON CONFLICT (alert_rule_id, subject, metric, threshold, period) DO NOTHING
      RETURNING alert_rule_id::text AS "alertRuleId", subject, metric, threshold, period`);
  }

  /** The subscription's own rules, oldest first (normally one; secrets omitted). */
  listSubscriptionRules(tenantId: TenantId, subscriptionId: string): Promise<AlertRuleRow[]> {
    if (!isUuid(subscriptionId)) return Promise.resolve([]);
    return this.db.alertRule.findMany({
      where: { tenantId, subscriptionId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** A rule without a webhook: tenant-wide when `subscriptionId` is null. */
  createRule(tenantId: TenantId, subscriptionId: string | null, settings: AlertRuleSettings): Promise<AlertRuleRow> {
    return this.db.alertRule.create({
      data: { tenantId, subscriptionId, thresholds: settings.thresholds, enabled: settings.enabled },
    });
  }

  /** Changes thresholds and `enabled` only: the rule's webhook URL and secret stay as they are. */
  updateRuleSettings(tenantId: TenantId, ruleId: string, settings: AlertRuleSettings): Promise<AlertRuleRow> {
    return this.db.alertRule.update({
      where: { id: ruleId, tenantId },
      data: { thresholds: settings.thresholds, enabled: settings.enabled },
    });
  }

  /** Deletes the subscription's own rules (their firings go with them) and resolves with how many there were. */
  async deleteSubscriptionRules(tenantId: TenantId, subscriptionId: string): Promise<number> {
    if (!isUuid(subscriptionId)) return 0;
    const { count } = await this.db.alertRule.deleteMany({ where: { tenantId, subscriptionId } });
    return count;
  }

  /** The tenant's firings, newest first, one keyset page at a time. */
  async listRecentFirings(tenantId: TenantId, request: PageRequest = {}): Promise<Page<AlertFiring>> {
    const rows = await this.db.alertFiring.findMany({
      where: { tenantId },
      ...pageArgs(request),
      orderBy: [{ firedAt: 'desc' }, { id: 'desc' }],
    });
    return toPage(rows, request);
  }
}
