import { CircuitBreaker, type CircuitBreakerOptions, type Clock } from '@gatehouse/domain';
import { type UpstreamTarget } from './upstream.types';

/**
 * The breakers of this gateway instance, one per target (provider + upstream model: one model of a provider
 * can be down while its others work). Per instance, not in Redis: each gateway learns an outage from its own
 * traffic within `failureThreshold` requests, and a shared breaker would add a Redis round trip to every call.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock = Date.now,
  ) {}

  for(target: Pick<UpstreamTarget, 'providerId' | 'upstreamModel'>): CircuitBreaker {
    const key = `${target.providerId}\u0000${target.upstreamModel}`;
    let breaker = this.breakers.get(key);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(this.options, this.clock);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }
}
