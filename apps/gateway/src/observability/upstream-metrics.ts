import { OTHER_LABEL, statusClass } from '@gatehouse/observability';
import { type CircuitBreakers } from '../upstream/circuit-breakers';
import { type UpstreamPools } from '../upstream/upstream-pools';
import { type UpstreamAttempt } from '../upstream/upstream.types';
import { type CircuitReading, type GatewayMetrics } from './gateway-metrics';

/** A provider's configured name, the label its metrics carry; `other` for one no longer configured. */
export function providerLabel(pools: UpstreamPools, providerId: string): string {
  return pools.provider(providerId)?.name ?? OTHER_LABEL;
}

/**
 * What one upstream call's attempts add to the metrics: an error per failed attempt (and per target skipped because
 * its circuit was open or its provider is gone), a retry per attempt after the first that was sent. The client
 * leaving is not the upstream's failure and counts as neither.
 */
export function upstreamAttemptsRecorder(
  metrics: GatewayMetrics,
  pools: UpstreamPools,
): (attempts: readonly UpstreamAttempt[]) => void {
  return (attempts) => {
    let sent = 0;
    for (const attempt of attempts) {
      const provider = providerLabel(pools, attempt.providerId);
      const reason = errorReason(attempt);
      if (reason !== null) metrics.upstreamErrors.of(provider, reason).inc();
      if (attempt.outcome === 'circuit_open' || attempt.outcome === 'not_configured') continue;
      sent += 1;
      if (sent > 1) metrics.upstreamRetries.of(provider).inc();
    }
  };
}

/** Why an attempt failed, as a label: `status_429`, `status_5xx`, `timeout`...; null when it did not fail. */
function errorReason(attempt: UpstreamAttempt): string | null {
  switch (attempt.outcome) {
    case 'success':
    case 'client_aborted':
      return null;
    case 'status':
      // 429 apart: the upstream's own rate limit is the one an operator acts on differently.
      return attempt.status === 429 ? 'status_429' : `status_${statusClass(attempt.status ?? 0)}`;
    default:
      return attempt.outcome;
  }
}

/** Every breaker of this gateway, by provider name and upstream model, for the circuit state gauge. */
export function circuitReadings(breakers: CircuitBreakers, pools: UpstreamPools): () => Iterable<CircuitReading> {
  return function* () {
    for (const { providerId, upstreamModel, state } of breakers.states()) {
      yield { provider: providerLabel(pools, providerId), upstreamModel, state };
    }
  };
}
