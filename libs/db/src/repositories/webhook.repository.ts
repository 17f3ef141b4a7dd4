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
   * Takes a delivery for one attempt (compare-and-set on nextAttemptAt) and pushes its next attempt to
   * `leaseUntil`, so that no other process attempts it meanwhile. False when another process took it first.
   */
  async claimDelivery(deliveryId: string, seenNextAttemptAt: Date | null, leaseUntil: Date): Promise<boolean> {
    const { count } = await this.db.webhookDelivery.updateMany({
      where: { id: deliveryId, status: 'PENDING', nextAttemptAt: seenNextAttemptAt },
      data: { nextAttemptAt: leaseUntil },
    });
    return count === 1;
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
