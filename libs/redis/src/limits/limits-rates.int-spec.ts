import { randomUUID } from 'node:crypto';
import { RedisKeys } from '../redis-keys';
import { createTestRedis, type TestRedis } from '@gatehouse/testing';
import { LimitsEngine } from './limits-engine';
import { type AdmitDecision, type AdmitRequest, type Admitted, type LimitScope, type Refused } from './limits.types';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LimitsEngine: rate limits and concurrency (real Redis)', () => {
  let testRedis: TestRedis;
  /** A hand-moved clock, passed to the scripts instead of Redis's TIME. */
  let now = Date.parse('2026-03-01T00:00:00Z');
  let simulated: LimitsEngine;
  /** Redis's own clock, as in production. */
  let real: LimitsEngine;

  const subscription = (limits: LimitScope['limits'], modes?: LimitScope['modes']): LimitScope => ({
    kind: 'subscription',
    id: randomUUID(),
    limits,
    modes,
  });
  const request = (scopes: LimitScope[], tokens = 0, overrides: Partial<AdmitRequest> = {}): AdmitRequest => ({
    tenantId: `tenant-${randomUUID()}`,
    scopes,
    reserve: { tokens, costMicros: 0n },
    ...overrides,
  });
  const done = async (engine: LimitsEngine, decision: AdmitDecision, tokens = 0) => {
    if (decision.admitted) await engine.settle(decision.reservation, { tokens, costMicros: 0n });
  };

  beforeAll(async () => {
    testRedis = await createTestRedis('limits-rates');
    simulated = new LimitsEngine(testRedis.redis, new RedisKeys(testRedis.prefix), { clock: () => now });
    real = new LimitsEngine(testRedis.redis, new RedisKeys(testRedis.prefix));
  });

  afterAll(async () => {
    simulated?.close();
    real?.close();
    await testRedis?.cleanup();
  });

  it('60 rpm with a burst of 10: never more than 70 in any minute, and retry-after is exact', async () => {
    const scope = subscription({ rpm: 60, rpmBurst: 10 });
    const base = request([scope]);
    const admittedAt: number[] = [];
    const start = now;
    let step = 0;
    // A greedy client over five minutes: a request every few ms, or exactly at retry-after when refused.
    while (now - start < 5 * 60_000) {
      const decision = await simulated.admit(base);
      if (decision.admitted) {
        admittedAt.push(now);
        await done(simulated, decision);
        now += [3, 17, 250, 0, 41][step++ % 5] as number;
        continue;
      }
      expect(decision).toMatchObject({ code: 'rate_limit_exceeded', retryable: true });
      const wait = decision.retryAfterMs as number;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1_000);
      // A millisecond early is still refused (and changes nothing); on time succeeds.
      now += wait - 1;
      expect((await simulated.admit(base)).admitted).toBe(false);
      now += 1;
    }
    for (const from of admittedAt) {
      expect(admittedAt.filter((t) => t >= from && t <= from + 60_000).length).toBeLessThanOrEqual(70);
    }
    // Not stingy either: the burst plus one a second.
    expect(admittedAt.length).toBeGreaterThanOrEqual(10 + 299);
  });

  it('reports the headers of the most restrictive bucket', async () => {
    const sub = subscription({ rpm: 600, rpmBurst: 100, tpm: 10_000 });
    const key: LimitScope = { kind: 'key', id: randomUUID(), limits: { rpm: 60, rpmBurst: 10 } };
    const decision = await simulated.admit(request([sub, key], 400));
    expect(decision.rateLimits).toEqual({
      requests: { limit: 60, remaining: 9, resetMs: 1_000 },
      tokens: { limit: 10_000, remaining: 9_600, resetMs: 2_400 },
    });
    await done(simulated, decision, 400);
  });

  it('waits for the slowest refusing bucket, and refuses for good what exceeds a bucket', async () => {
    const sub = subscription({ rpm: 60, rpmBurst: 1, tpm: 600, tpmBurst: 600 });
    const base = request([sub], 500);
    const first = await simulated.admit(base);
    expect(first.admitted).toBe(true);
    const second = (await simulated.admit(base)) as Refused;
    // rpm needs 1 s; tpm needs 400 more tokens at 10 a second: 40 s.
    expect(second).toMatchObject({ admitted: false, code: 'rate_limit_exceeded', retryAfterMs: 40_000 });
    expect(second.refusedBy.map((breach) => [breach.limit, breach.retryAfterMs])).toEqual([
      ['rpm', 1_000],
      ['tpm', 40_000],
    ]);
    now += 40_000;
    await done(simulated, first, 500);
    expect((await simulated.admit(base)).admitted).toBe(true);

    const tooLarge = (await simulated.admit({ ...base, reserve: { tokens: 601, costMicros: 0n } })) as Refused;
    expect(tooLarge).toMatchObject({ admitted: false, retryable: false, retryAfterMs: null });
    expect(tooLarge.refusedBy).toContainEqual(expect.objectContaining({ limit: 'tpm', neverFits: true }));
  });

  it('settles TPM to the actual tokens: unused tokens come back, excess is owed', async () => {
    const scope = subscription({ tpm: 1_200 });
    const base = request([scope], 1_000);
    const first = (await simulated.admit(base)) as Admitted;
    expect(first.admitted).toBe(true);
    expect((await simulated.admit(base)).admitted).toBe(false);
    // Used 100 of the 1 000 reserved: 900 come back, and the next fits at once.
    await simulated.settle(first.reservation, { tokens: 100, costMicros: 0n });
    const second = (await simulated.admit(base)) as Admitted;
    expect(second.admitted).toBe(true);
    // This one used 1 900 of its 1 000: the bucket (100 left) pays the 900 extra and goes 800 into debt.
    await simulated.settle(second.reservation, { tokens: 1_900, costMicros: 0n });
    const refused = (await simulated.admit(base)) as Refused;
    // From −800 to the 1 000 the next request reserves: 1 800 tokens at 20 a second = 90 s.
    expect(refused.retryAfterMs).toBe(90_000);
    now += 90_000;
    expect((await simulated.admit(base)).admitted).toBe(true);
  });

  it('admits and reports a monitored rate limit, whose bucket behaves as if enforced', async () => {
    const scope = subscription({ rpm: 60, rpmBurst: 1 }, { rpm: 'monitor' });
    const base = request([scope]);
    expect(await simulated.admit(base)).toMatchObject({ admitted: true, monitored: [] });
    const second = await simulated.admit(base);
    expect(second.admitted).toBe(true);
    expect(second.monitored).toEqual([expect.objectContaining({ limit: 'rpm', kind: 'rate', retryAfterMs: 1_000 })]);
    now += 1_000;
    expect((await simulated.admit(base)).monitored).toEqual([]);
  });

  it('retry-after tells the truth on the real clock', async () => {
    const base = request([subscription({ rpm: 60, rpmBurst: 2 })]);
    for (let i = 0; i < 2; i++) expect((await real.admit(base)).admitted).toBe(true);
    const refused = (await real.admit(base)) as Refused;
    expect(refused.admitted).toBe(false);
    const wait = refused.retryAfterMs as number;
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1_000);

    // Well before (a margin for a busy machine's timers): still refused. Exactly then: admitted.
    await sleep(wait - 500);
    expect((await real.admit(base)).admitted).toBe(false);
    const again = (await real.admit(base)) as Refused;
    await sleep(again.retryAfterMs as number);
    expect((await real.admit(base)).admitted).toBe(true);
  });

  it('releases a concurrency lease on settle', async () => {
    const base = request([subscription({ concurrency: 2 })]);
    const first = (await real.admit(base)) as Admitted;
    const second = (await real.admit(base)) as Admitted;
    expect([first.admitted, second.admitted]).toEqual([true, true]);
    const third = (await real.admit(base)) as Refused;
    expect(third).toMatchObject({ admitted: false, code: 'rate_limit_exceeded', retryable: true, retryAfterMs: null });
    expect(third.refusedBy[0]).toMatchObject({ kind: 'concurrency', limitValue: 2, current: 2 });

    expect(await real.settle(first.reservation, { tokens: 0, costMicros: 0n })).toBe('settled');
    expect((await real.admit(base)).admitted).toBe(true);
  });

  it('sends the admits and settles of one turn as one script call per tenant, each exact as if alone', async () => {
    type Script = (...args: unknown[]) => Promise<unknown>;
    const scripts = testRedis.redis as unknown as Record<'gatehouseLimitsAdmit' | 'gatehouseLimitsSettle', Script>;
    const admitCalls = jest.spyOn(scripts, 'gatehouseLimitsAdmit');
    const settleCalls = jest.spyOn(scripts, 'gatehouseLimitsSettle');
    try {
      // Two tenants, 20 concurrent requests each, 5 slots and a budget of 12 tokens per minute each.
      const tenants = [request([subscription({ concurrency: 5, tpm: 12 })], 2), request([subscription({ tpm: 7 })], 3)];
      const decisions = await Promise.all(
        tenants.flatMap((base) => Array.from({ length: 20 }, () => real.admit(base))),
      );
      expect(admitCalls).toHaveBeenCalledTimes(2);
      const [first, second] = [decisions.slice(0, 20), decisions.slice(20)];
      // In order, as separate calls would be: the first five fit the slots (10 of 12 tokens), then the slots refuse;
      // the other tenant's TPM takes two requests of 3 tokens and refuses the rest.
      expect(first.map((decision) => decision.admitted)).toEqual([...Array(5).fill(true), ...Array(15).fill(false)]);
      expect((first[5] as Refused).refusedBy[0]).toMatchObject({ kind: 'concurrency', limitValue: 5, current: 5 });
      expect(second.map((decision) => decision.admitted)).toEqual([true, true, ...Array(18).fill(false)]);

      const admitted = decisions.filter((decision): decision is Admitted => decision.admitted);
      const outcomes = await Promise.all(
        admitted.map((decision) => real.settle(decision.reservation, { tokens: 1, costMicros: 0n })),
      );
      expect(outcomes).toEqual(Array(7).fill('settled'));
      expect(settleCalls).toHaveBeenCalledTimes(2);
      // The slots are free again, and each tenant's unused tokens came back: 7 of 12 and 5 of 7 are left.
      const again = await Promise.all(
        tenants.map((base) => real.admit({ ...base, reserve: { tokens: 6, costMicros: 0n } })),
      );
      expect(again.map((decision) => decision.admitted)).toEqual([true, false]);
    } finally {
      admitCalls.mockRestore();
      settleCalls.mockRestore();
    }
  });

  it('expires a lease that is never released, and extends one that is kept alive', async () => {
    const base = request([subscription({ concurrency: 1 })], 0, { ttlMs: 300 });
    const kept = (await real.admit(base)) as Admitted;
    expect(kept.admitted).toBe(true);
    await sleep(200);
    expect(await real.extend(kept.reservation, 1_000)).toBe(true);
    await sleep(300);
    // Past its first expiry, but the heartbeat pushed it back.
    expect((await real.admit(base)).admitted).toBe(false);
    await sleep(800);
    // Now it has expired: the slot is free, and the dead reservation cannot be extended.
    expect((await real.admit(base)).admitted).toBe(true);
    expect(await real.extend(kept.reservation)).toBe(false);
  });
});
