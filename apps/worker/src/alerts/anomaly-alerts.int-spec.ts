import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { DEV_CREDENTIAL_ENCRYPTION_KEY, parseConfig, workerConfigSchema } from '@gatehouse/config';
import {
  type DbClient,
  type Notification,
  UsageIngestionRepository,
  type UsageEventInput,
  WebhookRepository,
} from '@gatehouse/db';
import {
  credentialKeyFromBase64,
  encryptCredential,
  findChainBreak,
  GENESIS_HASH,
  verifyWebhookSignature,
} from '@gatehouse/domain';
import { WebhookSender } from '@gatehouse/webhooks';
import { createSeededDatabase, type SeededDatabase, usageEventInput } from '../../test/worker-fixtures';
import { AnomalyAlerts } from './anomaly-alerts';
import { AnomalyCheckProcessor } from './anomaly-check.processor';

/** demo-chat costs $0.50 per 1M input tokens: this many input tokens cost exactly `usd` dollars. */
const tokensCosting = (usd: number) => Math.round(usd * 2_000_000);

const MINUTE_MS = 60_000;
const at = (start: Date, minutes: number) => new Date(start.getTime() + minutes * MINUTE_MS);

/** The worker's default settings: a 5-minute window against the hour before it, resolved after 3 normal checks. */
const settings = parseConfig('worker', workerConfigSchema, {}).anomalies;

describe('anomaly alerts (worker, real Postgres)', () => {
  let seeded: SeededDatabase;
  let db: DbClient;
  let ingestion: UsageIngestionRepository;
  let sender: WebhookSender;
  let checks: AnomalyCheckProcessor;
  let productId: string;
  const key = credentialKeyFromBase64(DEV_CREDENTIAL_ENCRYPTION_KEY);

  let server: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    seeded = await createSeededDatabase('worker_anomalies', 4);
    ({ db, productId } = seeded);
    ingestion = new UsageIngestionRepository(db);
    sender = new WebhookSender(new WebhookRepository(db), key, { guard: { policy: { allowLoopback: true } } });
    checks = new AnomalyCheckProcessor(new AnomalyAlerts(db, sender, settings));

    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await seeded?.close();
  });

  const tenant = async () => (await db.tenant.create({ data: { name: `anomalies-${randomUUID().slice(0, 8)}` } })).id;

  async function ruleWithWebhook(tenantId: string, secret: string) {
    const id = randomUUID();
    const sealed = encryptCredential(secret, key, id);
    await db.alertRule.create({
      data: {
        id,
        tenantId,
        webhookUrl: receiverUrl,
        webhookSecretCiphertext: sealed.ciphertext,
        webhookSecretIv: sealed.iv,
        webhookSecretAuthTag: sealed.authTag,
      },
    });
  }

  /**
   * `perMinute` calls in each minute of `[from, from + minutes)`, through the ingestion path (raw events and
   * rollups): each costs `usd`, and `fail(i)` of the minute's i-th call gives it a status other than 200.
   */
  async function traffic(
    tenantId: string,
    from: Date,
    minutes: number,
    call: {
      perMinute?: number;
      usd?: number;
      status?: (index: number) => number;
      blocked?: (index: number) => boolean;
    } = {},
  ) {
    const events: UsageEventInput[] = [];
    for (let minute = 0; minute < minutes; minute++) {
      for (let index = 0; index < (call.perMinute ?? 10); index++) {
        const blocked = call.blocked?.(index) ?? false;
        const statusCode = blocked ? 403 : (call.status?.(index) ?? 200);
        events.push(
          usageEventInput({
            tenantId,
            productId,
            occurredAt: new Date(at(from, minute).getTime() + index * 1_000),
            statusCode,
            errorCode: statusCode >= 500 ? 'upstream_error' : null,
            inputTokens: tokensCosting(call.usd ?? 0.01),
            outputTokens: 0,
            policyActions: blocked ? ['block:pii.input.EMAIL@global'] : [],
          }),
        );
      }
    }
    await ingestion.ingest(events);
  }

  const notifications = (tenantId: string) =>
    db.notification.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
  const dataOf = (notification: Notification | undefined) =>
    (notification?.payload as { data: Record<string, unknown> } | undefined)?.data;
  const deliveries = (tenantId: string) =>
    db.webhookDelivery.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });

  // The checks run at instants in the past: a webhook's first attempt is claimed against its row's created_at (the
  // database's clock), so the injected clock must not run ahead of it.

  it('tells a steady tenant nothing, check after check', async () => {
    const tenantId = await tenant();
    const start = new Date('2025-01-07T09:00:00.000Z');
    await traffic(tenantId, start, 80, { status: (index) => (index === 0 ? 502 : index === 1 ? 429 : 200) });
    for (const minute of [65, 70, 75, 80]) {
      const result = await checks.run(at(start, minute));
      expect(result.opened).toEqual([]);
    }
    expect(await notifications(tenantId)).toEqual([]);
    expect(await db.anomalyIncident.count({ where: { tenantId } })).toBe(0);
  });

  it('alerts once on a burst of server errors (and signs its webhook), resolves, and alerts again on the next burst', async () => {
    const tenantId = await tenant();
    const secret = 'anomaly-secret';
    await ruleWithWebhook(tenantId, secret);
    const start = new Date('2025-01-08T09:00:00.000Z');
    const burstAt = at(start, 60);
    await traffic(tenantId, start, 60);
    // Eight of each minute's ten calls fail upstream for five minutes.
    await traffic(tenantId, burstAt, 5, { status: (index) => (index < 8 ? 500 : 200) });

    // Two worker replicas at once, then the next checks while the incident is open.
    const processes = [checks, new AnomalyCheckProcessor(new AnomalyAlerts(db, sender, settings))];
    const firsts = await Promise.all(processes.map((process) => process.run(at(burstAt, 5.5))));
    expect(firsts.flatMap((result) => result.opened.filter((incident) => incident.tenantId === tenantId))).toEqual([
      expect.objectContaining({ subject: tenantId, signal: 'error_rate', open: true, observed: 0.8 }),
    ]);
    await checks.run(at(burstAt, 5.75));
    await checks.run(at(burstAt, 6));

    const [alert, ...others] = await notifications(tenantId);
    expect(others).toEqual([]);
    expect(alert?.kind).toBe('anomaly.error_rate');
    expect(alert?.payload).toMatchObject({
      title: 'Unusual error rate',
      body: '80 % of your calls failed with a server error between 10:00 and 10:05 UTC (usually 0 % fail).',
    });
    expect(dataOf(alert)).toMatchObject({
      subject: tenantId,
      signal: 'error_rate',
      status: 'open',
      windowStart: '2025-01-08T10:00:00.000Z',
      windowEnd: '2025-01-08T10:05:00.000Z',
    });

    const [delivery, ...moreDeliveries] = await deliveries(tenantId);
    expect(moreDeliveries).toEqual([]);
    expect(delivery?.event).toBe('anomaly.error_rate');
    // Attempted right after the commit, before the check resolved.
    expect(delivery?.status).toBe('DELIVERED');
    const request = received.find((candidate) => JSON.parse(candidate.body).tenantId === tenantId);
    expect(request?.headers['x-gatehouse-event']).toBe('anomaly.error_rate');
    expect(
      verifyWebhookSignature(secret, request?.body ?? '', request?.headers['x-gatehouse-signature'] as string),
    ).toBe(true);
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ event: 'anomaly.error_rate', data: dataOf(alert) });

    // The platform saw the same burst: its incident is in the audit log, once.
    const platform = await db.anomalyIncident.findMany({ where: { subject: 'platform', signal: 'error_rate' } });
    expect(platform).toEqual([expect.objectContaining({ open: true, tenantId: null })]);
    expect(await db.auditEvent.findMany({ where: { targetId: platform[0]?.id } })).toEqual([
      expect.objectContaining({ action: 'anomaly.open', targetType: 'anomaly_incident', tenantId: null }),
    ]);

    // Healthy again: the third normal check in a row resolves it, and says so once.
    const healthyAt = at(burstAt, 5);
    await traffic(tenantId, healthyAt, 15);
    for (const minute of [6, 7]) expect((await checks.run(at(healthyAt, minute))).resolved).toEqual([]);
    const third = await checks.run(at(healthyAt, 8));
    expect(third.resolved.filter((incident) => incident.tenantId === tenantId)).toEqual([
      expect.objectContaining({ signal: 'error_rate', open: null, normalStreak: 3 }),
    ]);
    await checks.run(at(healthyAt, 9));
    expect((await notifications(tenantId)).map((notification) => notification.kind)).toEqual([
      'anomaly.error_rate',
      'anomaly.resolved',
    ]);
    expect(await db.auditEvent.count({ where: { targetId: platform[0]?.id, action: 'anomaly.resolve' } })).toBe(1);
    // The worker's audit events extend the chain the admin API verifies.
    expect(findChainBreak(await db.auditEvent.findMany({ orderBy: { seq: 'asc' } }), GENESIS_HASH)).toBeNull();

    // A second burst is a second incident, told again.
    const again = at(healthyAt, 15);
    await traffic(tenantId, again, 5, { status: (index) => (index < 8 ? 503 : 200) });
    await checks.run(at(again, 5.25));
    await checks.run(at(again, 5.5));
    expect((await notifications(tenantId)).map((notification) => notification.kind)).toEqual([
      'anomaly.error_rate',
      'anomaly.resolved',
      'anomaly.error_rate',
    ]);
    expect(await db.anomalyIncident.count({ where: { tenantId, signal: 'error_rate' } })).toBe(2);
    expect((await deliveries(tenantId)).map((row) => row.event)).toEqual([
      'anomaly.error_rate',
      'anomaly.resolved',
      'anomaly.error_rate',
    ]);
  });

  it('alerts once on a cost spike against a steady baseline, and on nothing else', async () => {
    const tenantId = await tenant();
    const start = new Date('2025-01-09T09:00:00.000Z');
    await traffic(tenantId, start, 60, { usd: 0.01 });
    // The same calls at ten times the price: $1 a minute against $0.10.
    await traffic(tenantId, at(start, 60), 5, { usd: 0.1 });

    for (const seconds of [10, 20, 30]) await checks.run(new Date(at(start, 65).getTime() + seconds * 1_000));

    const [alert, ...others] = await notifications(tenantId);
    expect(others).toEqual([]);
    expect(alert?.kind).toBe('anomaly.cost_spike');
    expect(alert?.payload).toMatchObject({
      title: 'Unusual spending',
      body: 'Your spending rose to $1.00 a minute between 10:00 and 10:05 UTC (usually $0.10).',
    });
    expect(dataOf(alert)).toMatchObject({ signal: 'cost_spike', observed: 1, baseline: 0.1 });
    // No webhook configured: no delivery.
    expect(await deliveries(tenantId)).toEqual([]);
  });

  it('alerts on frequent policy refusals, and on traffic that stopped', async () => {
    const refused = await tenant();
    const stopped = await tenant();
    const start = new Date('2025-01-10T09:00:00.000Z');
    await traffic(refused, start, 60);
    await traffic(stopped, start, 60);
    // Three of each minute's ten calls refused by a policy; the other tenant's calls stop altogether.
    await traffic(refused, at(start, 60), 5, { blocked: (index) => index < 3 });

    await checks.run(at(start, 65.5));
    await checks.run(at(start, 66));

    const [refusal, ...moreRefusals] = await notifications(refused);
    expect(moreRefusals).toEqual([]);
    expect(refusal?.kind).toBe('anomaly.policy_violations');
    expect(dataOf(refusal)).toMatchObject({ signal: 'policy_violations', observed: 3, baseline: 0 });
    const [drop, ...moreDrops] = await notifications(stopped);
    expect(moreDrops).toEqual([]);
    expect(drop?.kind).toBe('anomaly.throughput_drop');
    expect(drop?.payload).toMatchObject({
      body: 'Your calls fell to 0 a minute between 10:00 and 10:05 UTC (usually 10).',
    });
  });
});
