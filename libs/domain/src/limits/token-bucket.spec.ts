import {
  adjustBucket,
  BUCKET_SCALE,
  bucketCapacity,
  bucketRemaining,
  bucketResetMs,
  type BucketState,
  takeFromBucket,
} from './token-bucket';

describe('token bucket', () => {
  const rpm60burst10 = { perMinute: 60, capacity: 10 };

  it('admits the burst at once, then one per emission interval', () => {
    let state: BucketState | null = null;
    const admitted: number[] = [];
    for (let i = 0; i < 12; i++) {
      const decision = takeFromBucket(state, rpm60burst10, 1, 0);
      state = decision.state;
      if (decision.fits) admitted.push(i);
    }
    expect(admitted).toHaveLength(10);
    const refused = takeFromBucket(state, rpm60burst10, 1, 0);
    expect(refused).toMatchObject({ fits: false, retryAfterMs: 1_000 });
    expect(takeFromBucket(state, rpm60burst10, 1, 999).fits).toBe(false);
    expect(takeFromBucket(state, rpm60burst10, 1, 1_000).fits).toBe(true);
  });

  it('never admits more than the limit plus the burst in any minute, and its retry-after is exact', () => {
    // A greedy client: every 7 ms, or at once when told when to retry.
    let state: BucketState | null = null;
    const admittedAt: number[] = [];
    let now = 0;
    while (now < 300_000) {
      const decision = takeFromBucket(state, rpm60burst10, 1, now);
      state = decision.state;
      if (decision.fits) {
        admittedAt.push(now);
        now += 7;
      } else {
        const wait = decision.retryAfterMs ?? 0;
        expect(takeFromBucket(state, rpm60burst10, 1, now + wait - 1).fits).toBe(false);
        now += wait;
      }
    }
    for (let i = 0; i < admittedAt.length; i++) {
      const start = admittedAt[i] ?? 0;
      const inWindow = admittedAt.filter((t) => t >= start && t <= start + 60_000).length;
      expect(inWindow).toBeLessThanOrEqual(70);
    }
    // And it is not stingy either: the burst plus 60 a minute for five minutes (the last one falls on the end).
    expect(admittedAt.length).toBeGreaterThanOrEqual(10 + 299);
  });

  it('charges a token cost, refuses forever what exceeds the capacity', () => {
    const tpm = { perMinute: 6_000, capacity: 6_000 };
    const first = takeFromBucket(null, tpm, 4_000, 0);
    expect(first.fits).toBe(true);
    expect(bucketRemaining(first.state)).toBe(2_000);
    // 3 000 needed, 2 000 there: 1 000 tokens at 100 a second = 10 s.
    expect(takeFromBucket(first.state, tpm, 3_000, 0).retryAfterMs).toBe(10_000);
    expect(takeFromBucket(first.state, tpm, 3_000, 10_000).fits).toBe(true);
    expect(takeFromBucket(null, tpm, 6_001, 0)).toMatchObject({ fits: false, retryAfterMs: null });
  });

  it('rounds a fractional wait up to the next millisecond', () => {
    const odd = { perMinute: 7, capacity: 1 };
    const empty = takeFromBucket(null, odd, 1, 0).state;
    const wait = takeFromBucket(empty, odd, 1, 0).retryAfterMs ?? 0;
    expect(wait).toBe(Math.ceil(60_000 / 7));
    expect(takeFromBucket(empty, odd, 1, wait - 1).fits).toBe(false);
    expect(takeFromBucket(empty, odd, 1, wait).fits).toBe(true);
  });

  it('reports the time until full', () => {
    const state = takeFromBucket(null, rpm60burst10, 3, 0).state;
    expect(bucketResetMs(state, rpm60burst10)).toBe(3_000);
    expect(bucketResetMs({ level: 10 * BUCKET_SCALE, at: 0 }, rpm60burst10)).toBe(0);
  });

  it('settles: gives back unused units up to capacity, or goes into debt', () => {
    const tpm = { perMinute: 600, capacity: 1_000 };
    const reserved = takeFromBucket(null, tpm, 800, 0).state;
    expect(bucketRemaining(adjustBucket(reserved, tpm, 500, 0))).toBe(700);
    expect(bucketRemaining(adjustBucket(reserved, tpm, 5_000, 0))).toBe(1_000);
    const debt = adjustBucket(reserved, tpm, -700, 0);
    expect(debt.level).toBe(-500 * BUCKET_SCALE);
    expect(bucketRemaining(debt)).toBe(0);
    // 500 tokens of debt plus 100 to spend, at 10 a second.
    expect(takeFromBucket(debt, tpm, 100, 0).retryAfterMs).toBe(60_000);
  });

  it('does not refill when the clock goes back', () => {
    const state = takeFromBucket(null, rpm60burst10, 10, 5_000).state;
    expect(takeFromBucket(state, rpm60burst10, 1, 1_000)).toMatchObject({ fits: false, retryAfterMs: 1_000 });
  });

  it('sizes a bucket by the burst, or one minute when there is none', () => {
    expect(bucketCapacity(60, 10)).toBe(10);
    expect(bucketCapacity(60, null)).toBe(60);
    expect(bucketCapacity(60, 0)).toBe(1);
  });
});
