import { randomUUID } from 'node:crypto';
import { calendarPeriods } from '@gatehouse/domain';
import { createTestRedis, eventually, TcpProxy, type TestRedis } from '@gatehouse/testing';
import { type Redis } from 'ioredis';
import { createRedisClient } from '../redis-client.factory';
import { RedisKeys } from '../redis-keys';
import { LimitsEngine } from './limits-engine';
import { LimitsReader } from './limits-reader';
import { type UsageScope } from './limits-usage';
import { QuotaBackendUnavailableError } from './limits.errors';
import { type Admitted, type LimitScope } from './limits.types';

const ZONE = 'Europe/Paris';
const TTL_MS = 60_000;
/** Each request reserves 1 000 tokens worth 1 500 µUSD, and the one that settles used 400 tokens, 600 µUSD. */
const RESERVE = { tokens: 1_000, costMicros: 1_500n };
const ACTUAL = { tokens: 400, costMicros: 600n };

describe('LimitsReader (real Redis, the engine writing)', () => {
  let testRedis: TestRedis;
  /** A hand-moved clock, shared by the engine and the reader. */
  let now = Date.parse('2026-03-14T10:00:00.000Z');
  let engine: LimitsEngine;
  let reader: LimitsReader;

  const subscriptionScope = (): LimitScope => ({
    kind: 'subscription',
    id: randomUUID(),
    limits: {
      rpm: 60,
      rpmBurst: 10,
      tpm: 10_000,
      concurrency: 4,
      dailyTokens: 200_000,
      monthlyTokens: 2_000_000,
      monthlyCalls: 10_000,
      monthlyBudgetUsd: '5',
    },
  });
  const admit = async (tenantId: string, scopes: LimitScope[], ttlMs = TTL_MS) => {
    const decision = await engine.admit({ tenantId, scopes, reserve: RESERVE, timeZone: ZONE, ttlMs });
    expect(decision.admitted).toBe(true);
    return decision as Admitted;
  };
  const read = (tenantId: string, scope: UsageScope) => reader.read({ tenantId, scope, timeZone: ZONE });

  beforeAll(async () => {
    testRedis = await createTestRedis('limits-reader');
    const keys = new RedisKeys(testRedis.prefix);
    engine = new LimitsEngine(testRedis.redis, keys, { clock: () => now });
    reader = new LimitsReader(testRedis.redis, keys, { clock: () => now });
  });

  afterAll(async () => {
    engine?.close();
    await testRedis?.cleanup();
  });

  it('reads used, reserved, remaining and reset times: two admitted, one settled', async () => {
    const tenantId = randomUUID();
    const scope = subscriptionScope();
    const tenantScope: LimitScope = { kind: 'tenant', id: tenantId, limits: { monthlyBudgetUsd: '20' } };
    const first = await admit(tenantId, [scope, tenantScope]);
    await admit(tenantId, [scope, tenantScope]);
    expect(await engine.settle(first.reservation, ACTUAL)).toBe('settled');

    const periods = calendarPeriods(now, ZONE);
    const day = { period: '2026-03-14', resetsAt: new Date(periods.day.endsAt).toISOString() };
    const month = { period: '2026-03', resetsAt: new Date(periods.month.endsAt).toISOString() };
    expect(day.resetsAt).toBe('2026-03-14T23:00:00.000Z');
    expect(month.resetsAt).toBe('2026-03-31T22:00:00.000Z');

    expect(await read(tenantId, scope)).toEqual({
      scope: 'subscription',
      scopeId: scope.id,
      timeZone: ZONE,
      readAt: '2026-03-14T10:00:00.000Z',
      quotas: {
        dailyTokens: { limit: 200_000, used: 400, reserved: 1_000, remaining: 198_600, ...day },
        monthlyTokens: { limit: 2_000_000, used: 400, reserved: 1_000, remaining: 1_998_600, ...month },
        monthlyCalls: { limit: 10_000, used: 1, reserved: 1, remaining: 9_998, ...month },
        monthlyBudgetUsd: { limit: '5', used: '0.0006', reserved: '0.0015', remaining: '4.9979', ...month },
      },
      rates: {
        // Two requests taken from 10, none refilled yet: full again in 2 s at one a second.
        rpm: { limit: 60, capacity: 10, remaining: 8, resetsAt: '2026-03-14T10:00:02.000Z' },
        // 10 000 − 2 × 1 000 + 600 given back by the settlement; 1 400 to refill at 10 000 a minute: 8.4 s.
        tpm: { limit: 10_000, capacity: 10_000, remaining: 8_600, resetsAt: '2026-03-14T10:00:08.400Z' },
      },
      concurrency: { limit: 4, inUse: 1 },
    });

    expect((await read(tenantId, tenantScope)).quotas).toEqual({
      dailyTokens: null,
      monthlyTokens: null,
      monthlyCalls: null,
      monthlyBudgetUsd: { limit: '20', used: '0.0006', reserved: '0.0015', remaining: '19.9979', ...month },
    });

    // Buckets refill as time passes; counters do not.
    now += 1_000;
    const later = await read(tenantId, scope);
    expect(later.rates.rpm).toMatchObject({ remaining: 9, resetsAt: '2026-03-14T10:00:02.000Z' });
    expect(later.quotas.dailyTokens).toMatchObject({ used: 400, reserved: 1_000, remaining: 198_600 });
  });

  it('leaves out a reservation that expired unsettled: the next admit gives its amounts back', async () => {
    const tenantId = randomUUID();
    const scope = subscriptionScope();
    await admit(tenantId, [scope]);
    await admit(tenantId, [scope], 1_000);
    now += 2_000;

    const before = await read(tenantId, scope);
    expect(before.quotas.monthlyTokens).toMatchObject({ used: 0, reserved: 1_000, remaining: 1_999_000 });
    expect(before.quotas.monthlyCalls).toMatchObject({ used: 0, reserved: 1, remaining: 9_999 });
    expect(before.concurrency).toEqual({ limit: 4, inUse: 1 });

    // The next admit purges the dead one first: what the reader said remained is what it found.
    await admit(tenantId, [scope]);
    const after = await read(tenantId, scope);
    expect(after.quotas.monthlyTokens).toMatchObject({ used: 0, reserved: 2_000, remaining: 1_998_000 });
    expect(after.concurrency).toEqual({ limit: 4, inUse: 2 });
  });

  it('counts a late settlement of an expired reservation as used, once', async () => {
    const tenantId = randomUUID();
    const scope = subscriptionScope();
    const late = await admit(tenantId, [scope], 1_000);
    now += 2_000;
    await admit(tenantId, [scope]);
    expect(await engine.settle(late.reservation, ACTUAL)).toBe('settled_after_expiry');

    expect((await read(tenantId, scope)).quotas.dailyTokens).toMatchObject({
      used: 400,
      reserved: 1_000,
      remaining: 198_600,
    });
  });

  it('reads a scope nobody has used yet as untouched, and one without limits as all null', async () => {
    const tenantId = randomUUID();
    const scope = subscriptionScope();
    const fresh = await read(tenantId, scope);
    expect(fresh.quotas.monthlyBudgetUsd).toMatchObject({ limit: '5', used: '0', reserved: '0', remaining: '5' });
    expect(fresh.rates.rpm).toEqual({ limit: 60, capacity: 10, remaining: 10, resetsAt: fresh.readAt });
    expect(fresh.concurrency).toEqual({ limit: 4, inUse: 0 });

    const unlimited = await read(tenantId, { kind: 'key', id: randomUUID(), limits: { allowedModels: ['x'] } });
    expect(unlimited).toMatchObject({
      quotas: { dailyTokens: null, monthlyTokens: null, monthlyCalls: null, monthlyBudgetUsd: null },
      rates: { rpm: null, tpm: null },
      concurrency: null,
    });
  });

  it('counts in UTC for an unknown zone, as the engine does', async () => {
    const tenantId = randomUUID();
    const usage = await reader.read({ tenantId, scope: subscriptionScope(), timeZone: 'Mars/Olympus' });
    expect(usage.timeZone).toBe('UTC');
    expect(usage.quotas.dailyTokens?.resetsAt).toBe('2026-03-15T00:00:00.000Z');
  });

  describe('when Redis goes away', () => {
    let proxy: TcpProxy;
    let client: Redis;

    beforeAll(async () => {
      const target = new URL(testRedis.url);
      proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
      // The admin API's kind of client: an offline queue, so only the reader's timeout bounds the wait.
      client = createRedisClient(proxy.url(testRedis.url), { connectionName: 'limits-reader-outage' });
      client.on('error', () => undefined);
      await eventually(() => client.status === 'ready', 5_000);
    });

    afterAll(async () => {
      client?.disconnect();
      await proxy?.close();
    });

    it('throws QuotaBackendUnavailableError quickly, and reads again once Redis is back', async () => {
      const outageReader = new LimitsReader(client, new RedisKeys(testRedis.prefix), { timeoutMs: 300 });
      const tenantId = randomUUID();
      const scope = subscriptionScope();
      await expect(outageReader.read({ tenantId, scope })).resolves.toMatchObject({ scope: 'subscription' });

      proxy.cut();
      await eventually(() => client.status !== 'ready');
      const started = Date.now();
      await expect(outageReader.read({ tenantId, scope })).rejects.toBeInstanceOf(QuotaBackendUnavailableError);
      expect(Date.now() - started).toBeLessThan(1_000);
      // A scope without counters has nothing to read: it answers all the same.
      await expect(outageReader.read({ tenantId, scope: { kind: 'key', id: 'k', limits: {} } })).resolves.toMatchObject(
        {
          concurrency: null,
        },
      );

      proxy.restore();
      await eventually(() => client.status === 'ready', 10_000);
      await expect(outageReader.read({ tenantId, scope })).resolves.toMatchObject({ scopeId: scope.id });
    });
  });
});
