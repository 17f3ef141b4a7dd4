import { randomUUID } from 'node:crypto';
import { calendarPeriods, costMicros, usdToMicros, worstCaseCostMicros } from '@gatehouse/domain';
import { createRedisClient } from '../redis-client.factory';
import { RedisKeys } from '../redis-keys';
import { createTestRedis, type TestRedis } from '@gatehouse/testing';
import { type Redis } from 'ioredis';
import { decodeScopeState, periodNumber } from './limit-state';
import { LimitsEngine } from './limits-engine';
import { type AdmitRequest, type Admitted, type LimitScope, type Refused } from './limits.types';

// 1 USD per 1M tokens in and out: one token costs exactly 1 µUSD, so amounts are easy to read.
const PRICE = { inputPer1M: '1', outputPer1M: '1' };
const TOKENS_PER_REQUEST = 1_000;
const RESERVE = { tokens: TOKENS_PER_REQUEST, costMicros: worstCaseCostMicros(PRICE, 400, 600) };

describe('LimitsEngine: quotas and budgets (real Redis)', () => {
  let testRedis: TestRedis;
  let engine: LimitsEngine;

  const tenant = () => `tenant-${randomUUID()}`;
  const subscription = (limits: LimitScope['limits'], modes?: LimitScope['modes']): LimitScope => ({
    kind: 'subscription',
    id: randomUUID(),
    limits,
    modes,
  });
  const request = (tenantId: string, scopes: LimitScope[], overrides: Partial<AdmitRequest> = {}): AdmitRequest => ({
    tenantId,
    scopes,
    reserve: RESERVE,
    ...overrides,
  });
  /** A scope's state as an operator would read it. */
  const stateOf = async (tenantId: string, scope: LimitScope) =>
    decodeScopeState(await testRedis.redis.getBuffer(engine.keys.scope(tenantId, scope.kind, scope.id)));
  const counter = async (
    tenantId: string,
    scope: LimitScope,
    limit: 'monthlyBudgetUsd' | 'monthlyTokens' | 'monthlyCalls',
  ) => {
    const state = await stateOf(tenantId, scope);
    if (state === null || state.month !== periodNumber(calendarPeriods(Date.now()).month.id)) return 0;
    return {
      monthlyBudgetUsd: state.monthlyMicros,
      monthlyTokens: state.monthlyTokens,
      monthlyCalls: state.monthlyCalls,
    }[limit];
  };
  const admitted = (decisions: { admitted: boolean }[]) =>
    decisions.filter((decision) => decision.admitted) as Admitted[];

  beforeAll(async () => {
    testRedis = await createTestRedis('limits-quotas');
    engine = new LimitsEngine(testRedis.redis, new RedisKeys(testRedis.prefix));
  });

  afterAll(async () => {
    engine?.close();
    await testRedis?.cleanup();
  });

  it('admits exactly the N of 200 concurrent requests that fit the budget, and settled spend stays within it', async () => {
    const N = 37;
    const tenantId = tenant();
    const budgetMicros = RESERVE.costMicros * BigInt(N);
    const scope = subscription({ monthlyBudgetUsd: (Number(budgetMicros) / 1e6).toFixed(6) });
    expect(usdToMicros(scope.limits.monthlyBudgetUsd as string)).toBe(budgetMicros);

    const decisions = await Promise.all(Array.from({ length: 200 }, () => engine.admit(request(tenantId, [scope]))));

    const winners = admitted(decisions);
    expect(winners).toHaveLength(N);
    for (const refusal of decisions.filter((decision) => !decision.admitted) as Refused[]) {
      expect(refusal).toMatchObject({ code: 'insufficient_quota', retryable: false, retryAfterMs: null });
      expect(refusal.refusedBy[0]).toMatchObject({ scope: 'subscription', limit: 'monthlyBudgetUsd', kind: 'quota' });
    }
    expect(await counter(tenantId, scope, 'monthlyBudgetUsd')).toBe(Number(budgetMicros));

    // Each settles at its real cost, at most the worst case.
    let spent = 0n;
    for (const [index, winner] of winners.entries()) {
      const actual = costMicros(PRICE, { inputTokens: 300, outputTokens: index * 10 });
      spent += actual;
      expect(await engine.settle(winner.reservation, { tokens: 300 + index * 10, costMicros: actual })).toBe('settled');
    }
    const settled = await counter(tenantId, scope, 'monthlyBudgetUsd');
    expect(settled).toBe(Number(spent));
    expect(BigInt(settled)).toBeLessThanOrEqual(budgetMicros);

    // What was released fits exactly that many more worst cases.
    const again = await Promise.all(Array.from({ length: 200 }, () => engine.admit(request(tenantId, [scope]))));
    expect(admitted(again)).toHaveLength(Number((budgetMicros - spent) / RESERVE.costMicros));
  });

  it('is exact across two gateway instances with their own connections', async () => {
    const N = 23;
    const tenantId = tenant();
    const scope = subscription({ monthlyBudgetUsd: (Number(RESERVE.costMicros * BigInt(N)) / 1e6).toFixed(6) });
    const clients: Redis[] = [0, 1].map((instance) =>
      createRedisClient(testRedis.url, { connectionName: `limits-test-${instance}` }),
    );
    const engines = clients.map((client) => new LimitsEngine(client, new RedisKeys(testRedis.prefix)));
    try {
      const decisions = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (engines[i % 2] as LimitsEngine).admit(request(tenantId, [scope]))),
      );
      const winners = admitted(decisions);
      expect(winners).toHaveLength(N);
      // Settled by whichever instance: the record says what to undo.
      await Promise.all(
        winners.map((winner, i) =>
          (engines[(i + 1) % 2] as LimitsEngine).settle(winner.reservation, { tokens: 10, costMicros: 10n }),
        ),
      );
      expect(await counter(tenantId, scope, 'monthlyBudgetUsd')).toBe(10 * N);
    } finally {
      engines.forEach((instance) => instance.close());
      clients.forEach((client) => client.disconnect());
    }
  });

  it('holds a tenant-wide budget across subscriptions, and a refusal changes no counter', async () => {
    const tenantId = tenant();
    const tenantScope: LimitScope = { kind: 'tenant', id: tenantId, limits: { monthlyBudgetUsd: '0.003' } };
    const first = subscription({ monthlyTokens: 1_000_000 });
    const second = subscription({ monthlyTokens: 1_000_000 });

    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, i) => engine.admit(request(tenantId, [i % 2 ? first : second, tenantScope]))),
    );
    expect(admitted(decisions)).toHaveLength(3);
    const refusal = decisions.find((decision) => !decision.admitted) as Refused;
    expect(refusal.refusedBy).toEqual([
      expect.objectContaining({ scope: 'tenant', scopeId: tenantId, limit: 'monthlyBudgetUsd', current: 3_000 }),
    ]);
    // Only the three admitted requests were charged to the subscriptions' token counters.
    expect((await counter(tenantId, first, 'monthlyTokens')) + (await counter(tenantId, second, 'monthlyTokens'))).toBe(
      3 * TOKENS_PER_REQUEST,
    );
  });

  it('narrows a subscription per key', async () => {
    const tenantId = tenant();
    const sub = subscription({ monthlyCalls: 100 });
    const key: LimitScope = { kind: 'key', id: randomUUID(), limits: { monthlyCalls: 2 } };
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await engine.admit(request(tenantId, [sub, key])));
    expect(decisions.map((decision) => decision.admitted)).toEqual([true, true, false]);
    expect((decisions[2] as Refused).refusedBy[0]).toMatchObject({
      scope: 'key',
      limit: 'monthlyCalls',
      limitValue: 2,
    });
    expect(await counter(tenantId, sub, 'monthlyCalls')).toBe(2);
  });

  it('settles once: a second settle changes nothing; usage above the reservation is recorded', async () => {
    const tenantId = tenant();
    const scope = subscription({ monthlyTokens: 10_000, monthlyBudgetUsd: '1' });
    const decision = (await engine.admit(request(tenantId, [scope]))) as Admitted;
    expect(decision.admitted).toBe(true);

    // A stream longer than estimated: 1 500 tokens against 1 000 reserved.
    const actual = { tokens: 1_500, costMicros: 1_500n };
    expect(await engine.settle(decision.reservation, actual)).toBe('settled');
    expect(await engine.settle(decision.reservation, actual)).toBe('unknown');
    expect(await counter(tenantId, scope, 'monthlyTokens')).toBe(1_500);
    expect(await counter(tenantId, scope, 'monthlyBudgetUsd')).toBe(1_500);
  });

  it('releases an unsettled reservation when it expires, and a late settle still counts once', async () => {
    const tenantId = tenant();
    const scope = subscription({ monthlyBudgetUsd: '0.001', monthlyCalls: 10 });
    const dead = (await engine.admit(request(tenantId, [scope], { ttlMs: 600 }))) as Admitted;
    expect(dead.admitted).toBe(true);
    // The budget holds exactly one request: the next is refused while the first is held.
    expect((await engine.admit(request(tenantId, [scope]))).admitted).toBe(false);

    await new Promise((resolve) => setTimeout(resolve, 700));
    const next = (await engine.admit(request(tenantId, [scope]))) as Admitted;
    expect(next.admitted).toBe(true);
    expect(await counter(tenantId, scope, 'monthlyBudgetUsd')).toBe(1_000);
    expect(await counter(tenantId, scope, 'monthlyCalls')).toBe(1);

    // The dead gateway's request did run: its settle arrives late and is recorded in full, once.
    expect(await engine.settle(dead.reservation, { tokens: 100, costMicros: 100n })).toBe('settled_after_expiry');
    expect(await engine.settle(dead.reservation, { tokens: 100, costMicros: 100n })).toBe('unknown');
    expect(await counter(tenantId, scope, 'monthlyBudgetUsd')).toBe(1_100);
    expect(await counter(tenantId, scope, 'monthlyCalls')).toBe(2);
  });

  it('leaves nothing behind when a gateway dies mid-request: reservation and lease expire after their TTL', async () => {
    const tenantId = tenant();
    const scope = subscription({ concurrency: 1, monthlyBudgetUsd: '0.001' });
    const doomedClient = createRedisClient(testRedis.url, { connectionName: 'limits-test-doomed' });
    const doomed = new LimitsEngine(doomedClient, new RedisKeys(testRedis.prefix));
    expect((await doomed.admit(request(tenantId, [scope], { ttlMs: 600 }))).admitted).toBe(true);
    doomed.close();
    doomedClient.disconnect(); // the crash: no settle will ever come

    expect((await engine.admit(request(tenantId, [scope]))).admitted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const after = (await engine.admit(request(tenantId, [scope]))) as Admitted;
    expect(after.admitted).toBe(true);
    // The dead one's lease was given back by that admit's purge: only the new one is in flight.
    expect(await stateOf(tenantId, scope)).toMatchObject({ inFlight: 1 });
    const held = await testRedis.redis.zrange(engine.keys.reservationIndex(tenantId), 0, -1);
    expect(held).toEqual([after.reservation.id]);
  });

  it('admits and reports a monitored budget that is over, and keeps counting real usage', async () => {
    const tenantId = tenant();
    const scope = subscription({ monthlyBudgetUsd: '0.001', monthlyCalls: 1 }, { monthlyBudgetUsd: 'monitor' });
    const first = await engine.admit(request(tenantId, [scope]));
    expect(first).toMatchObject({ admitted: true, monitored: [] });
    const second = await engine.admit(request(tenantId, [scope]));
    // The enforced call quota still refuses.
    expect(second).toMatchObject({ admitted: false, code: 'insufficient_quota' });
    expect((second as Refused).refusedBy.map((breach) => breach.limit)).toEqual(['monthlyCalls']);
    expect((second as Refused).monitored.map((breach) => breach.limit)).toEqual(['monthlyBudgetUsd']);

    const monitoredOnly = subscription({ monthlyBudgetUsd: '0.001' }, { monthlyBudgetUsd: 'monitor' });
    await engine.admit(request(tenantId, [monitoredOnly]));
    const over = await engine.admit(request(tenantId, [monitoredOnly]));
    expect(over.admitted).toBe(true);
    expect(over.monitored).toEqual([
      expect.objectContaining({ limit: 'monthlyBudgetUsd', limitValue: 1_000, current: 1_000, requested: 1_000 }),
    ]);
    expect(await counter(tenantId, monitoredOnly, 'monthlyBudgetUsd')).toBe(2_000);
  });

  it("counts periods in the tenant's time zone and gives every key a TTL", async () => {
    const tenantId = tenant();
    const scope = subscription({ dailyTokens: 5_000, monthlyTokens: 50_000, rpm: 100, tpm: 100_000, concurrency: 5 });
    const timeZone = 'Pacific/Kiritimati';
    const decision = (await engine.admit(request(tenantId, [scope], { timeZone }))) as Admitted;
    expect(decision.admitted).toBe(true);
    const periods = calendarPeriods(Date.now(), timeZone);
    expect(await stateOf(tenantId, scope)).toMatchObject({
      day: periodNumber(periods.day.id),
      dailyTokens: TOKENS_PER_REQUEST,
      month: periodNumber(periods.month.id),
      monthlyTokens: TOKENS_PER_REQUEST,
    });
    // The scope's key holds the month's counters: it lives at least until the month is over.
    const stateKey = engine.keys.scope(tenantId, 'subscription', scope.id);
    expect(await testRedis.redis.pttl(stateKey)).toBeGreaterThan(periods.month.endsAt - Date.now());

    await engine.settle(decision.reservation, { tokens: 10, costMicros: 10n });
    const keys = await testRedis.redis.keys(`${testRedis.prefix}:{t:${tenantId}}:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await testRedis.redis.pttl(key)).toBeGreaterThan(0);
  });

  it('takes over the counters of the layout before one key per scope, once, when the scope has no state yet', async () => {
    const tenantId = tenant();
    const scope = subscription({ monthlyBudgetUsd: '0.003', dailyTokens: 100_000 });
    const periods = calendarPeriods(Date.now());
    // What an earlier version left: one string key per limit and period.
    const old = (limit: string, period: string) =>
      `${testRedis.prefix}:{t:${tenantId}}:limits:quota:subscription:${scope.id}:${limit}:${period}`;
    await testRedis.redis.set(old('monthlyBudgetUsd', periods.month.id), '2000', 'PX', 60_000);
    await testRedis.redis.set(old('dailyTokens', periods.day.id), '5000', 'PX', 60_000);

    // 2 000 of 3 000 µUSD were spent before the upgrade: one more request of 1 000 fits, a second does not.
    expect((await engine.admit(request(tenantId, [scope]))).admitted).toBe(true);
    expect(await engine.admit(request(tenantId, [scope]))).toMatchObject({
      admitted: false,
      refusedBy: [expect.objectContaining({ limit: 'monthlyBudgetUsd', current: 3_000 })],
    });
    expect(await stateOf(tenantId, scope)).toMatchObject({
      monthlyMicros: 3_000,
      dailyTokens: 5_000 + TOKENS_PER_REQUEST,
    });
    // Taken over once: later changes to the old keys are not read again.
    await testRedis.redis.set(old('monthlyBudgetUsd', periods.month.id), '0', 'PX', 60_000);
    expect(await counter(tenantId, scope, 'monthlyBudgetUsd')).toBe(3_000);
  });

  it('settles into the periods it charged only while they last: a new month starts from what it reserves', async () => {
    let now = Date.parse('2026-03-31T23:59:59.000Z');
    const clocked = new LimitsEngine(testRedis.redis, new RedisKeys(testRedis.prefix), { clock: () => now });
    const tenantId = tenant();
    const scope = subscription({ monthlyTokens: 10_000, dailyTokens: 10_000 });
    const march = (await clocked.admit(request(tenantId, [scope]))) as Admitted;
    expect(march.admitted).toBe(true);

    now = Date.parse('2026-04-01T00:00:01.000Z');
    const april = (await clocked.admit(request(tenantId, [scope]))) as Admitted;
    expect(april.admitted).toBe(true);
    // March's reservation settles after March: April's counters keep only April's reservation.
    expect(await clocked.settle(march.reservation, { tokens: 300, costMicros: 0n })).toBe('settled');
    const state = decodeScopeState(await testRedis.redis.getBuffer(engine.keys.scope(tenantId, scope.kind, scope.id)));
    expect(state).toMatchObject({
      day: 20260401,
      dailyTokens: TOKENS_PER_REQUEST,
      month: 202604,
      monthlyTokens: TOKENS_PER_REQUEST,
    });
    expect(await clocked.settle(april.reservation, { tokens: 300, costMicros: 0n })).toBe('settled');
    expect(
      decodeScopeState(await testRedis.redis.getBuffer(engine.keys.scope(tenantId, scope.kind, scope.id))),
    ).toMatchObject({ dailyTokens: 300, monthlyTokens: 300 });
    clocked.close();
  });

  it('needs no Redis call and no settlement when nothing is limited', async () => {
    const decision = await engine.admit(request(tenant(), [subscription({ rpm: null, monthlyBudgetUsd: null })]));
    expect(decision).toMatchObject({ admitted: true, reservation: { backend: 'none' }, rateLimits: {} });
    if (decision.admitted)
      expect(await engine.settle(decision.reservation, { tokens: 1, costMicros: 1n })).toBe('settled');
  });
});
