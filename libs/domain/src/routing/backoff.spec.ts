import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it('stays within [0, base · 2^retry) and under the cap', () => {
    for (let retry = 0; retry < 12; retry++) {
      const ceiling = Math.min(1_000, 100 * 2 ** retry);
      for (const u of [0, 0.25, 0.5, 0.999999]) {
        const delay = backoffDelayMs(retry, options, () => u);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('spreads over the whole window (full jitter)', () => {
    expect(backoffDelayMs(2, options, () => 0)).toBe(0);
    expect(backoffDelayMs(2, options, () => 0.5)).toBe(200);
    expect(backoffDelayMs(2, options, () => 0.999)).toBe(399);
  });

  it('survives huge retry counts and out-of-range random values', () => {
    expect(backoffDelayMs(5_000, options, () => 0.5)).toBe(500);
    expect(backoffDelayMs(1, options, () => 1)).toBeLessThan(200);
    expect(backoffDelayMs(1, options, () => Number.NaN)).toBe(0);
    expect(backoffDelayMs(-3, options, () => 0.5)).toBe(50);
  });
});
