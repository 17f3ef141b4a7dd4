import { type KeySnapshot } from '@gatehouse/contracts';
import { RequestContext, type RequestEntitlement } from '../pipeline/request-context';
import { type UpstreamPools } from '../upstream/upstream-pools';
import { type UsageRecorder } from '../usage/usage-recorder';
import { GatewayMetrics } from './gateway-metrics';
import { RequestMetrics } from './request-metrics';

const pools = {
  provider: (id: string) => (id === 'provider-1' ? { id, name: 'openai-main', type: 'OPENAI' } : undefined),
} as unknown as UpstreamPools;
const recorder = { spooled: 7 } as UsageRecorder;

function requestOf(tenantId: string | null, init: (context: RequestContext) => void = () => undefined) {
  const context = new RequestContext('request', 0, '127.0.0.1', '/v1/chat/completions');
  context.endpoint = 'chat.completions';
  if (tenantId !== null) context.key = { tenantId } as KeySnapshot;
  init(context);
  return context;
}

const end = { status: 200, endedAt: 250, costUsd: 0 };

async function series(metrics: GatewayMetrics, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

describe('RequestMetrics', () => {
  it('gives the first tenants their own label and every later one `other`, when tenant labels are on', async () => {
    const metrics = new GatewayMetrics({ tenantLabels: true, maxTenants: 2 });
    const recording = new RequestMetrics(metrics, pools, recorder);
    for (const tenant of ['t1', 't2', 't3', 't4', 't1', null]) recording.record(requestOf(tenant), end);

    expect(await series(metrics, 'gatehouse_requests_total')).toEqual(
      [
        ['t1', 2],
        ['t2', 1],
        ['other', 2],
        ['none', 1],
      ].map(([tenant, value]) => ({
        labels: { route: '/v1/chat/completions', model: 'other', status_class: '2xx', tenant },
        value,
      })),
    );
  });

  it('has no tenant label at all when tenant labels are off', async () => {
    const metrics = new GatewayMetrics({ tenantLabels: false, maxTenants: 100 });
    new RequestMetrics(metrics, pools, recorder).record(requestOf('t1'), { ...end, status: 503 });
    expect(await series(metrics, 'gatehouse_requests_total')).toEqual([
      { labels: { route: '/v1/chat/completions', model: 'other', status_class: '5xx' }, value: 1 },
    ]);
  });

  it('labels by catalog model and configured provider name, and a provider no longer configured as `other`', async () => {
    const metrics = new GatewayMetrics({ tenantLabels: false, maxTenants: 100 });
    const recording = new RequestMetrics(metrics, pools, recorder);
    const entitlement = { model: 'demo-chat' } as RequestEntitlement;
    const usage = { inputTokens: 10, outputTokens: 20, cachedTokens: 0, source: 'upstream' as const };
    for (const providerId of ['provider-1', 'removed-provider']) {
      recording.record(
        requestOf('t1', (context) => {
          context.entitlement = entitlement;
          context.route = { providerId, upstreamModel: 'gpt' };
          context.usage = usage;
        }),
        { ...end, costUsd: 0.25 },
      );
    }
    const labels = (provider: string) => ({
      gen_ai_request_model: 'demo-chat',
      gen_ai_provider_name: provider,
      gen_ai_operation_name: 'chat',
    });
    const durations = (await series(metrics, 'gen_ai_server_request_duration_seconds')).filter(
      (sample) => sample.labels.le === 0.32,
    );
    expect(durations).toEqual([
      { labels: { ...labels('openai-main'), le: 0.32 }, value: 1 },
      { labels: { ...labels('other'), le: 0.32 }, value: 1 },
    ]);
    expect(await series(metrics, 'gatehouse_cost_usd_total')).toEqual([
      { labels: { gen_ai_request_model: 'demo-chat', gen_ai_provider_name: 'openai-main' }, value: 0.25 },
      { labels: { gen_ai_request_model: 'demo-chat', gen_ai_provider_name: 'other' }, value: 0.25 },
    ]);
  });

  it('counts limit, policy and cache decisions by their code-defined names', async () => {
    const metrics = new GatewayMetrics({ tenantLabels: false, maxTenants: 100 });
    const recording = new RequestMetrics(metrics, pools, recorder);
    recording.record(
      requestOf('t1', (context) => {
        context.limitDecision = 'admitted';
        context.limitsMonitored = ['subscription.rpm'];
        context.cacheResult = 'miss';
        context.policyFired.push('pii.input=redact:3', 'access.hours=monitor');
      }),
      end,
    );
    recording.record(
      requestOf('t1', (context) => {
        context.limitDecision = 'refused';
        context.failed('rate_limit_exceeded');
      }),
      { ...end, status: 429 },
    );
    expect(await series(metrics, 'gatehouse_limit_decisions_total')).toEqual([
      { labels: { decision: 'admitted', code: 'none' }, value: 1 },
      { labels: { decision: 'monitored', code: 'subscription.rpm' }, value: 1 },
      { labels: { decision: 'refused', code: 'rate_limit_exceeded' }, value: 1 },
    ]);
    expect(await series(metrics, 'gatehouse_policy_decisions_total')).toEqual([
      { labels: { rule: 'pii.input', action: 'redact' }, value: 1 },
      { labels: { rule: 'access.hours', action: 'monitor' }, value: 1 },
    ]);
    expect(await series(metrics, 'gatehouse_cache_requests_total')).toEqual([{ labels: { result: 'miss' }, value: 1 }]);
  });

  it('counts an unrouted answer under its route pattern, or `unmatched`, never the path', async () => {
    const metrics = new GatewayMetrics({ tenantLabels: false, maxTenants: 100 });
    const recording = new RequestMetrics(metrics, pools, recorder);
    recording.recordUnrouted('unmatched', 404);
    recording.recordUnrouted('unmatched', 404);
    expect(await series(metrics, 'gatehouse_requests_total')).toEqual([
      { labels: { route: 'unmatched', model: 'other', status_class: '4xx' }, value: 2 },
    ]);
    expect(await series(metrics, 'gatehouse_usage_spool_events')).toEqual([{ labels: {}, value: 7 }]);
  });
});
