export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before it lets one probe through. */
  cooldownMs: number;
}

/** Milliseconds since some fixed point; `Date.now` in production, a hand-moved clock in tests. */
export type Clock = () => number;

/**
 * One target's circuit breaker: closed → open after `failureThreshold` consecutive failures → half-open once
 * `cooldownMs` has passed, letting exactly one probe through → closed when the probe succeeds, open again (a new
 * cool-down) when it fails. While the probe is in flight every other call is refused, so a recovering upstream
 * sees one request, not the whole backlog.
 *
 * Usage: `tryAcquire()` before the call (false = skip this target), then exactly one of `recordSuccess()`,
 * `recordFailure()` or `release()` (the call ended without telling anything about the upstream, e.g. the client
 * went away). Not thread-safe by design: JavaScript runs it on one thread.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private probeInFlight = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock = Date.now,
  ) {
    if (!(options.failureThreshold >= 1)) throw new Error('failureThreshold must be at least 1');
    if (!(options.cooldownMs >= 0)) throw new Error('cooldownMs must not be negative');
  }

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.clock() - this.openedAt >= this.options.cooldownMs ? 'half-open' : 'open';
  }

  /** True when a call may go to this target now; in half-open, true for the single probe only. */
  tryAcquire(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half-open':
        if (this.probeInFlight) return false;
        this.probeInFlight = true;
        return true;
    }
  }

  recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAt = null;
    this.probeInFlight = false;
  }

  recordFailure(): void {
    if (this.openedAt !== null) {
      // A failed probe starts a fresh cool-down. A straggler that was sent before the circuit opened tells
      // nothing new, and must not keep extending the cool-down.
      if (this.probeInFlight) this.openedAt = this.clock();
      this.probeInFlight = false;
      return;
    }
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.options.failureThreshold) this.openedAt = this.clock();
  }

  /** The acquired call ended without a verdict on the upstream; frees the probe slot, changes nothing else. */
  release(): void {
    this.probeInFlight = false;
  }
}
