import { costMicros, MAX_EXACT_MICROS, microsToUsd, usdToMicros, worstCaseCostMicros } from './pricing';

describe('usdToMicros', () => {
  it.each([
    ['0', 0n],
    ['25', 25_000_000n],
    ['12.50', 12_500_000n],
    ['0.000001', 1n],
    ['999999999999.999999', 999_999_999_999_999_999n],
    [' 3.1 ', 3_100_000n],
  ])('%p → %p µUSD', (usd, micros) => {
    expect(usdToMicros(usd)).toBe(micros);
  });

  it.each(['', '-1', '1e3', '1,5', '.5', '0.0000001', 'abc'])('refuses %p', (usd) => {
    expect(() => usdToMicros(usd)).toThrow(RangeError);
  });
});

describe('microsToUsd', () => {
  it.each([
    [0n, '0'],
    [1n, '0.000001'],
    [12_500_000n, '12.5'],
    [25_000_000n, '25'],
    [-1_500_000n, '-1.5'],
  ])('%p µUSD → %p', (micros, usd) => {
    expect(microsToUsd(micros)).toBe(usd);
  });

  it('round-trips with usdToMicros', () => {
    for (const usd of ['0.1', '7', '123456.654321', '0.000009']) expect(microsToUsd(usdToMicros(usd))).toBe(usd);
  });
});

describe('costMicros', () => {
  const price = { inputPer1M: '2.5', outputPer1M: '10' };

  it('prices a token at the per-1M price in micro-USD', () => {
    // 1000 × 2.5 + 500 × 10 = 7500 µUSD
    expect(costMicros(price, { inputTokens: 1000, outputTokens: 500 })).toBe(7_500n);
  });

  it('rounds the exact total up once, not each part', () => {
    const cheap = { inputPer1M: '0.15', outputPer1M: '0.6' };
    // 3 × 0.15 + 1 × 0.6 = 1.05 µUSD → 2
    expect(costMicros(cheap, { inputTokens: 3, outputTokens: 1 })).toBe(2n);
    // 2 × 0.15 + 1 × 0.6 = 0.9 (each part alone would round to 1 + 1)
    expect(costMicros(cheap, { inputTokens: 2, outputTokens: 1 })).toBe(1n);
    expect(costMicros(cheap, { inputTokens: 0, outputTokens: 0 })).toBe(0n);
  });

  it('uses nine-decimal prices exactly, with no float drift', () => {
    const fine = { inputPer1M: '0.000000001', outputPer1M: '0.100000000' };
    expect(costMicros(fine, { inputTokens: 1_000_000_000, outputTokens: 0 })).toBe(1n);
    expect(costMicros(fine, { inputTokens: 1, outputTokens: 0 })).toBe(1n);
    // 0.1 + 0.2 in floats is 0.30000000000000004; here 3 × 0.1 is exactly 0.3 → 1.
    expect(costMicros(fine, { inputTokens: 0, outputTokens: 3 })).toBe(1n);
    expect(costMicros(fine, { inputTokens: 0, outputTokens: 30 })).toBe(3n);
  });

  it('charges cached input tokens at the cached price, and at the input price when there is none', () => {
    const withCache = { ...price, cachedInputPer1M: '1.25' };
    // 800 × 2.5 + 200 × 1.25 + 0 = 2250
    expect(costMicros(withCache, { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 200 })).toBe(2_250n);
    expect(
      costMicros({ ...price, cachedInputPer1M: null }, { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 200 }),
    ).toBe(2_500n);
  });

  it('handles month-sized counts beyond 2^53 µUSD without losing a digit', () => {
    const dear = { inputPer1M: '60', outputPer1M: '120' };
    const cost = costMicros(dear, { inputTokens: 9_000_000_000_000, outputTokens: 9_000_000_000_000 });
    expect(cost).toBe(1_620_000_000_000_000n);
    expect(cost > MAX_EXACT_MICROS).toBe(false);
  });

  it('refuses bad counts and prices', () => {
    expect(() => costMicros(price, { inputTokens: -1, outputTokens: 0 })).toThrow(RangeError);
    expect(() => costMicros(price, { inputTokens: 1.5, outputTokens: 0 })).toThrow(RangeError);
    expect(() => costMicros(price, { inputTokens: 1, outputTokens: 0, cachedInputTokens: 2 })).toThrow(RangeError);
    expect(() => costMicros({ inputPer1M: '-1', outputPer1M: '1' }, { inputTokens: 1, outputTokens: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('worstCaseCostMicros', () => {
  it('prices the input and the whole output allowance', () => {
    expect(worstCaseCostMicros({ inputPer1M: '2.5', outputPer1M: '10' }, 1000, 1000)).toBe(12_500n);
  });

  it('assumes the dearer of input and cached-input prices', () => {
    const odd = { inputPer1M: '1', outputPer1M: '1', cachedInputPer1M: '3' };
    expect(worstCaseCostMicros(odd, 100, 0)).toBe(300n);
    expect(worstCaseCostMicros({ ...odd, cachedInputPer1M: '0.5' }, 100, 0)).toBe(100n);
  });
});
