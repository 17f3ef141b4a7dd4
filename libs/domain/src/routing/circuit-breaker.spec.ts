import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now: number;
  const clock = () => now;
  const make = () => new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000 }, clock);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('opens after N consecutive failures, not before', () => {
    const breaker = make();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('counts consecutive failures only: a success resets the count', () => {
    const breaker = make();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one probe through after the cool-down, and closes when it succeeds', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    now += 9_999;
    expect(breaker.tryAcquire()).toBe(false);
    now += 1;
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('opens again for a full cool-down when the probe fails', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    now += 10_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    now += 9_999;
    expect(breaker.tryAcquire()).toBe(false);
    now += 1;
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('frees the probe slot on release without deciding anything', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    now += 10_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('does not extend the cool-down for stragglers that fail while open', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    now += 6_000;
    breaker.recordFailure();
    now += 4_000;
    expect(breaker.state).toBe('half-open');
  });

  it('rejects nonsense options', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, cooldownMs: 1 })).toThrow();
    expect(() => new CircuitBreaker({ failureThreshold: 1, cooldownMs: -1 })).toThrow();
  });
});
