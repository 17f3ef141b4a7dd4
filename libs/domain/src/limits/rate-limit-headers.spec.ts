import { formatResetDuration, rateLimitHeaders, retryAfterHeaders } from './rate-limit-headers';

describe('formatResetDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [999.2, '1s'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [61_001, '1m2s'],
    [3_723_000, '1h2m3s'],
    [-5, '0ms'],
  ])('%p ms → %p', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});

describe('rateLimitHeaders', () => {
  it('writes the headers of the limits that apply', () => {
    expect(
      rateLimitHeaders({
        requests: { limit: 60, remaining: 9, resetMs: 1_000 },
        tokens: { limit: 10_000, remaining: -3, resetMs: 250 },
      }),
    ).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '250ms',
    });
    expect(rateLimitHeaders({ requests: null })).toEqual({});
  });
});

describe('retryAfterHeaders', () => {
  it('rounds seconds up and keeps the exact milliseconds', () => {
    expect(retryAfterHeaders(1)).toEqual({ 'retry-after': '1', 'retry-after-ms': '1' });
    expect(retryAfterHeaders(1_000)).toEqual({ 'retry-after': '1', 'retry-after-ms': '1000' });
    expect(retryAfterHeaders(1_001)).toEqual({ 'retry-after': '2', 'retry-after-ms': '1001' });
  });
});
