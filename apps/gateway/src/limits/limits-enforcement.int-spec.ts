import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import { calendarPeriods, ConservativeTokenEstimator, microsToUsd, worstCaseCostMicros } from '@gatehouse/domain';
import { LimitKeys, RedisKeys } from '@gatehouse/redis';
import { TcpProxy } from '@gatehouse/testing';
import { GatewayHarness } from '../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../test/mock-upstream';
import { UpstreamProvidersService } from '../upstream/upstream-providers.service';

/**
 * The limits on the request path, through two gateway instances sharing one Redis: what the engine's own tests
 * prove of the Lua scripts must hold for HTTP requests too (issue "Limits that hold", acceptance).
 */

const DEMO_CHAT_PRICE = { inputPer1M: '0.5', outputPer1M: '1.5', cachedInputPer1M: '0.25' };
const MAX_TOKENS = 50;
const messages = [{ role: 'user', content: 'Say hello to the limits.' }];
/** Limits lifted so that only the one under test can refuse (demo-free has 60 rpm and 4 at a time). */
const LIFTED = { rpm: 1_000_000, tpm: 1_000_000_000, concurrency: 10_000 };

describe('limits on the request path (two gateway instances, real Redis)', () => {
  let gateway: GatewayHarness;
  let replica: { url: string; app: NestFastifyApplication };
  let slowMock: RunningMock;

  beforeAll(async () => {
    // Every answer takes 400 ms, so that all concurrent requests are admitted before the first one settles.
    [gateway, slowMock] = await Promise.all([
      GatewayHarness.start('gateway-limits', { usageRecorder: { flushIntervalMs: 5 } }),
      startMockProvider({ MOCK_DELAY_MS: '400' }),
    ]);
    await gateway.useMockProvider(slowMock.url);
    replica = await gateway.startReplica();
  });

  afterAll(async () => {
    await replica?.app.close();
    await gateway?.close();
    await slowMock?.close();
  });

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
    const month = calendarPeriods(Date.now()).month.id;
    const value = await gateway.redis.redis.get(
      keys.counter(tenantId, 'subscription', subscriptionId, 'monthlyBudgetUsd', month),
    );
    return BigInt(value ?? '0');
  }

  it.each([
    ['non-streamed', {}],
    ['streamed', { stream: true, stream_options: { include_usage: true } }],
  ])(
    'admits exactly the N of 200 concurrent %s requests, split over two instances, that fit the budget',
    async (_kind, extra) => {
      const N = 37;
      const budgetMicros = reservedMicros(extra) * BigInt(N);
      const { tenantId, subscriptionId, key } = await subscribedKey({
        ...LIFTED,
        monthlyBudgetUsd: microsToUsd(budgetMicros),
      });

      const responses = await Promise.all(
        Array.from({ length: 200 }, async (_, index) => {
          const response = await chat(index % 2 === 0 ? gateway.url : replica.url, key, extra);
          return { status: response.status, headers: response.headers, text: await response.text() };
        }),
      );
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

  it('holds a rate limit with its burst across both instances, and retry-after tells the truth', async () => {
    const { key } = await subscribedKey({ ...LIFTED, rpm: 60, rpmBurst: 10 });
    const fast = await startMockProvider();
    await gateway.useMockProvider(fast.url);
    await replica.app.get(UpstreamProvidersService).reload();
    try {
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, index) => chat(index % 2 === 0 ? gateway.url : replica.url, key)),
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
      expect((await chat(replica.url, key)).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 50));
      const retried = await chat(gateway.url, key);
      expect(retried.status).toBe(200);
      expect(retried.headers.get('x-ratelimit-limit-requests')).toBe('60');
      expect(Number(retried.headers.get('x-ratelimit-remaining-requests'))).toBe(0);
    } finally {
      await gateway.useMockProvider(slowMock.url);
      await replica.app.get(UpstreamProvidersService).reload();
      await fast.close();
    }
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
