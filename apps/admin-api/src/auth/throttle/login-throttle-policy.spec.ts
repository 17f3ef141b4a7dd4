import { throttleIdentities, throttleVerdict } from './login-throttle-policy';

describe('throttleVerdict', () => {
  it('allows while every window is within its limit, the limit itself included', () => {
    expect(
      throttleVerdict([
        { count: 5, ttlMs: 1_000, limit: 5 },
        { count: 1, ttlMs: 1_000, limit: 50 },
      ]),
    ).toEqual({ allowed: true });
  });

  it('refuses once a window is over its limit, until that window resets', () => {
    expect(
      throttleVerdict([
        { count: 6, ttlMs: 61_500, limit: 5 },
        { count: 6, ttlMs: 900_000, limit: 50 },
      ]),
    ).toEqual({ allowed: false, retryAfterSeconds: 62 });
  });

  it('waits for the last exceeded window when several are full', () => {
    expect(
      throttleVerdict([
        { count: 6, ttlMs: 10_000, limit: 5 },
        { count: 51, ttlMs: 300_000, limit: 50 },
      ]),
    ).toEqual({ allowed: false, retryAfterSeconds: 300 });
  });

  it('never asks to retry after less than one second', () => {
    expect(throttleVerdict([{ count: 9, ttlMs: 0, limit: 5 }])).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});

describe('throttleIdentities', () => {
  it('counts an email the same in any case and spacing, and does not contain it', () => {
    const a = throttleIdentities('Ada@Example.com ', '10.0.0.1');
    const b = throttleIdentities('ada@example.com', '10.0.0.1');
    expect(a).toEqual(b);
    expect(a.emailAndIp).not.toContain('example.com');
    expect(a.emailAndIp.endsWith(':10.0.0.1')).toBe(true);
  });

  it('separates the same email from different addresses', () => {
    expect(throttleIdentities('ada@example.com', '10.0.0.1').emailAndIp).not.toBe(
      throttleIdentities('ada@example.com', '10.0.0.2').emailAndIp,
    );
  });

  it('groups callers without a known address together', () => {
    expect(throttleIdentities('ada@example.com', null).ip).toBe('unknown');
  });
});
