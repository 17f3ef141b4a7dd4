import { parseRetryAfterMs, parseRetryAfterMsHeader } from './retry-after';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('0', now)).toBe(0);
    expect(parseRetryAfterMs('2', now)).toBe(2_000);
    expect(parseRetryAfterMs(' 30 ', now)).toBe(30_000);
    expect(parseRetryAfterMs(['1', '9'], now)).toBe(1_000);
  });

  it('reads an HTTP-date against now, and a past date as 0', () => {
    expect(parseRetryAfterMs('Sun, 01 Mar 2026 12:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfterMs('Sun, 01 Mar 2026 11:59:00 GMT', now)).toBe(0);
  });

  it.each([undefined, null, '', '-1', '1.5', 'soon', '2026-03-01', '99999999999999999999'])('rejects %p', (value) => {
    expect(parseRetryAfterMs(value, now)).toBeNull();
  });
});

describe('parseRetryAfterMsHeader', () => {
  it('reads milliseconds, rounding up, and rejects garbage', () => {
    expect(parseRetryAfterMsHeader('250')).toBe(250);
    expect(parseRetryAfterMsHeader('12.2')).toBe(13);
    expect(parseRetryAfterMsHeader('-5')).toBeNull();
    expect(parseRetryAfterMsHeader(undefined)).toBeNull();
  });
});
