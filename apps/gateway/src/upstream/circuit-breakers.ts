import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState, type Clock } from '@gatehouse/domain';
import { type UpstreamTarget } from './upstream.types';

/**
 * The breakers of this gateway instance, one per target (provider + upstream model: one model of a provider
 * can be down while its others work). Per instance, not in Redis: each gateway learns an outage from its own
 * traffic within `failureThreshold` requests, and a shared breaker would add a Redis round trip to every call.
 */
export class CircuitBreakers {
  /** By provider, then upstream model: two lookups by the strings the target already holds, no key to build. */
  private readonly breakers = new Map<string, Map<string, CircuitBreaker>>();

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock = Date.now,
  ) {}

  for(target: Pick<UpstreamTarget, 'providerId' | 'upstreamModel'>): CircuitBreaker {
    let ofProvider = this.breakers.get(target.providerId);
    if (ofProvider === undefined) {
      ofProvider = new Map();
      this.breakers.set(target.providerId, ofProvider);
    }
    let breaker = ofProvider.get(target.upstreamModel);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(this.options, this.clock);
      ofProvider.set(target.upstreamModel, breaker);
    }
    return breaker;
  }

  /** Every breaker's target and state now (for the circuit state gauge, read at scrape time). */
  *states(): Iterable<{ providerId: string; upstreamModel: string; state: CircuitState }> {
    for (const [providerId, ofProvider] of this.breakers) {
      for (const [upstreamModel, breaker] of ofProvider) yield { providerId, upstreamModel, state: breaker.state };
    }
  }
}
