import { type TenantId } from '@gatehouse/contracts';
import {
  type AlertRule,
  type Prisma,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
} from '../generated/prisma/client';
import { type DbExecutor } from '../prisma-client';

/** An alert rule as queries hand it back: without its secret columns (omitted by default). */
export type AlertRuleRow = Omit<AlertRule, 'webhookSecretCiphertext' | 'webhookSecretIv' | 'webhookSecretAuthTag'>;

/** The three encrypted-secret columns of an alert rule. */
export interface WebhookSecretColumns {
  webhookSecretCiphertext: Uint8Array<ArrayBuffer>;
  webhookSecretIv: Uint8Array<ArrayBuffer>;
  webhookSecretAuthTag: Uint8Array<ArrayBuffer>;
}

/** Where an event is posted: a rule's URL and, by name, its encrypted signing secret. */
export type WebhookTarget = Pick<AlertRule, 'id' | 'webhookUrl'> & {
  webhookSecretCiphertext: Uint8Array | null;
  webhookSecretIv: Uint8Array | null;
  webhookSecretAuthTag: Uint8Array | null;
};

export type DeliveryWithTarget = WebhookDelivery & { alertRule: WebhookTarget | null };

export interface CreateDeliveryData {
  alertRuleId: string;
  url: string;
  event: string;
  payload: Prisma.InputJsonValue;
  /** When a sweep may pick it up if the immediate attempt never reports (the immediate attempt's lease). */
  nextAttemptAt: Date;
}

export interface DeliveryAttemptResult {
  status: WebhookDeliveryStatus;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

const withSecret = {
  id: true,
  webhookUrl: true,
  webhookSecretCiphertext: true,
  webhookSecretIv: true,
  webhookSecretAuthTag: true,
} satisfies Prisma.AlertRuleSelect;

/**
 * Tenant webhooks and their deliveries. A tenant's webhook lives on its tenant-wide alert rule
 * (subscriptionId null), which also carries the budget thresholds posted to the same URL; the signing secret
 * is stored encrypted and read only by the queries here that name its columns.
 */
export class WebhookRepository {
  constructor(private readonly db: DbExecutor) {}

  /** The tenant-wide rule (the oldest, when an admin made several). */
  findTenantRule(tenantId: TenantId): Promise<AlertRuleRow | null> {
    return this.db.alertRule.findFirst({
      where: { tenantId, subscriptionId: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** A new tenant-wide rule with the default thresholds. `id` is the caller's: the secret's associated data. */
  createTenantRule(tenantId: TenantId, id: string, url: string, secret: WebhookSecretColumns): Promise<AlertRuleRow> {
    return this.db.alertRule.create({ data: { id, tenantId, webhookUrl: url, ...secret } });
  }

  setRuleWebhook(tenantId: TenantId, ruleId: string, url: string, secret: WebhookSecretColumns): Promise<AlertRuleRow> {
    return this.db.alertRule.update({ where: { id: ruleId, tenantId }, data: { webhookUrl: url, ...secret } });
  }

  /** Takes the webhook off a rule (URL and secret); the rule's thresholds stay. */
  clearRuleWebhook(tenantId: TenantId, ruleId: string): Promise<AlertRuleRow> {
    return this.db.alertRule.update({
      where: { id: ruleId, tenantId },
      data: { webhookUrl: null, webhookSecretCiphertext: null, webhookSecretIv: null, webhookSecretAuthTag: null },
    });
  }

  /** Enabled rules with a URL that concern the subscription: tenant-wide ones and the subscription's own. */
  listTargets(tenantId: TenantId, subscriptionId: string | null): Promise<WebhookTarget[]> {
    return this.db.alertRule.findMany({
      where: {
        tenantId,
        enabled: true,
        webhookUrl: { not: null },
        OR: [{ subscriptionId: null }, ...(subscriptionId ? [{ subscriptionId }] : [])],
      },
      select: withSecret,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  createDelivery(tenantId: TenantId, data: CreateDeliveryData): Promise<WebhookDelivery> {
    return this.db.webhookDelivery.create({ data: { ...data, tenantId } });
  }

  listDeliveries(tenantId: TenantId, take = 50): Promise<WebhookDelivery[]> {
    return this.db.webhookDelivery.findMany({ where: { tenantId }, orderBy: { createdAt: 'desc' }, take });
  }

  // The delivery process runs for no caller (after a commit, or from the sweep): the methods below address a
  // delivery by its id alone, which only comes from rows this repository created.

  /** PENDING deliveries whose next attempt is due, oldest first. */
  listDueDeliveries(now: Date, take: number): Promise<Pick<WebhookDelivery, 'id' | 'nextAttemptAt'>[]> {
    return this.db.webhookDelivery.findMany({
      where: { status: 'PENDING', nextAttemptAt: { lte: now } },
      select: { id: true, nextAttemptAt: true },
      orderBy: { nextAttemptAt: 'asc' },
      take,
    });
  }

  /**
   * Takes a delivery for one attempt, atomically (one UPDATE, so two processes never both win), and resolves with
   * the attempts already made, or null when it is not available. Available means PENDING and either due
   * (`nextAttemptAt <= now`) or fresh: never attempted and still under the lease it was created with, which is
   * how the attempt right after the creating commit gets it before any sweep may.
   *
   * A claim pushes `nextAttemptAt` to at least `createdAt + freshWindowMs`, and a creation lease is shorter than
   * that window, so a claimed delivery never looks fresh again; nor is it due until its lease ends. Nothing is
   * compared with an earlier read, so a caller that read the row after another process claimed it cannot take it
   * a second time.
   */
  async claimDeliveryAttempt(
    deliveryId: string,
    now: Date,
    leaseMs: number,
    freshWindowMs: number,
  ): Promise<{ attempts: number } | null> {
    const rows = await this.db.$queryRaw<{ attempts: number }[]>`
      UPDATE webhook_deliveries
      SET next_attempt_at = GREATEST(${now}::timestamptz + make_interval(secs => ${leaseMs / 1000}),
                                     created_at + make_interval(secs => ${freshWindowMs / 1000}))
      WHERE id = ${deliveryId}::uuid AND status = 'PENDING'
        AND (next_attempt_at <= ${now}::timestamptz
             OR (attempts = 0 AND next_attempt_at < created_at + make_interval(secs => ${freshWindowMs / 1000})))
      RETURNING attempts`;
    return rows[0] ?? null;
  }

  findDeliveryWithTarget(deliveryId: string): Promise<DeliveryWithTarget | null> {
    return this.db.webhookDelivery.findUnique({
      where: { id: deliveryId },
      include: { alertRule: { select: withSecret } },
    });
  }

  recordAttempt(deliveryId: string, result: DeliveryAttemptResult): Promise<WebhookDelivery> {
    return this.db.webhookDelivery.update({
      where: { id: deliveryId },
      data: {
        status: result.status,
        attempts: { increment: 1 },
        lastStatusCode: result.statusCode,
        lastError: result.error,
        nextAttemptAt: result.nextAttemptAt,
        deliveredAt: result.deliveredAt,
      },
    });
  }
}
