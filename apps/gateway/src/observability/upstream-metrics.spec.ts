import { CircuitBreakers } from '../upstream/circuit-breakers';
import { type UpstreamPools } from '../upstream/upstream-pools';
import { type UpstreamAttempt } from '../upstream/upstream.types';
import { GatewayMetrics } from './gateway-metrics';
import { circuitReadings, upstreamAttemptsRecorder } from './upstream-metrics';

const pools = {
  provider: (id: string) => (id === 'p1' ? { id, name: 'primary' } : id === 'p2' ? { id, name: 'backup' } : undefined),
} as unknown as UpstreamPools;

const attempt = (providerId: string, outcome: UpstreamAttempt['outcome'], status?: number): UpstreamAttempt => ({
  providerId,
  upstreamModel: 'm',
  outcome,
  status,
  durationMs: 1,
});

async function values(metrics: GatewayMetrics, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels: { ...labels }, value }));
}

describe('the upstream metrics', () => {
  it('counts each failed attempt by reason and each attempt after the first sent as a retry', async () => {
    const metrics = new GatewayMetrics({ tenantLabels: false, maxTenants: 100 });
    const record = upstreamAttemptsRecorder(metrics, pools);
    record([
      attempt('p1', 'circuit_open'),
      attempt('p2', 'status', 429),
      attempt('p2', 'timeout'),
      attempt('gone', 'not_configured'),
      attempt('p2', 'status', 503),
      attempt('p2', 'success', 200),
    ]);
    record([attempt('p1', 'client_aborted')]);

    expect(await values(metrics, 'gatehouse_upstream_errors_total')).toEqual([
      { labels: { gen_ai_provider_name: 'primary', reason: 'circuit_open' }, value: 1 },
      { labels: { gen_ai_provider_name: 'backup', reason: 'status_429' }, value: 1 },
      { labels: { gen_ai_provider_name: 'backup', reason: 'timeout' }, value: 1 },
      { labels: { gen_ai_provider_name: 'other', reason: 'not_configured' }, value: 1 },
      { labels: { gen_ai_provider_name: 'backup', reason: 'status_5xx' }, value: 1 },
    ]);
    // Four attempts were sent in the first call (the skips are not attempts): three retries.
    expect(await values(metrics, 'gatehouse_upstream_retries_total')).toEqual([
      { labels: { gen_ai_provider_name: 'backup' }, value: 3 },
    ]);
  });

  it("reads each target's circuit at scrape time", async () => {
    const metrics = new GatewayMetrics({ tenantLabels: false, maxTenants: 100 });
    const breakers = new CircuitBreakers({ failureThreshold: 1, cooldownMs: 60_000 });
    metrics.watchCircuits(circuitReadings(breakers, pools));
    breakers.for({ providerId: 'p1', upstreamModel: 'a' }).recordFailure();
    breakers.for({ providerId: 'p2', upstreamModel: 'b' }).recordSuccess();
    expect(await values(metrics, 'gatehouse_upstream_circuit_state')).toEqual([
      { labels: { gen_ai_provider_name: 'primary', upstream_model: 'a' }, value: 2 },
      { labels: { gen_ai_provider_name: 'backup', upstream_model: 'b' }, value: 0 },
    ]);
  });
});
