import { Logger } from '@nestjs/common';
import { asTenantId, type TenantId } from '@gatehouse/contracts';
import {
  AlertRepository,
  type AlertFiringData,
  type AlertFiringKey,
  type AlertRuleRow,
  type AlertTenant,
  type DbClient,
  type DbTransaction,
  NotificationRepository,
  type Prisma,
  type ProductUsage,
  rollupSlices,
  TransactionRunner,
  type WatchedSubscription,
  WebhookRepository,
} from '@gatehouse/db';
import {
  calendarPeriods,
  type CalendarPeriod,
  effectiveLimits,
  limitsFromPlanRow,
  readLimitOverrides,
} from '@gatehouse/domain';
import { WEBHOOK_ATTEMPT_LEASE_MS, type WebhookSender } from '@gatehouse/webhooks';
import { randomUUID } from 'node:crypto';
import { budgetAlertText } from './budget-alert-text';
import {
  ALERT_METRICS,
  type AlertMetric,
  crossedThresholds,
  decimalToUnits,
  METRIC_PERIOD,
  percentOf,
  unitsToDecimal,
  USD_SCALE,
} from './budget-thresholds';

/** The notification kind and webhook event of a threshold reached. */
export const BUDGET_THRESHOLD_EVENT = 'budget.threshold';

/** The subject of a firing on the tenant's own monthly budget (otherwise the subject is a subscription id). */
export const TENANT_SUBJECT = 'tenant';

/** One metric of one subject, compared against one rule's thresholds. */
interface Watch {
  rule: AlertRuleRow;
  subject: string;
  subscription: WatchedSubscription | null;
  metric: AlertMetric;
  period: CalendarPeriod;
  /** Both in the metric's unit: nano-USD, tokens or calls. */
  used: bigint;
  limit: bigint;
}

export interface BudgetCheckResult {
  /** Firings this check recorded (not those recorded earlier or by a concurrent check). */
  fired: AlertFiringKey[];
  /** Notifications created: one per rule, subject and metric that fired, for its highest new threshold. */
  notified: number;
  /** Webhook deliveries created, attempted once right after the commit. */
  deliveryIds: string[];
}

const NOTHING: BudgetCheckResult = { fired: [], notified: 0, deliveryIds: [] };

const unitOf = (metric: AlertMetric) =>
  metric === 'monthlyBudgetUsd' ? 'USD' : metric === 'monthlyCalls' ? 'calls' : 'tokens';

const toText = (metric: AlertMetric, units: bigint) =>
  metric === 'monthlyBudgetUsd' ? unitsToDecimal(units, USD_SCALE) : units.toString();

/**
 * Budget and quota alerts of a tenant. What a check does:
 *
 * - Rules. A rule with a subscription watches that subscription while it is APPROVED and unexpired. A tenant-wide
 *   rule (no subscription) watches the tenant's own `monthlyBudgetUsd` and every APPROVED, unexpired
 *   subscription that has no enabled rule of its own. Disabled rules watch nothing. A tenant without any rule
 *   gets the default tenant-wide rule (50/80/100 %, no webhook) on its first check, so alerts work with no
 *   setup; creating it holds an advisory lock on the tenant, so concurrent checks create one.
 * - Metrics. The tenant: `monthlyBudgetUsd` (spend across all its products). A subscription: its effective
 *   limits (plan limits with the admin's overrides) `monthlyBudgetUsd`, `monthlyTokens` (input + output),
 *   `monthlyCalls` (calls recorded), each over the month in the tenant's zone, and `dailyTokens` over the day in
 *   the tenant's zone. An unlimited (null) or zero limit is not watched.
 * - Usage comes from the rollups, never the raw events: the tenant's rollups for the tenant, those of the
 *   tenant and the subscription's product for a subscription, over the period (see `rollupSlices`).
 * - Firing. Each threshold reached is recorded once per (rule, subject, metric, threshold, period) with
 *   INSERT ... ON CONFLICT DO NOTHING. Only for rows actually inserted, and in the same transaction: one in-app
 *   notification per rule, subject and metric, for the highest threshold newly reached (a jump from 0 to 100 %
 *   records 50, 80 and 100 and tells once), and one webhook delivery per enabled rule with a URL that concerns
 *   the subject (tenant-wide rules, and the subscription's own). A later check at the same or a higher usage
 *   inserts nothing and tells nothing: an alert fires once per period, not on every call.
 * - Webhooks are attempted right after the commit; the `alerts.webhook-retry` job retries the due ones.
 */
export class BudgetAlerts {
  private readonly logger = new Logger('BudgetAlerts');
  private readonly alerts: AlertRepository;
  private readonly transactions: TransactionRunner;

  constructor(
    db: DbClient,
    private readonly sender: WebhookSender,
  ) {
    this.alerts = new AlertRepository(db);
    this.transactions = new TransactionRunner(db);
  }

  async check(tenantIdText: string, now: Date = new Date()): Promise<BudgetCheckResult> {
    const tenantId = asTenantId(tenantIdText);
    const tenant = await this.alerts.findTenant(tenantId);
    if (!tenant) return NOTHING;
    const rules = (await this.rulesOf(tenantId)).filter((rule) => rule.enabled);
    if (rules.length === 0) return NOTHING;

    const watches = await this.watches(tenant, rules, now);
    const candidates = watches.flatMap((watch) =>
      crossedThresholds(watch.rule.thresholds, watch.used, watch.limit).map((threshold) => ({ watch, threshold })),
    );
    if (candidates.length === 0) return NOTHING;

    // Most checks find every reached threshold already recorded: skip the write transaction for those.
    const periods = [...new Set(candidates.map(({ watch }) => watch.period.id))];
    const recorded = new Set((await this.alerts.listFirings(tenantId, periods)).map(firingKey));
    const fresh = candidates.filter(({ watch, threshold }) => !recorded.has(firingKey(keyOf(watch, threshold))));
    if (fresh.length === 0) return NOTHING;

    const result = await this.transactions.run((tx) => this.fire(tx, tenantId, fresh, now));
    await this.attemptDeliveries(result.deliveryIds, now);
    return result;
  }

  /** Attempts the webhook deliveries due at `now` (the scheduled retry). */
  async retryDueWebhooks(now: Date = new Date()): Promise<number> {
    return this.sender.retryDue(now);
  }

  /** The tenant's rules; the default tenant-wide rule is created first when it has none at all. */
  private async rulesOf(tenantId: TenantId): Promise<AlertRuleRow[]> {
    const rules = await this.alerts.listRules(tenantId);
    if (rules.length > 0) return rules;
    return this.transactions.run(async (tx) => {
      const locked = new AlertRepository(tx);
      await locked.lockTenantRules(tenantId);
      // Another check may have created it while this one waited for the lock.
      const existing = await locked.listRules(tenantId);
      if (existing.length > 0) return existing;
      return [await locked.createDefaultTenantRule(tenantId)];
    });
  }

  private async watches(tenant: AlertTenant, rules: AlertRuleRow[], now: Date): Promise<Watch[]> {
    const tenantId = asTenantId(tenant.id);
    const periods = calendarPeriods(now.getTime(), tenant.timeZone);
    const subscriptions = await this.alerts.listWatchedSubscriptions(tenantId, now);
    const withOwnRule = new Set(rules.map((rule) => rule.subscriptionId).filter((id): id is string => id !== null));

    // Usage is read once per period, for every product, and only for the periods some limit needs.
    const usage = new Map<'day' | 'month', Map<string, ProductUsage>>();
    const usageIn = async (kind: 'day' | 'month'): Promise<Map<string, ProductUsage>> => {
      let byProduct = usage.get(kind);
      if (!byProduct) {
        const period = periods[kind];
        const rows = await this.alerts.usageByProduct(
          tenantId,
          rollupSlices({ from: new Date(period.startsAt), to: new Date(period.endsAt) }),
        );
        byProduct = new Map(rows.map((row) => [row.productId, row]));
        usage.set(kind, byProduct);
      }
      return byProduct;
    };

    const watches: Watch[] = [];
    for (const rule of rules) {
      if (rule.subscriptionId === null && tenant.monthlyBudgetUsd !== null) {
        const spent = [...(await usageIn('month')).values()].reduce(
          (sum, row) => sum + decimalToUnits(row.costUsd, USD_SCALE),
          0n,
        );
        watches.push({
          rule,
          subject: TENANT_SUBJECT,
          subscription: null,
          metric: 'monthlyBudgetUsd',
          period: periods.month,
          used: spent,
          limit: decimalToUnits(tenant.monthlyBudgetUsd.toFixed(), USD_SCALE),
        });
      }
      const watched = subscriptions.filter((subscription) =>
        rule.subscriptionId === null ? !withOwnRule.has(subscription.id) : subscription.id === rule.subscriptionId,
      );
      for (const subscription of watched) {
        const limits = effectiveLimits(
          limitsFromPlanRow(subscription.plan),
          readLimitOverrides(subscription.limitOverrides),
        );
        for (const metric of ALERT_METRICS) {
          const value = limits[metric];
          if (value === null) continue;
          const kind = METRIC_PERIOD[metric];
          const row = (await usageIn(kind)).get(subscription.productId);
          const used =
            metric === 'monthlyBudgetUsd'
              ? decimalToUnits(row?.costUsd ?? '0', USD_SCALE)
              : metric === 'monthlyCalls'
                ? (row?.requests ?? 0n)
                : (row?.tokens ?? 0n);
          const limit =
            metric === 'monthlyBudgetUsd' ? decimalToUnits(String(value), USD_SCALE) : BigInt(value as number);
          watches.push({ rule, subject: subscription.id, subscription, metric, period: periods[kind], used, limit });
        }
      }
    }
    return watches;
  }

  /**
   * In one transaction: the firings, and for those inserted the notification and the webhook deliveries, so a
   * crash never leaves a firing that nobody was told about, nor a notification without its firing.
   */
  private async fire(
    tx: DbTransaction,
    tenantId: TenantId,
    candidates: { watch: Watch; threshold: number }[],
    now: Date,
  ): Promise<BudgetCheckResult> {
    const inserted = await new AlertRepository(tx).recordFirings(
      tenantId,
      candidates.map(({ watch, threshold }): AlertFiringData => ({
        ...keyOf(watch, threshold),
        used: toText(watch.metric, watch.used),
        limit: toText(watch.metric, watch.limit),
      })),
    );
    const insertedKeys = new Set(inserted.map(firingKey));

    // Per rule, subject and metric: the highest threshold this transaction inserted.
    const highest = new Map<string, { watch: Watch; threshold: number }>();
    for (const candidate of candidates) {
      if (!insertedKeys.has(firingKey(keyOf(candidate.watch, candidate.threshold)))) continue;
      const group = `${candidate.watch.rule.id}|${candidate.watch.subject}|${candidate.watch.metric}`;
      const current = highest.get(group);
      if (!current || candidate.threshold > current.threshold) highest.set(group, candidate);
    }

    const notifications = new NotificationRepository(tx);
    const webhooks = new WebhookRepository(tx);
    const deliveryIds: string[] = [];
    for (const { watch, threshold } of highest.values()) {
      const data = eventData(watch, threshold);
      const text = budgetAlertText({
        metric: watch.metric,
        threshold,
        used: watch.used,
        limit: watch.limit,
        percent: percentOf(watch.used, watch.limit),
        period: watch.period.id,
        ...(watch.subscription
          ? {
              subscription: {
                productName: watch.subscription.product.name,
                planName: watch.subscription.plan.name,
              },
            }
          : {}),
      });
      await notifications.create(tenantId, { kind: BUDGET_THRESHOLD_EVENT, payload: { ...text, data } });

      const seen = new Set<string>();
      for (const target of await webhooks.listTargets(tenantId, watch.subscription?.id ?? null)) {
        if (!target.webhookUrl || seen.has(target.webhookUrl)) continue;
        seen.add(target.webhookUrl);
        const delivery = await webhooks.createDelivery(tenantId, {
          alertRuleId: target.id,
          url: target.webhookUrl,
          event: BUDGET_THRESHOLD_EVENT,
          payload: { id: randomUUID(), event: BUDGET_THRESHOLD_EVENT, tenantId, createdAt: now.toISOString(), data },
          // The retries leave it to the attempt right after the commit until this lease ends.
          nextAttemptAt: new Date(now.getTime() + WEBHOOK_ATTEMPT_LEASE_MS),
        });
        deliveryIds.push(delivery.id);
      }
    }
    return { fired: inserted, notified: highest.size, deliveryIds };
  }

  /** The first attempt of each new delivery; a failure is left to the retries, never to this check. */
  private async attemptDeliveries(deliveryIds: string[], now: Date): Promise<void> {
    await Promise.all(
      deliveryIds.map((id) =>
        this.sender.attempt(id, now).catch((cause: unknown) => {
          this.logger.warn(`Webhook delivery ${id}: ${cause instanceof Error ? cause.message : String(cause)}`);
        }),
      ),
    );
  }
}

function keyOf(watch: Watch, threshold: number): AlertFiringKey {
  return {
    alertRuleId: watch.rule.id,
    subject: watch.subject,
    metric: watch.metric,
    threshold,
    period: watch.period.id,
  };
}

function firingKey(key: AlertFiringKey): string {
  return `${key.alertRuleId}|${key.subject}|${key.metric}|${key.threshold}|${key.period}`;
}

/** The notification's `data` and the webhook's `data`: what a client needs to show and link the alert. */
function eventData(watch: Watch, threshold: number): Prisma.InputJsonObject {
  return {
    ruleId: watch.rule.id,
    subject: watch.subject,
    subscriptionId: watch.subscription?.id ?? null,
    productId: watch.subscription?.productId ?? null,
    planId: watch.subscription?.planId ?? null,
    metric: watch.metric,
    unit: unitOf(watch.metric),
    threshold,
    used: toText(watch.metric, watch.used),
    limit: toText(watch.metric, watch.limit),
    percent: percentOf(watch.used, watch.limit),
    period: watch.period.id,
    periodStart: new Date(watch.period.startsAt).toISOString(),
    periodEnd: new Date(watch.period.endsAt).toISOString(),
  };
}
