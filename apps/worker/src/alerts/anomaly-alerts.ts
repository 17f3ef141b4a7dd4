import { Logger } from '@nestjs/common';
import { asTenantId } from '@gatehouse/contracts';
import {
  type AnomalyIncident,
  AnomalyRepository,
  type AnomalyBaselineRow,
  type AnomalyWindowRow,
  AuditRepository,
  type DbClient,
  type DbTransaction,
  NotificationRepository,
  type Prisma,
  rollupSlices,
  TransactionRunner,
  WebhookRepository,
} from '@gatehouse/db';
import {
  type AnomalySignal,
  type AnomalyThresholds,
  auditEventHash,
  type BaselineStats,
  detectAnomalies,
  GENESIS_HASH,
  type WindowStats,
} from '@gatehouse/domain';
import { WEBHOOK_ATTEMPT_LEASE_MS, type WebhookSender } from '@gatehouse/webhooks';
import { randomUUID } from 'node:crypto';
import { anomalyAlertText, anomalyResolvedText } from './anomaly-alert-text';

/** The subject of the platform's incidents (otherwise the subject is a tenant id). */
export const PLATFORM_SUBJECT = 'platform';

/** The notification kind and webhook event of an incident opening: `anomaly.error_rate`, `anomaly.cost_spike`... */
export const anomalyEvent = (signal: AnomalySignal) => `anomaly.${signal}`;

/** The notification kind and webhook event of an incident resolving. */
export const ANOMALY_RESOLVED_EVENT = 'anomaly.resolved';

export interface AnomalySettings {
  windowMinutes: number;
  baselineMinutes: number;
  /** Normal evaluations in a row that resolve an incident. */
  resolveAfter: number;
  thresholds: AnomalyThresholds;
}

export interface AnomalyCheckResult {
  /** Incidents this check opened (not those open already, nor those a concurrent check opened). */
  opened: AnomalyIncident[];
  /** Incidents this check resolved. */
  resolved: AnomalyIncident[];
  /** Webhook deliveries created, attempted once right after their commit. */
  deliveryIds: string[];
}

interface Subject {
  subject: string;
  tenantId: string | null;
  window: WindowStats;
  baseline: BaselineStats;
}

const MINUTE_MS = 60_000;

/**
 * Anomaly alerts of every tenant and of the platform. What a check does:
 *
 * - Window and baseline. The window is the last `windowMinutes` whole minutes before `now`, read from the raw
 *   events (the only place that tells 5xx and policy refusals apart) on the created_at index; the baseline is the
 *   `baselineMinutes` before the window, read from the rollups. Both are read once, grouped by tenant; the
 *   platform's are their sums. Subjects are the tenants with calls in either (and still existing), the platform,
 *   and whatever has an incident open, so an incident resolves even when its traffic has stopped.
 * - Signals are decided by `detectAnomalies` (libs/domain), with the minimum volumes that keep a quiet tenant or a
 *   first call from ever alerting.
 * - Incidents. An anomalous signal without an open incident opens one with INSERT ... ON CONFLICT DO NOTHING on
 *   the one-open-per-(subject, signal) key, and only the check that inserted it tells, in the same transaction: a
 *   tenant gets an in-app notification (kind `anomaly.<signal>`) and a signed webhook delivery per tenant-wide rule
 *   with a URL (once per URL); the platform's incident is written to the audit log for the platform admins. While
 *   open, nothing more is told. Each normal evaluation counts; the `resolveAfter`-th in a row resolves it and
 *   tells the same way (`anomaly.resolved`); an anomalous one starts the count over. The next anomaly of that
 *   subject and signal is a new incident.
 * - Webhooks are attempted right after the commit; the `alerts.webhook-retry` job retries the due ones.
 */
export class AnomalyAlerts {
  private readonly logger = new Logger('AnomalyAlerts');
  private readonly anomalies: AnomalyRepository;
  private readonly transactions: TransactionRunner;

  constructor(
    db: DbClient,
    private readonly sender: WebhookSender,
    private readonly settings: AnomalySettings,
  ) {
    this.anomalies = new AnomalyRepository(db);
    this.transactions = new TransactionRunner(db);
  }

  async check(now: Date = new Date()): Promise<AnomalyCheckResult> {
    const windowEnd = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
    const windowStart = new Date(windowEnd.getTime() - this.settings.windowMinutes * MINUTE_MS);
    const baselineStart = new Date(windowStart.getTime() - this.settings.baselineMinutes * MINUTE_MS);
    const [windowRows, baselineRows, open] = await Promise.all([
      this.anomalies.windowByTenant({ from: windowStart, to: windowEnd }),
      this.anomalies.baselineByTenant(rollupSlices({ from: baselineStart, to: windowStart })),
      this.anomalies.listOpen(),
    ]);
    const subjects = await this.subjects(windowRows, baselineRows, open);
    const openBySignal = new Map(open.map((incident) => [`${incident.subject}|${incident.signal}`, incident]));

    const result: AnomalyCheckResult = { opened: [], resolved: [], deliveryIds: [] };
    for (const subject of subjects) {
      for (const verdict of detectAnomalies(subject.window, subject.baseline, this.settings.thresholds)) {
        const incident = openBySignal.get(`${subject.subject}|${verdict.signal}`);
        if (verdict.anomalous && !incident) {
          const opened = await this.transactions.run((tx) =>
            this.open(tx, subject, verdict.signal, verdict, { windowStart, windowEnd, now }, result.deliveryIds),
          );
          if (opened) result.opened.push(opened);
        } else if (verdict.anomalous && incident && incident.normalStreak > 0) {
          await this.anomalies.stillAnomalous(incident.id);
        } else if (!verdict.anomalous && incident) {
          const resolved = await this.transactions.run((tx) => this.resolve(tx, incident, now, result.deliveryIds));
          if (resolved) result.resolved.push(resolved);
        }
      }
    }
    await this.attemptDeliveries(result.deliveryIds, now);
    return result;
  }

  private async subjects(
    windowRows: AnomalyWindowRow[],
    baselineRows: AnomalyBaselineRow[],
    open: AnomalyIncident[],
  ): Promise<Subject[]> {
    const minutes = { window: this.settings.windowMinutes, baseline: this.settings.baselineMinutes };
    const empty = (subject: string, tenantId: string | null): Subject => ({
      subject,
      tenantId,
      window: { minutes: minutes.window, requests: 0, errors: 0, serverErrors: 0, policyBlocks: 0, costUsd: 0 },
      baseline: { minutes: minutes.baseline, requests: 0, errors: 0, costUsd: 0 },
    });
    const platform = empty(PLATFORM_SUBJECT, null);
    const byTenant = new Map<string, Subject>();
    const ofTenant = (tenantId: string) => {
      let subject = byTenant.get(tenantId);
      if (!subject) byTenant.set(tenantId, (subject = empty(tenantId, tenantId)));
      return subject;
    };
    for (const row of windowRows) {
      for (const { window } of [platform, ofTenant(row.tenantId)]) {
        window.requests += row.requests;
        window.errors += row.errors;
        window.serverErrors += row.serverErrors;
        window.policyBlocks += row.policyBlocks;
        window.costUsd += Number(row.costUsd);
      }
    }
    for (const row of baselineRows) {
      for (const { baseline } of [platform, ofTenant(row.tenantId)]) {
        baseline.requests += row.requests;
        baseline.errors += row.errors;
        baseline.costUsd += Number(row.costUsd);
      }
    }
    // Usage events outlive their tenant; an open incident's tenant exists (its row would be gone with it).
    const existing = await this.anomalies.existingTenants([...byTenant.keys()]);
    for (const incident of open) {
      if (incident.tenantId !== null) {
        existing.add(incident.tenantId);
        ofTenant(incident.tenantId);
      }
    }
    return [platform, ...[...byTenant.values()].filter((subject) => existing.has(subject.subject))];
  }

  /** Opens the incident and, when this transaction inserted it, tells of it; resolves with it then, null otherwise. */
  private async open(
    tx: DbTransaction,
    subject: Subject,
    signal: AnomalySignal,
    values: { observed: number; baseline: number },
    at: { windowStart: Date; windowEnd: Date; now: Date },
    deliveryIds: string[],
  ): Promise<AnomalyIncident | null> {
    const incident = await new AnomalyRepository(tx).open({
      subject: subject.subject,
      tenantId: subject.tenantId,
      signal,
      windowStart: at.windowStart,
      windowEnd: at.windowEnd,
      observed: values.observed,
      baseline: values.baseline,
      openedAt: at.now,
    });
    if (!incident) return null;
    const text = anomalyAlertText({
      signal,
      scope: subject.tenantId === null ? 'platform' : 'tenant',
      ...values,
      ...at,
    });
    await this.tell(tx, incident, anomalyEvent(signal), text, at.now, deliveryIds);
    return incident;
  }

  private async resolve(
    tx: DbTransaction,
    incident: AnomalyIncident,
    now: Date,
    deliveryIds: string[],
  ): Promise<AnomalyIncident | null> {
    const resolved = await new AnomalyRepository(tx).recordNormal(incident.id, this.settings.resolveAfter, now);
    if (!resolved) return null;
    const text = anomalyResolvedText(resolved.signal as AnomalySignal, this.settings.resolveAfter);
    await this.tell(tx, resolved, ANOMALY_RESOLVED_EVENT, text, now, deliveryIds);
    return resolved;
  }

  /** A tenant's incident: a notification and the webhook deliveries; the platform's: an audit event. */
  private async tell(
    tx: DbTransaction,
    incident: AnomalyIncident,
    event: string,
    text: { title: string; body: string },
    now: Date,
    deliveryIds: string[],
  ): Promise<void> {
    const data = eventData(incident);
    if (incident.tenantId === null) {
      await recordPlatformAudit(tx, incident, event === ANOMALY_RESOLVED_EVENT ? 'anomaly.resolve' : 'anomaly.open', {
        ...text,
        data,
      });
      return;
    }
    const tenantId = asTenantId(incident.tenantId);
    await new NotificationRepository(tx).create(tenantId, { kind: event, payload: { ...text, data } });
    const webhooks = new WebhookRepository(tx);
    const seen = new Set<string>();
    for (const target of await webhooks.listTargets(tenantId, null)) {
      if (!target.webhookUrl || seen.has(target.webhookUrl)) continue;
      seen.add(target.webhookUrl);
      const delivery = await webhooks.createDelivery(tenantId, {
        alertRuleId: target.id,
        url: target.webhookUrl,
        event,
        payload: { id: randomUUID(), event, tenantId, createdAt: now.toISOString(), data },
        // The retries leave it to the attempt right after the commit until this lease ends.
        nextAttemptAt: new Date(now.getTime() + WEBHOOK_ATTEMPT_LEASE_MS),
      });
      deliveryIds.push(delivery.id);
    }
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

/** The notification's `data`, the webhook's `data` and the audit event's: what a client needs to show and link it. */
function eventData(incident: AnomalyIncident): Prisma.InputJsonObject {
  return {
    incidentId: incident.id,
    subject: incident.subject,
    signal: incident.signal,
    status: incident.open ? 'open' : 'resolved',
    observed: incident.observed,
    baseline: incident.baseline,
    windowStart: incident.windowStart.toISOString(),
    windowEnd: incident.windowEnd.toISOString(),
    openedAt: incident.openedAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * The platform's incidents go to the audit log, which platform admins read (and a SIEM receives): there is no
 * platform-wide inbox. Chained like the admin API's events (lock the head, hash, append), in the transaction
 * that opens or resolves the incident; no actor, as the worker acts for nobody.
 */
async function recordPlatformAudit(
  tx: DbTransaction,
  incident: AnomalyIncident,
  action: string,
  after: Prisma.InputJsonObject,
): Promise<void> {
  const audit = new AuditRepository(tx);
  const prevHash = (await audit.lockChainHead()) ?? GENESIS_HASH;
  const content = {
    id: randomUUID(),
    actorUserId: null,
    actorIp: null,
    action,
    targetType: 'anomaly_incident',
    targetId: incident.id,
    tenantId: null,
    before: null,
    after,
    createdAt: new Date(),
  };
  await audit.append({ ...content, prevHash, hash: auditEventHash(prevHash, content) });
}
