import { randomUUID } from 'node:crypto';
import { type NotificationResponse } from '@gatehouse/contracts';
import { createPrismaClient, type DbClient, UsageIngestionRepository, type UsageEventInput } from '@gatehouse/db';
import { adminApi, uniqueSuffix } from '../support/admin-api-client';
import { createProvider, createPublishedLlmProduct, mockProviderId } from '../support/catalog-admin';
import {
  adminSession,
  chatRequest,
  eventually,
  gatewayClient,
  statusOf,
  subscribedKey,
  type SubscribedKey,
} from '../support/gateway';
import { e2eDatabaseUrl } from '../support/stack';
import { failingWith, startTestUpstream, type TestUpstream } from '../support/test-upstream';

/**
 * Anomaly alerts end to end (docs/alerts.md, Anomaly alerts), with the worker's default thresholds. Three tenants
 * of one product each have an hour of steady traffic behind them: 6 calls a minute, all 200s at the same cost,
 * written into the stack's database through the worker's own ingestion path (events and their rollups), since an
 * hour of calls cannot be made in a test. Then, through the gateway with the official OpenAI client:
 *
 * - `erring` sends a burst of calls to a model whose only upstream answers 500: one `anomaly.error_rate`;
 * - `spending` calls a model priced far above the usual: one `anomaly.cost_spike`;
 * - `steady` goes on calling as before: no anomaly.
 *
 * Both incidents stay open while their burst is in the window, and a second burst tells nothing more: one alert
 * per incident, not one per call or per check. The worker judges the whole minutes before the current one, so each
 * phase waits for the minute its calls fall in to end; the e2e worker checks every 2 s (e2e/support/global-setup.ts).
 */
const MINUTE_MS = 60_000;
/** The e2e worker's ANOMALY_CHECK_INTERVAL_MS. */
const CHECK_INTERVAL_MS = 2_000;

/** The steady rate: of the ingested hour and of the calls each tenant goes on making in every phase. */
const CALLS_PER_MINUTE = 6;
/**
 * Minutes of ingested traffic up to the test's start: the worker's baseline is the 60 minutes before its 5-minute
 * window, so 70 cover it (and its 300-call minimum) for the few minutes the test lasts.
 */
const INGESTED_MINUTES = 70;
/**
 * Failing calls per burst: alone more than the 20 calls a window needs before its error rate is judged, and more
 * than 20 % of the window's calls with the ingested ones (at most 30).
 */
const FAILING_CALLS = 30;
/**
 * The expensive model's price: $0.10 a token, so one 16-token answer costs more than $1.60, and a few calls spend
 * over the $1 a spike needs and far over 3 times the baseline's spend per minute (the ingested calls cost $0.0002).
 */
const PREMIUM_PRICE = { inputPer1M: '100000', outputPer1M: '100000' };
const PREMIUM_CALLS = 3;
/** A burst takes a few seconds: it starts with at least this long left in its minute, so it falls in one minute. */
const BURST_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const minuteStart = (at: number) => Math.floor(at / MINUTE_MS) * MINUTE_MS;

/** Waits, if needed, for the next minute, so that a burst started now ends within the minute it starts in. */
async function roomForBurst(): Promise<void> {
  const next = minuteStart(Date.now()) + MINUTE_MS;
  if (next - Date.now() < BURST_MS) await sleep(next - Date.now());
}

/** Waits until the minute of `at` has ended and the worker has had several checks that judge it. */
async function judged(at: Date): Promise<void> {
  await sleep(minuteStart(at.getTime()) + MINUTE_MS + 5 * CHECK_INTERVAL_MS - Date.now());
}

/** The tenant's anomaly notifications, as its owner reads them through the admin API. */
async function anomalyNotifications(owner: SubscribedKey): Promise<NotificationResponse[]> {
  const { tenantId, token } = owner.tenant;
  const answer = await adminApi<{ items: NotificationResponse[] }>(
    'GET',
    `/tenants/${tenantId}/notifications?limit=200`,
    { token },
  );
  if (answer.status !== 200) throw new Error(`notifications of ${tenantId}: ${answer.status}`);
  return answer.body.items.filter((notification) => notification.kind.startsWith('anomaly.'));
}

const kinds = (notifications: NotificationResponse[]) => notifications.map((notification) => notification.kind);

describe('anomaly alerts through the gateway', () => {
  let db: DbClient;
  let failing: TestUpstream;
  let erring: SubscribedKey;
  let spending: SubscribedKey;
  let steady: SubscribedKey;
  let steadyModel: string;
  let premiumModel: string;
  let failingModel: string;

  /** `CALLS_PER_MINUTE` of the owner's calls a minute for the `INGESTED_MINUTES` before now, as the gateway records them. */
  function ingestedHour(owner: SubscribedKey, productId: string, providerId: string): UsageEventInput[] {
    const now = Date.now();
    return Array.from({ length: INGESTED_MINUTES * CALLS_PER_MINUTE }, (_, index) => ({
      requestId: randomUUID(),
      occurredAt: new Date(now - (index + 1) * (MINUTE_MS / CALLS_PER_MINUTE)),
      tenantId: owner.tenant.tenantId,
      apiKeyId: owner.keyId,
      subscriptionId: owner.subscription.id,
      productId,
      model: steadyModel,
      providerId,
      upstreamModel: 'mock-chat',
      endpoint: 'chat.completions',
      statusCode: 200,
      errorCode: null,
      latencyMs: 120,
      timeToFirstByteMs: null,
      timeToFirstTokenMs: null,
      inputTokens: 1_000,
      outputTokens: 500,
      cachedTokens: 0,
      usageSource: 'upstream',
      streamed: false,
      cacheHit: false,
      policyActions: [],
    }));
  }

  /** The owner's calls of one minute at the steady rate, all answered. */
  async function steadyCalls(owner: SubscribedKey): Promise<void> {
    const openai = gatewayClient(owner.apiKey);
    for (let call = 0; call < CALLS_PER_MINUTE; call++) {
      expect(await statusOf(openai.chat.completions.create(chatRequest(steadyModel)))).toBe(200);
    }
  }

  /** A burst of `erring`'s calls to the model whose upstream fails; every one ends in a server error. */
  async function failingBurst(): Promise<void> {
    const openai = gatewayClient(erring.apiKey);
    const statuses: number[] = [];
    for (let call = 0; call < FAILING_CALLS; call++) {
      statuses.push(await statusOf(openai.chat.completions.create(chatRequest(failingModel))));
    }
    expect(statuses.filter((status) => status < 500)).toEqual([]);
  }

  beforeAll(async () => {
    const suffix = uniqueSuffix();
    steadyModel = `e2e-anomaly-steady-${suffix}`;
    premiumModel = `e2e-anomaly-premium-${suffix}`;
    failingModel = `e2e-anomaly-500-${suffix}`;
    db = createPrismaClient({ url: e2eDatabaseUrl(), applicationName: 'gatehouse-e2e', maxConnections: 2 });
    failing = await startTestUpstream(failingWith(500));
    const adminToken = await adminSession();
    // The provider first: the gateway reloads its upstream pools on its invalidation, before the product exists.
    const [failingProvider, mock] = await Promise.all([
      createProvider(adminToken, 'anomaly-500', failing.url),
      mockProviderId(adminToken),
    ]);
    const { product } = await createPublishedLlmProduct(adminToken, {
      label: 'anomalies',
      models: [
        { name: steadyModel, targets: [{ providerId: mock, upstreamModel: 'mock-chat' }] },
        { name: premiumModel, targets: [{ providerId: mock, upstreamModel: 'mock-chat' }], price: PREMIUM_PRICE },
        { name: failingModel, targets: [{ providerId: failingProvider.id, upstreamModel: 'broken' }] },
      ],
    });
    const plan = { product: product.slug, plan: 'e2e-open' };
    [erring, spending, steady] = await Promise.all([
      subscribedKey('anomaly-errors', plan),
      subscribedKey('anomaly-spend', plan),
      subscribedKey('anomaly-steady', plan),
    ]);

    // A price applies from its creation: the ingested hour, older, is priced only once its price is backdated.
    await db.modelPrice.updateMany({
      where: { modelRoute: { alias: steadyModel } },
      data: { effectiveFrom: new Date(Date.now() - 2 * INGESTED_MINUTES * MINUTE_MS) },
    });
    // One transaction for all three: no check sees one tenant's hour without the others', or half of one.
    await new UsageIngestionRepository(db).ingest(
      [erring, spending, steady].flatMap((owner) => ingestedHour(owner, product.id, mock)),
    );

    // The product's invalidation reaches the gateway asynchronously, and the failing provider's may come later
    // still (until then its target is skipped): wait until the gateway serves the models and a call reaches it.
    const openai = gatewayClient(erring.apiKey);
    for (const model of [steadyModel, premiumModel, failingModel]) {
      await eventually(() => openai.models.retrieve(model), { timeoutMs: 3_000 });
    }
    await eventually(
      async () => {
        await statusOf(openai.chat.completions.create(chatRequest(failingModel)));
        if (failing.hits === 0) throw new Error('the failing provider is not loaded by the gateway yet');
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    );
  }, 60_000);

  afterAll(async () => {
    await failing?.close();
    await db?.$disconnect();
  });

  it('raises one error-rate alert for a burst of upstream errors and one cost-spike alert for a burst of spend', async () => {
    await roomForBurst();
    await failingBurst();
    const premium = gatewayClient(spending.apiKey);
    for (let call = 0; call < PREMIUM_CALLS; call++) {
      expect(await statusOf(premium.chat.completions.create(chatRequest(premiumModel)))).toBe(200);
    }
    await Promise.all([steadyCalls(spending), steadyCalls(steady)]);

    const [errorAlert, spendAlert] = await eventually(
      async () => {
        const [errors, spend] = await Promise.all([anomalyNotifications(erring), anomalyNotifications(spending)]);
        expect(kinds(errors)).toEqual(['anomaly.error_rate']);
        expect(kinds(spend)).toEqual(['anomaly.cost_spike']);
        return [errors[0], spend[0]] as const;
      },
      // The minute of the burst ends within 60 s, and the next check judges it.
      { timeoutMs: 75_000, intervalMs: 1_000 },
    );
    expect(failing.hits).toBeGreaterThan(0);
    expect(errorAlert?.data).toMatchObject({ subject: erring.tenant.tenantId, signal: 'error_rate', status: 'open' });
    // The share of server errors in the window, against the baseline's share of errors (none).
    expect(errorAlert?.data['observed']).toBeGreaterThanOrEqual(0.2);
    expect(errorAlert?.data['baseline']).toBe(0);
    expect(spendAlert?.data).toMatchObject({ subject: spending.tenant.tenantId, signal: 'cost_spike', status: 'open' });
    // Spend per minute: the window's, at least 3 times the baseline's, which the ingested hour set.
    const { observed, baseline } = spendAlert?.data as { observed: number; baseline: number };
    expect(baseline).toBeGreaterThan(0);
    expect(observed).toBeGreaterThanOrEqual(3 * baseline);
  }, 100_000);

  it('tells nothing more while the incidents stay open, however many checks and failing calls follow', async () => {
    await failingBurst();
    await Promise.all([steadyCalls(spending), steadyCalls(steady)]);
    await judged(new Date());

    expect(kinds(await anomalyNotifications(erring))).toEqual(['anomaly.error_rate']);
    expect(kinds(await anomalyNotifications(spending))).toEqual(['anomaly.cost_spike']);
  }, 100_000);

  it('raises no anomaly for the tenant whose traffic stayed steady', async () => {
    expect(await anomalyNotifications(steady)).toEqual([]);
  });
});
