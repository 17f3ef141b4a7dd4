import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import { calendarPeriods, costMicros, microsToUsd, type TokenPrice, worstCaseCostMicros } from '@gatehouse/domain';
import { QueueName, queuedUsageEvents, type UsageRecordedV1 } from '@gatehouse/jobs';
import { decodeReservation, decodeScopeState, LimitKeys, periodNumber } from '@gatehouse/redis';
import { eventually, TcpProxy } from '@gatehouse/testing';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { DEMO_MODELS } from '../../../../../prisma/seed/demo-catalog';
import { GatewayHarness, NO_LIMITS } from '../../../test/gateway-harness';
import { type GatewayProcess, startGatewayProcess } from '../../../test/gateway-process';
import { startMockProvider } from '../../../test/mock-upstream';
import { DEFAULT_REQUEST_LIMITS_OPTIONS } from '../../limits/limits.options';

/**
 * The limits over a request's whole life, through real gateways (issue "Limits that hold", acceptance): a gateway
 * process killed mid-stream leaves nothing behind once its reservation's TTL has passed; a token-per-minute
 * bucket is charged what a stream really used, debt included; a monitored budget admits past its limit and says
 * so in the usage event; a plan that fails open is served while Redis is away.
 */

/** The seeded price of `demo-chat`, which the gateway's catalog index serves: reservations and costs use it. */
const DEMO_CHAT_PRICE: TokenPrice = (() => {
  const model = DEMO_MODELS.find((candidate) => candidate.alias === 'demo-chat');
  if (model === undefined) throw new Error('the seed has no demo-chat');
  return model;
})();
const messages = [{ role: 'user', content: 'Say hello to the limits.' }];
const STREAM = { stream: true, stream_options: { include_usage: true } };

type Body = Record<string, unknown>;

const chatBody = (extra: Body = {}): Body => ({ model: 'demo-chat', messages, max_tokens: 50, ...extra });

function chat(url: string, key: string, body: Body, requestId?: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
    },
    body: JSON.stringify(body),
  });
}

/** What the gateway reserves for `body`: its input estimate plus the output cap, in tokens and at the demo price. */
function reservationOf(body: Body): { tokens: number; micros: bigint } {
  const input = DEFAULT_REQUEST_LIMITS_OPTIONS.estimator.estimateInputTokens('chat.completions', body);
  const output =
    typeof body.max_tokens === 'number' ? body.max_tokens : DEFAULT_REQUEST_LIMITS_OPTIONS.defaultMaxTokens;
  return { tokens: input + output, micros: worstCaseCostMicros(DEMO_CHAT_PRICE, input, output) };
}

const usageSchema = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() });
type Usage = z.output<typeof usageSchema>;

/** The usage chunk of a streamed answer (the one with `usage`), after checking it ended with `[DONE]`. */
function streamedUsage(text: string): Usage {
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  const frames = text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: {'))
    .map((frame) => JSON.parse(frame.slice('data: '.length)) as { usage?: unknown });
  const withUsage = frames.filter((frame) => frame.usage !== null && frame.usage !== undefined);
  expect(withUsage).toHaveLength(1);
  return usageSchema.parse(withUsage[0]?.usage);
}

const headerNumber = (response: Response, name: string): number => {
  const value = response.headers.get(name);
  if (value === null) throw new Error(`no ${name} header`);
  return Number(value);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A subscription of a new tenant to the demo product, and a key for it. */
async function subscribedKey(gateway: GatewayHarness, data: { planName?: string; limitOverrides?: object }) {
  const tenantId = await gateway.tenant();
  const subscriptionId = await gateway.subscribeToDemo(tenantId, data);
  return { tenantId, subscriptionId, key: (await gateway.key(tenantId)).key };
}

/** A plan of the demo product with only the given limits (every other one unlimited). */
async function demoPlan(gateway: GatewayHarness, name: string, data: Body): Promise<void> {
  const product = await gateway.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, select: { id: true } });
  await gateway.db.plan.create({ data: { productId: product.id, name, autoApprove: true, ...data } });
}

/** The limits' Redis state of one subscription, as an operator would read it (`LimitKeys`). */
function limitState(gateway: GatewayHarness, tenantId: string, subscriptionId: string) {
  const keys = new LimitKeys(gateway.keys);
  const redis = gateway.redis.redis;
  const scope = async () =>
    decodeScopeState(await redis.getBuffer(keys.scope(tenantId, 'subscription', subscriptionId)));
  return {
    keys,
    reservationIds: () => redis.zrange(keys.reservationIndex(tenantId), 0, -1),
    /** Its record, and its expiry while it is in the index. */
    reservation: async (id: string) => {
      const record = decodeReservation(await redis.getBuffer(keys.reservation(tenantId, id)));
      if (record === null) throw new Error(`no record for reservation ${id}`);
      return { ...record, expiresAt: Number(await redis.zscore(keys.reservationIndex(tenantId), id)) };
    },
    /** Concurrency leases held: the reservations in flight that took one. */
    leases: async () => (await scope())?.inFlight ?? 0,
    budgetMicros: async () => {
      const state = await scope();
      const month = periodNumber(calendarPeriods(Date.now()).month.id);
      return state === null || state.month !== month ? null : BigInt(state.monthlyMicros);
    },
    /** Resolves once every reservation of the tenant is settled (the settle runs after the response has closed). */
    settled: async () => {
      expect(await eventually(async () => (await redis.zcard(keys.reservationIndex(tenantId))) === 0, 5_000)).toBe(
        true,
      );
    },
  };
}

/** The usage event of one request, once it has reached the queue (in one of its usage batches). */
async function usageEvent(queue: Queue, requestId: string, timeoutMs = 5_000): Promise<UsageRecordedV1> {
  let found: UsageRecordedV1 | undefined;
  await eventually(async () => {
    found = (await queuedUsageEvents(queue)).find((queued) => queued.event.requestId === requestId)?.event;
    return found !== undefined;
  }, timeoutMs);
  if (found === undefined) throw new Error(`no usage event for ${requestId}`);
  return found;
}

describe('limits over a request’s lifetime (real gateways, real Redis)', () => {
  let gateway: GatewayHarness;
  let queue: Queue;
  const processes: GatewayProcess[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gateway-limits-lifecycle', { usageRecorder: { flushIntervalMs: 5 } });
    queue = new Queue(QueueName.Usage, { connection: gateway.redis.redis, prefix: gateway.redis.queuePrefix });
  });

  afterAll(async () => {
    for (const running of processes) await running.stop();
    for (const close of closers) await close().catch(() => undefined);
    await queue?.close();
    await gateway?.close();
  });

  async function mock(env: Record<string, string>) {
    const running = await startMockProvider(env);
    closers.push(() => running.close());
    await gateway.useMockProvider(running.url);
    return running;
  }

  it('Killing a gateway mid-request leaves no reservation or concurrency lease behind after its TTL', async () => {
    const TTL_MS = 2_000;
    // 200 chunks 50 ms apart: a 10 s stream, five TTLs long, which only heartbeats keep reserved.
    await mock({ MOCK_CHUNKS: '200', MOCK_CHUNK_DELAY_MS: '50' });
    const streamBody = chatBody({ ...STREAM, max_tokens: 300 });
    const streamReserve = reservationOf(streamBody);
    // One request at a time, and a budget that holds exactly the stream's worst case: while the stream's
    // reservation is held, any other request is refused on both counts.
    const { tenantId, subscriptionId, key } = await subscribedKey(gateway, {
      limitOverrides: { ...NO_LIMITS, concurrency: 1, monthlyBudgetUsd: microsToUsd(streamReserve.micros) },
    });
    const state = limitState(gateway, tenantId, subscriptionId);

    const child = await startGatewayProcess(gateway, { GATEWAY_RESERVATION_TTL_MS: String(TTL_MS) });
    processes.push(child);

    const response = await chat(child.url, key, streamBody, 'lifecycle-killed');
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    expect((await reader.read()).done).toBe(false);

    // Admitted: one reservation, its lease, the budget reserved in full.
    const [reservationId, ...others] = await state.reservationIds();
    if (reservationId === undefined) throw new Error('no reservation in the index');
    expect(others).toEqual([]);
    const admitted = await state.reservation(reservationId);
    expect(admitted).toMatchObject({ state: 'held', requestId: 'lifecycle-killed' });
    expect(await state.leases()).toBe(1);
    expect(await state.budgetMicros()).toBe(streamReserve.micros);

    // Alive, the process keeps its reservation past the TTL (its heartbeat extends it before half the TTL).
    const streamingUntil = Date.now() + TTL_MS + 500;
    while (Date.now() < streamingUntil) expect((await reader.read()).done).toBe(false);
    const extended = await state.reservation(reservationId);
    expect(extended.state).toBe('held');
    expect(Number(extended.expiresAt)).toBeGreaterThan(Number(admitted.expiresAt));

    await child.kill();
    const killedAt = Date.now();
    await reader.read().then(
      () => undefined,
      () => undefined,
    );

    // Right after: nobody settled, so everything is still held, and another request (through another gateway)
    // is refused.
    const orphan = await state.reservation(reservationId);
    expect(orphan.state).toBe('held');
    expect(await state.reservationIds()).toEqual([reservationId]);
    expect(await state.leases()).toBe(1);
    expect(await state.budgetMicros()).toBe(streamReserve.micros);
    const refused = await chat(gateway.url, key, chatBody());
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'insufficient_quota' } });

    // The last heartbeat set the expiry at most one TTL ahead of the kill.
    const expiresAt = Number(orphan.expiresAt);
    expect(expiresAt).toBeLessThanOrEqual(killedAt + TTL_MS);
    await sleep(expiresAt + 250 - Date.now());
    // The purge is lazy: nothing has touched it yet.
    expect(await state.reservationIds()).toEqual([reservationId]);

    // The tenant's next admit releases it: lease and budget are free again, and this request fits.
    const after = await chat(gateway.url, key, chatBody(), 'lifecycle-after');
    expect(after.status).toBe(200);
    const afterUsage = usageSchema.parse(((await after.json()) as { usage: unknown }).usage);
    await state.settled();
    expect(await state.reservationIds()).toEqual([]);
    expect(await state.leases()).toBe(0);
    // Kept (24 h) only so that a late settle would still add the stream's actual usage, once.
    expect((await state.reservation(reservationId)).state).toBe('expired');
    // The budget holds the later request's actual cost and nothing of the dead one's reservation.
    expect(await state.budgetMicros()).toBe(
      costMicros(DEMO_CHAT_PRICE, {
        inputTokens: afterUsage.prompt_tokens,
        outputTokens: afterUsage.completion_tokens,
      }),
    );
  }, 60_000);

  it('A token-per-minute limit counts streamed output tokens, and a stream above its reservation leaves a debt', async () => {
    // 60 tokens a minute: the bucket refills 1 token a second, so the refill during a test is a few tokens, while a
    // burst of 10,000 lets the requests in.
    const TPM = 60;
    const refillWithin = (ms: number) => Math.ceil((TPM * ms) / 60_000);
    await mock({ MOCK_CHUNKS: '40', MOCK_CHUNK_DELAY_MS: '10' });

    // 1. An ordinary stream: reserved its worst case, settled to its usage chunk.
    const burst = 10_000;
    const charged = await subscribedKey(gateway, { limitOverrides: { ...NO_LIMITS, tpm: TPM, tpmBurst: burst } });
    const streamBody = chatBody({ ...STREAM, max_tokens: 100 });
    const nextBody = chatBody({ max_tokens: 100 });
    const streamReserve = reservationOf(streamBody).tokens;
    const nextReserve = reservationOf(nextBody).tokens;

    const startedAt = Date.now();
    const stream = await chat(gateway.url, charged.key, streamBody);
    expect(stream.status).toBe(200);
    // A full bucket less the reservation, exactly: the reservation is what this test thinks it is.
    expect(headerNumber(stream, 'x-ratelimit-remaining-tokens')).toBe(burst - streamReserve);
    const usage = streamedUsage(await stream.text());
    expect(usage.completion_tokens).toBeGreaterThanOrEqual(40);
    const used = usage.prompt_tokens + usage.completion_tokens;
    expect(used).toBeLessThan(streamReserve);
    await limitState(gateway, charged.tenantId, charged.subscriptionId).settled();

    const next = await chat(gateway.url, charged.key, nextBody);
    const elapsed = Date.now() - startedAt;
    expect(next.status).toBe(200);
    // Charged what it used (prompt and streamed output), the rest of the reservation given back; the only slack is
    // what the bucket refilled meanwhile.
    const remaining = headerNumber(next, 'x-ratelimit-remaining-tokens');
    expect(remaining).toBeGreaterThanOrEqual(burst - used - nextReserve);
    expect(remaining).toBeLessThanOrEqual(burst - used - nextReserve + refillWithin(elapsed));
    expect(refillWithin(elapsed)).toBeLessThan(usage.completion_tokens);

    // 2. A stream that used more than it reserved. The reservation's input estimate (⌈JSON bytes / 2⌉ per content
    // part) is below what this upstream counts for a file part (a flat 85 tokens), as a real provider's count of a
    // referenced file is: settlement charges the excess, and the bucket goes into debt.
    const fileParts = Array.from({ length: 10 }, () => ({ type: 'file', file: { file_id: 'file-1' } }));
    const debtBody = chatBody({
      ...STREAM,
      max_tokens: 20,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise these.' }, ...fileParts] }],
    });
    const debtReserve = reservationOf(debtBody).tokens;
    // Room for this stream's reservation and one more request, if the stream used no more than it reserved.
    const capacity = debtReserve + nextReserve;
    const indebted = await subscribedKey(gateway, { limitOverrides: { ...NO_LIMITS, tpm: TPM, tpmBurst: capacity } });

    const debtStartedAt = Date.now();
    const debtStream = await chat(gateway.url, indebted.key, debtBody);
    expect(debtStream.status).toBe(200);
    expect(headerNumber(debtStream, 'x-ratelimit-remaining-tokens')).toBe(nextReserve);
    const debtUsage = streamedUsage(await debtStream.text());
    const debtUsed = debtUsage.prompt_tokens + debtUsage.completion_tokens;
    expect(debtUsed).toBeGreaterThan(debtReserve);
    await limitState(gateway, indebted.tenantId, indebted.subscriptionId).settled();

    const refused = await chat(gateway.url, indebted.key, nextBody);
    const debtElapsed = Date.now() - debtStartedAt;
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(refused.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    // The wait is the debt (used − reserved) plus nothing else, at 1 token a second, less what has refilled since.
    const debtWaitMs = ((debtUsed - debtReserve) * 60_000) / TPM;
    const retryAfterMs = headerNumber(refused, 'retry-after-ms');
    expect(retryAfterMs).toBeLessThanOrEqual(debtWaitMs);
    expect(retryAfterMs).toBeGreaterThanOrEqual(debtWaitMs - debtElapsed);
  }, 30_000);

  it('A budget in monitor mode admits past its limit and the usage event says which limit it broke', async () => {
    await mock({});
    // One µUSD a month, monitored: every call is over it.
    await demoPlan(gateway, 'lifecycle-monitored-budget', {
      monthlyBudgetUsd: '0.000001',
      limitModes: { monthlyBudgetUsd: 'MONITOR' },
    });
    const { tenantId, subscriptionId, key } = await subscribedKey(gateway, {
      planName: 'lifecycle-monitored-budget',
    });
    const state = limitState(gateway, tenantId, subscriptionId);

    let spent = 0n;
    for (const requestId of ['lifecycle-monitored-1', 'lifecycle-monitored-2']) {
      const response = await chat(gateway.url, key, chatBody(), requestId);
      expect(response.status).toBe(200);
      const usage = usageSchema.parse(((await response.json()) as { usage: unknown }).usage);
      spent += costMicros(DEMO_CHAT_PRICE, { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens });
      const event = await usageEvent(queue, requestId);
      expect(event).toMatchObject({ statusCode: 200, subscriptionId });
      expect(event.policyActions).toContain('monitor:subscription.monthlyBudgetUsd');
    }
    // A monitored counter counts the real usage, past its limit.
    await state.settled();
    expect(await state.budgetMicros()).toBe(spent);
  });
});

describe('a plan that fails open while Redis is away', () => {
  it('is served, uncounted, while a plan that fails closed gets 503, and its usage event is still recorded', async () => {
    const redisProxy = await TcpProxy.start('127.0.0.1', Number(new URL(DEFAULT_REDIS_URL).port || 6379));
    const upstream = await startMockProvider();
    const gateway = await GatewayHarness.start('gateway-limits-fail-open', {
      env: { REDIS_URL: redisProxy.url(DEFAULT_REDIS_URL) },
      usageRecorder: { flushIntervalMs: 5, enqueueTimeoutMs: 300, replayIntervalMs: 100 },
    });
    const queue = new Queue(QueueName.Usage, { connection: gateway.redis.redis, prefix: gateway.redis.queuePrefix });
    try {
      await gateway.useMockProvider(upstream.url);
      await demoPlan(gateway, 'lifecycle-fail-open', { monthlyBudgetUsd: '10', rpm: 1_000, quotaFailOpen: true });
      const open = await subscribedKey(gateway, { planName: 'lifecycle-fail-open' });
      const closed = await subscribedKey(gateway, { limitOverrides: { ...NO_LIMITS, monthlyBudgetUsd: '10' } });
      const openState = limitState(gateway, open.tenantId, open.subscriptionId);

      // Warm: both keys are in the gateway's memory, so authentication needs no Redis.
      expect((await chat(gateway.url, open.key, chatBody())).status).toBe(200);
      expect((await chat(gateway.url, closed.key, chatBody())).status).toBe(200);
      await openState.settled();
      const spentBefore = await openState.budgetMicros();
      expect(spentBefore).toBeGreaterThan(0n);

      redisProxy.cut();
      const served = await chat(gateway.url, open.key, chatBody(), 'lifecycle-fail-open-outage');
      expect(served.status).toBe(200);
      // Its rate limit still runs, in the process.
      expect(served.headers.get('x-ratelimit-limit-requests')).toBe('1000');
      const refused = await chat(gateway.url, closed.key, chatBody());
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: 'quota_backend_unavailable' } });

      redisProxy.restore();
      let status = 0;
      const deadline = Date.now() + 10_000;
      while (status !== 200 && Date.now() < deadline) {
        status = (await chat(gateway.url, closed.key, chatBody())).status;
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
      // Admitted uncounted: the budget's counter never saw it; the usage event (spooled, replayed) has it.
      expect(await usageEvent(queue, 'lifecycle-fail-open-outage', 10_000)).toMatchObject({
        statusCode: 200,
        subscriptionId: open.subscriptionId,
      });
      expect(await openState.budgetMicros()).toBe(spentBefore);
    } finally {
      await queue.close();
      await gateway.close();
      await upstream.close();
      await redisProxy.close();
    }
  }, 40_000);
});
