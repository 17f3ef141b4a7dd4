import { Agent, createServer, request as httpRequest } from 'node:http';
import { type AddressInfo } from 'node:net';
import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import { calendarPeriods, ConservativeTokenEstimator, microsToUsd, worstCaseCostMicros } from '@gatehouse/domain';
import { decodeScopeState, LimitKeys, periodNumber, RedisKeys } from '@gatehouse/redis';
import { eventually, TcpProxy } from '@gatehouse/testing';
import { GatewayHarness } from '../../../test/gateway-harness';
import { type GatewayProcess, startGatewayProcess } from '../../../test/gateway-process';
import { type RunningMock, startMockProvider } from '../../../test/mock-upstream';

/**
 * The limits on the request path, through two gateway processes sharing one Redis (this one's, and a child process
 * on the same database and Redis prefix): what the engine's own tests prove of the Lua scripts must hold for HTTP
 * requests too (issue "Limits that hold", acceptance).
 */

const DEMO_CHAT_PRICE = { inputPer1M: '0.5', outputPer1M: '1.5', cachedInputPer1M: '0.25' };
const MAX_TOKENS = 50;
const messages = [{ role: 'user', content: 'Say hello to the limits.' }];
/** Limits lifted so that only the one under test can refuse (demo-free has 60 rpm and 4 at a time). */
const LIFTED = { rpm: 1_000_000, tpm: 1_000_000_000, concurrency: 10_000 };

interface UpstreamGate {
  url: string;
  /** Model calls (POSTs) that have reached the gate since it was started. */
  arrived(): number;
  /** Holds every model call from now on, until `release`. */
  hold(): void;
  /** Passes the held calls on, and every later one at once. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A pass-through proxy in front of the mock, which can hold the model calls: while it holds, no admitted request can
 * settle (and give back the unused part of its reservation), so every request of a burst is admitted or refused
 * against reservations only, however long the two processes take to decide. A fixed upstream delay would make that
 * a race between the delay and the slower process's admissions.
 */
async function startUpstreamGate(target: string): Promise<UpstreamGate> {
  let held: (() => void)[] | undefined;
  let arrived = 0;
  // Its own, so that `close` can end its sockets to the mock (the global agent would keep them alive).
  const agent = new Agent({ keepAlive: true });
  const server = createServer((request, response) => {
    const forward = () => {
      const upstream = httpRequest(
        new URL(request.url ?? '/', target),
        { method: request.method, headers: request.headers, agent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    };
    if (request.method !== 'POST') return forward();
    arrived += 1;
    if (held === undefined) forward();
    else held.push(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gate: UpstreamGate = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived: () => arrived,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const forward of waiting) forward();
    },
    close: async () => {
      gate.release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
  return gate;
}

describe('limits on the request path (two gateway processes, real Redis)', () => {
  let gateway: GatewayHarness;
  /** The second gateway: a process of its own, on the harness's database and Redis prefix. */
  let child: GatewayProcess | undefined;
  let mock: RunningMock;
  let gate: UpstreamGate;

  beforeAll(async () => {
    [gateway, mock] = await Promise.all([
      GatewayHarness.start('gateway-limits', { usageRecorder: { flushIntervalMs: 5 } }),
      startMockProvider(),
    ]);
    gate = await startUpstreamGate(mock.url);
    // In the database before the child starts, so that it loads the gate as its upstream too.
    await gateway.useMockProvider(gate.url);
    child = await startGatewayProcess(gateway, { LOG_LEVEL: 'warn' });
  }, 45_000);

  afterAll(async () => {
    await child?.stop();
    await gate?.close();
    await gateway?.close();
    await mock?.close();
  });

  /** This process's gateway and the child process, to alternate requests between. */
  const gateways = (): [string, string] => {
    if (child === undefined) throw new Error('the gateway process did not start');
    return [gateway.url, child.url];
  };

  const chat = (url: string, key: string, extra: Record<string, unknown> = {}) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-chat', messages, max_tokens: MAX_TOKENS, ...extra }),
    });

  async function subscribedKey(limitOverrides: object) {
    const tenantId = await gateway.tenant();
    const subscriptionId = await gateway.subscribeToDemo(tenantId, { limitOverrides });
    return { tenantId, subscriptionId, key: (await gateway.key(tenantId)).key };
  }

  /** The worst case the gateway reserves for one of these requests. */
  function reservedMicros(extra: Record<string, unknown> = {}): bigint {
    const body = { model: 'demo-chat', messages, max_tokens: MAX_TOKENS, ...extra };
    const input = new ConservativeTokenEstimator().estimateInputTokens('chat.completions', body);
    return worstCaseCostMicros(DEMO_CHAT_PRICE, input, MAX_TOKENS);
  }

  async function budgetSpentMicros(tenantId: string, subscriptionId: string): Promise<bigint> {
    const keys = new LimitKeys(new RedisKeys(gateway.redis.prefix));
    const month = periodNumber(calendarPeriods(Date.now()).month.id);
    const state = decodeScopeState(
      await gateway.redis.redis.getBuffer(keys.scope(tenantId, 'subscription', subscriptionId)),
    );
    return BigInt(state?.month === month ? state.monthlyMicros : 0);
  }

  it.each([
    ['non-streamed', {}],
    ['streamed', { stream: true, stream_options: { include_usage: true } }],
  ])(
    'admits exactly the N of 200 concurrent %s requests, split over two gateway processes, that fit the budget',
    async (_kind, extra) => {
      const N = 37;
      const budgetMicros = reservedMicros(extra) * BigInt(N);
      const { tenantId, subscriptionId, key } = await subscribedKey({
        ...LIFTED,
        monthlyBudgetUsd: microsToUsd(budgetMicros),
      });

      // Alternating: this process's gateway, the child process, this one, … The admitted ones wait at the gate, so
      // none settles before all 200 are decided (each either at the gate or refused).
      const urls = gateways();
      const arrivedBefore = gate.arrived();
      let refusals = 0;
      gate.hold();
      const pending = Promise.all(
        Array.from({ length: 200 }, async (_, index) => {
          const response = await chat(index % 2 === 0 ? urls[0] : urls[1], key, extra);
          if (response.status !== 200) refusals += 1;
          return { status: response.status, headers: response.headers, text: await response.text() };
        }),
      );
      const decided = await eventually(() => gate.arrived() - arrivedBefore + refusals === 200, 10_000);
      gate.release();
      const responses = await pending;
      expect(decided).toBe(true);
      const admitted = responses.filter((response) => response.status === 200);
      const refused = responses.filter((response) => response.status !== 200);
      expect(admitted).toHaveLength(N);
      expect(refused).toHaveLength(200 - N);
      for (const response of refused) {
        expect(response.status).toBe(429);
        expect(response.headers.get('x-should-retry')).toBe('false');
        expect(JSON.parse(response.text)).toMatchObject({ error: { code: 'insufficient_quota' } });
      }
      if ('stream' in extra) for (const response of admitted) expect(response.text).toContain('data: [DONE]');

      // Once every answer has settled, the spend is what was used: within the budget, and below the reservations.
      let spent = budgetSpentMicros(tenantId, subscriptionId);
      const deadline = Date.now() + 5_000;
      while ((await spent) >= budgetMicros && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        spent = budgetSpentMicros(tenantId, subscriptionId);
      }
      expect(await spent).toBeGreaterThan(0n);
      expect(await spent).toBeLessThan(budgetMicros);
    },
    30_000,
  );

  it('holds a rate limit with its burst across both processes, and retry-after tells the truth', async () => {
    const { key } = await subscribedKey({ ...LIFTED, rpm: 60, rpmBurst: 10 });
    const [local, remote] = gateways();
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, index) => chat(index % 2 === 0 ? local : remote, key)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    const limited = responses.find((response) => response.status === 429);
    expect(await limited?.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    const retryAfterMs = Number(limited?.headers.get('retry-after-ms'));
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1_000);
    expect(Number(limited?.headers.get('retry-after'))).toBe(Math.ceil(retryAfterMs / 1_000));
    expect(limited?.headers.get('x-ratelimit-limit-requests')).toBe('60');

    // Not before the time it said; at that time, yes.
    expect((await chat(remote, key)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 50));
    const retried = await chat(local, key);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('x-ratelimit-limit-requests')).toBe('60');
    expect(Number(retried.headers.get('x-ratelimit-remaining-requests'))).toBe(0);
  }, 30_000);
});

describe('limits while Redis is away', () => {
  it('answers 503 quota_backend_unavailable for a budget, keeps rate-only plans serving, and recovers by itself', async () => {
    const redisProxy = await TcpProxy.start('127.0.0.1', Number(new URL(DEFAULT_REDIS_URL).port || 6379));
    const mock = await startMockProvider();
    const gateway = await GatewayHarness.start('gateway-limits-outage', {
      env: { REDIS_URL: redisProxy.url(DEFAULT_REDIS_URL) },
      usageRecorder: { flushIntervalMs: 5, enqueueTimeoutMs: 300 },
    });
    try {
      await gateway.useMockProvider(mock.url);
      const budgeted = await gateway.tenant();
      await gateway.subscribeToDemo(budgeted, { limitOverrides: { monthlyBudgetUsd: '10' } });
      const budgetedKey = (await gateway.key(budgeted)).key;
      const rateOnly = await gateway.tenant();
      await gateway.subscribeToDemo(rateOnly, {
        limitOverrides: { dailyTokens: null, monthlyTokens: null, monthlyCalls: null, monthlyBudgetUsd: null },
      });
      const rateOnlyKey = (await gateway.key(rateOnly)).key;
      const call = (key: string) =>
        fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'demo-chat', messages, max_tokens: MAX_TOKENS }),
        });
      // Warm: both keys are in the gateway's memory, so authentication needs no Redis.
      expect((await call(budgetedKey)).status).toBe(200);
      expect((await call(rateOnlyKey)).status).toBe(200);

      redisProxy.cut();
      const refused = await call(budgetedKey);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: 'quota_backend_unavailable' } });
      // No quota to lose: the per-process limiter stands in for Redis.
      expect((await call(rateOnlyKey)).status).toBe(200);

      redisProxy.restore();
      let status = 0;
      const deadline = Date.now() + 10_000;
      while (status !== 200 && Date.now() < deadline) {
        status = (await call(budgetedKey)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    } finally {
      await gateway.close();
      await mock.close();
      await redisProxy.close();
    }
  }, 30_000);
});
