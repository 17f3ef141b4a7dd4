import { Injectable } from '@nestjs/common';
import {
  type AlertFiringListQuery,
  type AlertFiringResponse,
  type AlertFiringListResponse,
  type AlertRuleListResponse,
  type AlertRuleResponse,
  DEFAULT_ALERT_THRESHOLDS,
  type PutAlertRuleRequest,
  type TenantId,
} from '@gatehouse/contracts';
import {
  type AlertFiring,
  AlertRepository,
  type AlertRuleRow,
  type DbTransaction,
  SubscriptionRepository,
  TransactionRunner,
  WebhookRepository,
} from '@gatehouse/db';
import { decimalToString } from '@gatehouse/domain';
import { type Actor } from '../auth/authenticated-user';
import { AuditService } from '../audit/audit.service';
import { ApiError } from '../common/errors/api-error';

/** What the worker applies to a tenant that has no rule at all (it creates this rule on its first check). */
const DEFAULT_TENANT_RULE: AlertRuleResponse = {
  id: null,
  subscriptionId: null,
  thresholds: [...DEFAULT_ALERT_THRESHOLDS],
  enabled: true,
  hasWebhook: false,
  createdAt: null,
  updatedAt: null,
};

/**
 * Budget alert rules of a tenant. Every write takes the tenant's rule lock (`AlertRepository.lockTenantRules`),
 * the one the worker takes to create the default rule and the webhook service takes to set the URL, so there is
 * never more than one tenant-wide rule made by the platform. Writes change thresholds and `enabled` only: the
 * webhook URL and secret on the tenant-wide rule belong to `PUT /tenants/{id}/webhook`.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /** Tenant-wide rules first (the oldest, which holds the webhook, leading), then the subscriptions' own. */
  async listRules(tenantId: TenantId): Promise<AlertRuleListResponse> {
    const rules = await this.alerts.listRules(tenantId);
    // The worker applies the defaults only to a tenant without any rule, so only then are they shown as applying.
    if (rules.length === 0) return { items: [{ ...DEFAULT_TENANT_RULE }], nextCursor: null };
    const tenantWide = rules.filter((rule) => rule.subscriptionId === null);
    const own = rules.filter((rule) => rule.subscriptionId !== null);
    return { items: [...tenantWide, ...own].map(toRuleResponse), nextCursor: null };
  }

  async putTenantRule(tenantId: TenantId, body: PutAlertRuleRequest, actor: Actor): Promise<AlertRuleResponse> {
    const saved = await this.transactions.run(async (tx) => {
      const alerts = new AlertRepository(tx);
      await alerts.lockTenantRules(tenantId);
      // The same rule the webhook is set on, so thresholds and webhook never end up on two different rules.
      const existing = await new WebhookRepository(tx).findTenantRule(tenantId);
      const rule = existing
        ? await alerts.updateRuleSettings(tenantId, existing.id, body)
        : await alerts.createRule(tenantId, null, body);
      await this.recordUpdate(tx, tenantId, actor, existing, rule);
      return rule;
    });
    return toRuleResponse(saved);
  }

  async putSubscriptionRule(
    tenantId: TenantId,
    subscriptionId: string,
    body: PutAlertRuleRequest,
    actor: Actor,
  ): Promise<AlertRuleResponse> {
    const saved = await this.transactions.run(async (tx) => {
      const alerts = new AlertRepository(tx);
      await alerts.lockTenantRules(tenantId);
      const subscription = await new SubscriptionRepository(tx).findForTenant(tenantId, subscriptionId);
      if (!subscription) throw ApiError.notFound('Subscription');

      // The worker creates the default tenant-wide rule only for a tenant with no rule at all. Without this, a
      // tenant's first rule being a subscription's would silently stop the alerts on its own budget and on its
      // other subscriptions, which the defaults covered until then.
      const webhooks = new WebhookRepository(tx);
      if (!(await webhooks.findTenantRule(tenantId))) {
        const created = await alerts.createRule(tenantId, null, {
          thresholds: [...DEFAULT_ALERT_THRESHOLDS],
          enabled: true,
        });
        await this.recordUpdate(tx, tenantId, actor, null, created);
      }

      const [existing] = await alerts.listSubscriptionRules(tenantId, subscription.id);
      const rule = existing
        ? await alerts.updateRuleSettings(tenantId, existing.id, body)
        : await alerts.createRule(tenantId, subscription.id, body);
      await this.recordUpdate(tx, tenantId, actor, existing ?? null, rule);
      return rule;
    });
    return toRuleResponse(saved);
  }

  /** The subscription falls back to the tenant-wide rules, as if it never had one of its own. */
  async deleteSubscriptionRule(tenantId: TenantId, subscriptionId: string, actor: Actor): Promise<void> {
    await this.transactions.run(async (tx) => {
      const alerts = new AlertRepository(tx);
      await alerts.lockTenantRules(tenantId);
      // Scoped by tenant: another tenant's subscription has no rule here, so it is a 404 like a missing rule.
      const rules = await alerts.listSubscriptionRules(tenantId, subscriptionId);
      if (rules.length === 0) throw ApiError.notFound('Alert rule');
      await alerts.deleteSubscriptionRules(tenantId, subscriptionId);
      for (const rule of rules) {
        await this.audit.record(tx, {
          actor,
          action: 'alert_rule.delete',
          targetType: 'alert_rule',
          targetId: rule.id,
          tenantId,
          before: auditSnapshot(rule),
          after: null,
        });
      }
    });
  }

  async listFirings(tenantId: TenantId, query: AlertFiringListQuery): Promise<AlertFiringListResponse> {
    const page = await this.alerts.listRecentFirings(tenantId, query);
    return { items: page.items.map(toFiringResponse), nextCursor: page.nextCursor };
  }

  private recordUpdate(
    tx: DbTransaction,
    tenantId: TenantId,
    actor: Actor,
    before: AlertRuleRow | null,
    after: AlertRuleRow,
  ): Promise<void> {
    return this.audit.record(tx, {
      actor,
      action: 'alert_rule.update',
      targetType: 'alert_rule',
      targetId: after.id,
      tenantId,
      before: before ? auditSnapshot(before) : null,
      after: auditSnapshot(after),
    });
  }
}

function auditSnapshot(rule: AlertRuleRow): { subscriptionId: string | null; thresholds: number[]; enabled: boolean } {
  return { subscriptionId: rule.subscriptionId, thresholds: rule.thresholds, enabled: rule.enabled };
}

function toRuleResponse(rule: AlertRuleRow): AlertRuleResponse {
  return {
    id: rule.id,
    subscriptionId: rule.subscriptionId,
    thresholds: rule.thresholds,
    enabled: rule.enabled,
    hasWebhook: rule.webhookUrl !== null,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

function toFiringResponse(firing: AlertFiring): AlertFiringResponse {
  return {
    id: firing.id,
    ruleId: firing.alertRuleId,
    subject: firing.subject,
    metric: firing.metric,
    threshold: firing.threshold,
    period: firing.period,
    used: decimalToString(firing.spentUsd),
    limit: decimalToString(firing.budgetUsd),
    firedAt: firing.firedAt.toISOString(),
  };
}
