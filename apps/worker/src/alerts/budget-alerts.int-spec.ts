import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { DEV_CREDENTIAL_ENCRYPTION_KEY } from '@gatehouse/config';
import { asTenantId } from '@gatehouse/contracts';
import {
  type DbClient,
  type Notification,
  Prisma,
  UsageIngestionRepository,
  type UsageEventInput,
  WebhookRepository,
} from '@gatehouse/db';
import { credentialKeyFromBase64, encryptCredential, verifyWebhookSignature } from '@gatehouse/domain';
import { eventually } from '@gatehouse/testing';
import { WebhookSender } from '@gatehouse/webhooks';
import { createSeededDatabase, type SeededDatabase, usageEventInput } from '../../test/worker-fixtures';
import { BudgetAlerts } from './budget-alerts';
import { BudgetCheckProcessor } from './budget-check.processor';
import { WebhookRetryProcessor } from './webhook-retry.processor';

/** demo-chat costs $0.50 per 1M input tokens: this many input tokens cost exactly `usd` dollars. */
const tokensCosting = (usd: number) => Math.round(usd * 2_000_000);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The tests' receiver listens on 127.0.0.1, which a sender reaches only where loopback is allowed (as in development). */
const LOOPBACK_RECEIVER = { guard: { policy: { allowLoopback: true } } };

describe('budget alerts (worker, real Postgres)', () => {
  let seeded: SeededDatabase;
  let db: DbClient;
  let ingestion: UsageIngestionRepository;
  let alerts: BudgetAlerts;
  let checks: BudgetCheckProcessor;
  let retries: WebhookRetryProcessor;
  let productId: string;
  let planId: string;
  const key = credentialKeyFromBase64(DEV_CREDENTIAL_ENCRYPTION_KEY);

  let server: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** What the receiver answers next, and after how long. */
  let answer = 204;
  let answerAfterMs = 30;

  beforeAll(async () => {
    seeded = await createSeededDatabase('worker_alerts', 4);
    ({ db, productId } = seeded);
    planId = (await db.plan.findFirstOrThrow({ where: { productId, name: 'demo-free' } })).id;
    ingestion = new UsageIngestionRepository(db);
    alerts = new BudgetAlerts(db, new WebhookSender(new WebhookRepository(db), key, LOOPBACK_RECEIVER));
    checks = new BudgetCheckProcessor(alerts);
    retries = new WebhookRetryProcessor(alerts);

    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        // A little latency widens the window in which a second sender could race the first.
        setTimeout(() => {
          response.statusCode = answer;
          response.end();
        }, answerAfterMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await seeded?.close();
  });

  async function tenant(data: { monthlyBudgetUsd?: string; timeZone?: string } = {}): Promise<string> {
    return (await db.tenant.create({ data: { name: `alerts-${randomUUID().slice(0, 8)}`, ...data } })).id;
  }

  const event = (tenantId: string, at: Date, overrides: Partial<UsageEventInput> = {}): UsageEventInput =>
    usageEventInput({ tenantId, productId, occurredAt: at, inputTokens: 0, outputTokens: 0, ...overrides });

  /** Records a call costing `usd` (demo-chat input tokens) at `at`. */
  const spend = (tenantId: string, usd: number, at: Date) =>
    ingestion.ingest([event(tenantId, at, { inputTokens: tokensCosting(usd) })]);

  const firings = (tenantId: string) =>
    db.alertFiring.findMany({ where: { tenantId }, orderBy: [{ threshold: 'asc' }, { firedAt: 'asc' }] });
  const notifications = (tenantId: string) =>
    db.notification.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
  const dataOf = (notification: Notification | undefined) =>
    (notification?.payload as { data: Record<string, unknown> } | undefined)?.data;

  async function subscribe(
    tenantId: string,
    plan: { id?: string; productId?: string; overrides?: Prisma.InputJsonValue } = {},
  ): Promise<string> {
    const subscription = await db.subscription.create({
      data: {
        tenantId,
        productId: plan.productId ?? productId,
        planId: plan.id ?? planId,
        status: 'APPROVED',
        decidedAt: new Date(),
        limitOverrides: plan.overrides ?? Prisma.DbNull,
      },
    });
    return subscription.id;
  }

  async function planWith(limits: { monthlyTokens?: bigint; dailyTokens?: bigint }, forProduct = productId) {
    return (
      await db.plan.create({ data: { productId: forProduct, name: `plan-${randomUUID().slice(0, 8)}`, ...limits } })
    ).id;
  }

  async function ruleWithWebhook(tenantId: string, secret: string, subscriptionId: string | null = null) {
    const id = randomUUID();
    const sealed = encryptCredential(secret, key, id);
    await db.alertRule.create({
      data: {
        id,
        tenantId,
        subscriptionId,
        webhookUrl: receiverUrl,
        webhookSecretCiphertext: sealed.ciphertext,
        webhookSecretIv: sealed.iv,
        webhookSecretAuthTag: sealed.authTag,
      },
    });
    return id;
  }

  describe('the tenant budget', () => {
    const now = new Date('2026-06-15T12:00:00.000Z');

    it('fires 50 % and then 80 % once each, and never again on later calls in the period (the acceptance)', async () => {
      const tenantId = await tenant({ monthlyBudgetUsd: '1' });
      await spend(tenantId, 0.55, new Date('2026-06-02T08:00:00.000Z'));

      const first = await checks.run(tenantId, now);
      expect(first.fired.map((f) => f.threshold)).toEqual([50]);
      expect(first.notified).toBe(1);
      expect(await firings(tenantId)).toEqual([
        expect.objectContaining({ subject: 'tenant', metric: 'monthlyBudgetUsd', threshold: 50, period: '2026-06' }),
      ]);
      const [notice] = await notifications(tenantId);
      expect(notice).toMatchObject({ kind: 'budget.threshold', userId: null, readAt: null });
      expect(notice?.payload).toMatchObject({
        title: '50 % of the monthly budget reached',
        body: 'Your organisation has spent $0.55 of its $1.00 monthly budget for 2026-06 (55 %).',
        data: {
          subject: 'tenant',
          subscriptionId: null,
          productId: null,
          metric: 'monthlyBudgetUsd',
          unit: 'USD',
          threshold: 50,
          used: '0.55',
          limit: '1',
          percent: 55,
          period: '2026-06',
          periodStart: '2026-06-01T00:00:00.000Z',
          periodEnd: '2026-07-01T00:00:00.000Z',
        },
      });
      // The default rule, created by this first check: tenant-wide, 50/80/100 %, no webhook.
      expect(await db.alertRule.findMany({ where: { tenantId } })).toEqual([
        expect.objectContaining({ subscriptionId: null, thresholds: [50, 80, 100], webhookUrl: null, enabled: true }),
      ]);

      await spend(tenantId, 0.3, new Date('2026-06-10T08:00:00.000Z'));
      const second = await checks.run(tenantId, now);
      expect(second.fired.map((f) => f.threshold)).toEqual([80]);
      expect((await firings(tenantId)).map((f) => f.threshold)).toEqual([50, 80]);
      expect(await notifications(tenantId)).toHaveLength(2);
      expect(dataOf((await notifications(tenantId))[1])).toMatchObject({ threshold: 80, used: '0.85', percent: 85 });

      // Usage goes on below 100 %: checks after every call, one after the other and at once, tell nothing new.
      await spend(tenantId, 0.05, new Date('2026-06-12T08:00:00.000Z'));
      for (let i = 0; i < 3; i++) expect((await checks.run(tenantId, now)).fired).toEqual([]);
      const concurrent = await Promise.all([1, 2, 3].map(() => checks.run(tenantId, now)));
      expect(concurrent.flatMap((result) => result.fired)).toEqual([]);
      expect((await firings(tenantId)).map((f) => f.threshold)).toEqual([50, 80]);
      expect(await notifications(tenantId)).toHaveLength(2);
    });

    it('records 50, 80 and 100 % after a jump from nothing, and tells once, for 100 %', async () => {
      const tenantId = await tenant({ monthlyBudgetUsd: '1' });
      await spend(tenantId, 1.2, new Date('2026-06-03T00:00:00.000Z'));
      const result = await checks.run(tenantId, now);
      expect(result.fired.map((f) => f.threshold).sort((a, b) => a - b)).toEqual([50, 80, 100]);
      expect(result.notified).toBe(1);
      const all = await notifications(tenantId);
      expect(all).toHaveLength(1);
      expect(dataOf(all[0])).toMatchObject({ threshold: 100, used: '1.2', percent: 120 });
      expect(
        (await firings(tenantId)).map((f) => [f.threshold, f.spentUsd.toFixed(2), f.budgetUsd.toFixed(2)]),
      ).toEqual([
        [50, '1.20', '1.00'],
        [80, '1.20', '1.00'],
        [100, '1.20', '1.00'],
      ]);
    });

    it('starts again in the next period, and ignores a tenant without a budget', async () => {
      const tenantId = await tenant({ monthlyBudgetUsd: '1' });
      await spend(tenantId, 0.6, new Date('2026-06-20T00:00:00.000Z'));
      await spend(tenantId, 0.6, new Date('2026-07-02T00:00:00.000Z'));
      expect((await checks.run(tenantId, now)).fired.map((f) => f.period)).toEqual(['2026-06']);
      const july = await checks.run(tenantId, new Date('2026-07-03T00:00:00.000Z'));
      expect(july.fired.map((f) => [f.threshold, f.period])).toEqual([[50, '2026-07']]);

      const unlimited = await tenant();
      await spend(unlimited, 100, new Date('2026-06-20T00:00:00.000Z'));
      expect((await checks.run(unlimited, now)).fired).toEqual([]);
    });

    it('follows the month of the tenant’s zone, half an hour off UTC (+05:30)', async () => {
      const tenantId = await tenant({ monthlyBudgetUsd: '1', timeZone: 'Asia/Kolkata' });
      // 23:55 on 31 May in Kolkata: May's spend. 00:05 on 1 June: June's, in the first, partial, UTC hour.
      await spend(tenantId, 0.4, new Date('2026-05-31T18:25:00.000Z'));
      await spend(tenantId, 0.55, new Date('2026-05-31T18:35:00.000Z'));

      const endOfMay = await checks.run(tenantId, new Date('2026-05-31T18:29:00.000Z'));
      expect(endOfMay.fired).toEqual([]);
      const june = await checks.run(tenantId, new Date('2026-05-31T18:40:00.000Z'));
      expect(june.fired.map((f) => [f.threshold, f.period])).toEqual([[50, '2026-06']]);
      expect(dataOf((await notifications(tenantId))[0])).toMatchObject({
        used: '0.55',
        periodStart: '2026-05-31T18:30:00.000Z',
        periodEnd: '2026-06-30T18:30:00.000Z',
      });
    });

    it('creates the default rule once when several checks of a new tenant run at once', async () => {
      const tenantId = await tenant({ monthlyBudgetUsd: '1' });
      await spend(tenantId, 0.9, new Date('2026-06-05T00:00:00.000Z'));
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => checks.run(tenantId, now)));
      expect(await db.alertRule.count({ where: { tenantId } })).toBe(1);
      expect(results.reduce((sum, result) => sum + result.notified, 0)).toBe(1);
      expect((await firings(tenantId)).map((f) => f.threshold)).toEqual([50, 80]);
      expect(await notifications(tenantId)).toHaveLength(1);
    });
  });

  describe('subscription quotas', () => {
    const now = new Date('2026-06-15T12:00:00.000Z');

    it('watches token quotas from the plan, with the admin’s overrides, per month and per day', async () => {
      const tenantId = await tenant();
      const plan = await planWith({ monthlyTokens: 10_000n, dailyTokens: 1_000n });
      const subscriptionId = await subscribe(tenantId, { id: plan });
      await ingestion.ingest([event(tenantId, new Date('2026-06-15T09:00:00.000Z'), { inputTokens: 900 })]);

      const result = await checks.run(tenantId, now);
      expect(result.fired.map((f) => [f.metric, f.threshold, f.period]).sort()).toEqual([
        ['dailyTokens', 50, '2026-06-15'],
        ['dailyTokens', 80, '2026-06-15'],
      ]);
      const [notice] = await notifications(tenantId);
      expect(notice?.payload).toMatchObject({
        title: 'Demo: 80 % of the daily token quota reached',
        data: { subject: subscriptionId, subscriptionId, productId, metric: 'dailyTokens', used: '900', limit: '1000' },
      });

      // An override on the approval lowers the monthly quota: the same usage is now 90 % of it.
      const overridden = await tenant();
      const other = await subscribe(overridden, { id: plan, overrides: { monthlyTokens: 1_000, dailyTokens: null } });
      await ingestion.ingest([event(overridden, new Date('2026-06-15T09:00:00.000Z'), { inputTokens: 900 })]);
      const withOverride = await checks.run(overridden, now);
      expect(withOverride.fired.map((f) => [f.subject, f.metric, f.threshold]).sort()).toEqual([
        [other, 'monthlyTokens', 50],
        [other, 'monthlyTokens', 80],
      ]);
    });

    it('leaves a subscription with a rule of its own to that rule, not to the tenant-wide one', async () => {
      const tenantId = await tenant();
      const otherProduct = await db.product.create({
        data: { slug: `alerts-${randomUUID().slice(0, 8)}`, name: 'Other', kind: 'HTTP', status: 'PUBLISHED' },
      });
      const ownRuled = await subscribe(tenantId, { id: await planWith({ monthlyTokens: 1_000n }) });
      const tenantRuled = await subscribe(tenantId, {
        id: await planWith({ monthlyTokens: 1_000n }, otherProduct.id),
        productId: otherProduct.id,
      });
      const tenantRule = await db.alertRule.create({ data: { tenantId } });
      const ownRule = await db.alertRule.create({ data: { tenantId, subscriptionId: ownRuled, thresholds: [90] } });

      const at = new Date('2026-06-10T00:00:00.000Z');
      await ingestion.ingest([
        event(tenantId, at, { inputTokens: 600 }),
        event(tenantId, at, { productId: otherProduct.id, model: null, inputTokens: 600 }),
      ]);
      const first = await checks.run(tenantId, now);
      expect(first.fired.map((f) => [f.alertRuleId, f.subject, f.threshold])).toEqual([
        [tenantRule.id, tenantRuled, 50],
      ]);

      await ingestion.ingest([event(tenantId, at, { inputTokens: 350 })]);
      const second = await checks.run(tenantId, now);
      expect(second.fired.map((f) => [f.alertRuleId, f.subject, f.threshold])).toEqual([[ownRule.id, ownRuled, 90]]);
      expect(await notifications(tenantId)).toHaveLength(2);

      // Disabled, its rule no longer speaks for it: the tenant-wide rule watches it again.
      await db.alertRule.update({ where: { id: ownRule.id }, data: { enabled: false } });
      const third = await checks.run(tenantId, now);
      expect(third.fired.map((f) => [f.alertRuleId, f.subject, f.threshold]).sort()).toEqual(
        [
          [tenantRule.id, ownRuled, 50],
          [tenantRule.id, ownRuled, 80],
        ].sort(),
      );
    });

    it('does not watch a subscription that is not in force', async () => {
      const tenantId = await tenant();
      await db.subscription.create({
        data: {
          tenantId,
          productId,
          planId: await planWith({ monthlyTokens: 100n }),
          status: 'APPROVED',
          expiresAt: new Date('2026-06-01T00:00:00.000Z'),
        },
      });
      await ingestion.ingest([event(tenantId, new Date('2026-06-10T00:00:00.000Z'), { inputTokens: 500 })]);
      expect((await checks.run(tenantId, now)).fired).toEqual([]);
    });
  });

  describe('webhooks', () => {
    const deliveriesTo = (deliveryId: string) =>
      received.filter((request) => request.headers['x-gatehouse-delivery'] === deliveryId);

    it('posts a signed budget.threshold event right after the firing commits', async () => {
      const secret = 'whsec_alerts_0123456789';
      const tenantId = await tenant({ monthlyBudgetUsd: '1' });
      await ruleWithWebhook(tenantId, secret);
      answer = 204;
      await spend(tenantId, 0.55, new Date());

      const result = await checks.run(tenantId);
      expect(result.deliveryIds).toHaveLength(1);
      const [deliveryId] = result.deliveryIds;
      const [request] = deliveriesTo(deliveryId ?? '');
      expect(request?.headers['x-gatehouse-event']).toBe('budget.threshold');
      expect(
        verifyWebhookSignature(secret, request?.body ?? '', request?.headers['x-gatehouse-signature'] as string),
      ).toBe(true);
      expect(
        verifyWebhookSignature(
          'another-secret',
          request?.body ?? '',
          request?.headers['x-gatehouse-signature'] as string,
        ),
      ).toBe(false);
      expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
        event: 'budget.threshold',
        tenantId,
        data: { subject: 'tenant', metric: 'monthlyBudgetUsd', threshold: 50, used: '0.55', limit: '1' },
      });
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId ?? '' } })).toMatchObject({
        status: 'DELIVERED',
        attempts: 1,
        lastStatusCode: 204,
      });
    });

    it('retries a delivery the receiver refused, from the scheduled job, once it is due', async () => {
      const secret = 'whsec_alerts_retry_0123';
      const tenantId = await tenant({ monthlyBudgetUsd: '1' });
      await ruleWithWebhook(tenantId, secret);
      answer = 500;
      await spend(tenantId, 0.9, new Date());

      const { deliveryIds } = await checks.run(tenantId);
      const deliveryId = deliveryIds[0] ?? '';
      const failed = await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
      expect(failed).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 500 });
      expect(failed.nextAttemptAt?.getTime()).toBeGreaterThan(Date.now() + 20_000);

      answer = 200;
      // Not due yet: the retry leaves it alone.
      await retries.run(new Date());
      expect(deliveriesTo(deliveryId)).toHaveLength(1);
      // Due (30 s after the failure): sent again, signed, and delivered.
      expect(await retries.run(new Date(Date.now() + 31_000))).toBeGreaterThanOrEqual(1);
      const retried = deliveriesTo(deliveryId);
      expect(retried).toHaveLength(2);
      expect(
        verifyWebhookSignature(secret, retried[1]?.body ?? '', retried[1]?.headers['x-gatehouse-signature'] as string),
      ).toBe(true);
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
        status: 'DELIVERED',
        attempts: 2,
        lastStatusCode: 200,
      });
    });

    it('never sends one delivery twice, whoever attempts it at the same time', async () => {
      const tenantId = await tenant();
      const ruleId = await ruleWithWebhook(tenantId, 'whsec_alerts_race_0123');
      const webhooks = new WebhookRepository(db);
      const [first, second] = [webhooks, new WebhookRepository(db)].map(
        (repository) => new WebhookSender(repository, key, LOOPBACK_RECEIVER),
      );
      if (!first || !second) throw new Error('unreachable');
      answer = 500;

      // A new delivery: its immediate attempt raced by a second process and a second call of the same process.
      const created = await webhooks.createDelivery(asTenantId(tenantId), {
        alertRuleId: ruleId,
        url: receiverUrl,
        event: 'budget.threshold',
        payload: { test: 'race' },
        nextAttemptAt: first.immediateAttemptLease(new Date()),
      });
      const outcomes = await Promise.all([
        first.attempt(created.id),
        second.attempt(created.id),
        first.attempt(created.id),
      ]);
      expect(outcomes.filter((status) => status !== null)).toEqual(['PENDING']);
      expect(deliveriesTo(created.id)).toHaveLength(1);

      // Due for a retry: two processes' sweeps, the scheduled job and direct attempts, all at once.
      const due = new Date(Date.now() + 31_000);
      await Promise.all([
        first.retryDue(due),
        second.retryDue(due),
        retries.run(due),
        first.attempt(created.id, due),
        second.attempt(created.id, due),
      ]);
      expect(await eventually(async () => deliveriesTo(created.id).length === 2)).toBe(true);
      expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({
        status: 'PENDING',
        attempts: 2,
      });
    });

    it('does not let an attempt that reads the delivery mid-send take it again', async () => {
      const tenantId = await tenant();
      const ruleId = await ruleWithWebhook(tenantId, 'whsec_alerts_midsend_01');
      const webhooks = new WebhookRepository(db);
      const [first, second] = [webhooks, new WebhookRepository(db)].map(
        (repository) => new WebhookSender(repository, key, LOOPBACK_RECEIVER),
      );
      if (!first || !second) throw new Error('unreachable');
      answer = 500;
      answerAfterMs = 300;
      try {
        const created = await webhooks.createDelivery(asTenantId(tenantId), {
          alertRuleId: ruleId,
          url: receiverUrl,
          event: 'budget.threshold',
          payload: { test: 'mid-send' },
          nextAttemptAt: first.immediateAttemptLease(new Date()),
        });
        // The immediate attempt is on the wire (the receiver holds its answer); a second one starts only now.
        const immediate = first.attempt(created.id);
        expect(await eventually(() => deliveriesTo(created.id).length === 1)).toBe(true);
        expect(await second.attempt(created.id)).toBeNull();
        expect(await immediate).toBe('PENDING');

        // The same for a retry: the second sweep reads the row after the first one claimed it.
        const due = new Date(Date.now() + 31_000);
        const retry = first.retryDue(due);
        expect(await eventually(() => deliveriesTo(created.id).length === 2)).toBe(true);
        expect(await second.retryDue(due)).toBe(0);
        expect(await second.attempt(created.id, due)).toBeNull();
        expect(await retry).toBe(1);
        expect(deliveriesTo(created.id)).toHaveLength(2);
      } finally {
        answerAfterMs = 30;
      }
    });

    it('refuses a receiver on loopback when it is not allowed: failed for good, and nothing is sent', async () => {
      const tenantId = await tenant();
      const ruleId = await ruleWithWebhook(tenantId, 'whsec_alerts_refused_01');
      const resolver = async () => [{ address: '127.0.0.1', family: 4 }];
      const strict = new WebhookSender(new WebhookRepository(db), key, {
        guard: { policy: { allowLoopback: false }, resolver },
      });
      const port = new URL(receiverUrl).port;
      for (const url of [
        receiverUrl,
        `http://[::ffff:127.0.0.1]:${port}/hooks`,
        `http://rebind.example.test:${port}/`,
      ]) {
        const created = await new WebhookRepository(db).createDelivery(asTenantId(tenantId), {
          alertRuleId: ruleId,
          url,
          event: 'budget.threshold',
          payload: { test: 'refused' },
          nextAttemptAt: new Date(Date.now() - 1),
        });
        expect(await strict.attempt(created.id)).toBe('FAILED');
        expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({
          status: 'FAILED',
          attempts: 1,
          nextAttemptAt: null,
          lastError: expect.stringMatching(/^the receiver is refused: .*a loopback address$/),
        });
        expect(deliveriesTo(created.id)).toHaveLength(0);
      }
      await strict.close();
    });
  });
});
