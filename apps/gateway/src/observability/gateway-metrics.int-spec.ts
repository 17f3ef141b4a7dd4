import { Writable } from 'node:stream';
import { eventually } from '@gatehouse/testing';
import pino from 'pino';
import { GatewayHarness } from '../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../test/mock-upstream';

/** One sample line of the Prometheus text format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const [, name = '', pairs = '', value = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, label = '', labelValue = ''] of pairs.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label] = labelValue;
    }
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name)
    .filter((sample) => Object.entries(labels).every(([label, value]) => sample.labels[label] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

const PROMPT = 'A prompt the logs must never show: violet-harbour-42.';

describe('the gateway metrics and request log', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let failing: RunningMock;
  let thinking: RunningMock;
  let apiKey: string;
  let tenantId: string;
  const logLines: Record<string, unknown>[] = [];

  async function scrape(): Promise<Sample[]> {
    const response = await fetch(gateway.metricsUrl);
    expect(response.status).toBe(200);
    return parseSamples(await response.text());
  }

  function chat(requestId: string, body: object, key = apiKey): Promise<Response> {
    return fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ model: 'demo-chat', messages: [{ role: 'user', content: PROMPT }], ...body }),
    });
  }

  beforeAll(async () => {
    const lines = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    [gateway, mock, failing, thinking] = await Promise.all([
      GatewayHarness.start('gateway-metrics', {
        env: { GATEWAY_METRICS_TENANT_LABELS: 'true' },
        requestLogger: pino({ level: 'info' }, lines),
      }),
      startMockProvider(),
      startMockProvider({ MOCK_STATUS: '500' }),
      // Sends its headers at once and its first token 300 ms later, as a model that takes time to start does.
      startMockProvider({ MOCK_FIRST_CHUNK_DELAY_MS: '300' }),
    ]);
    await gateway.useMockProvider(mock.url);
    await gateway.routeModel('demo-failing', [{ type: 'OPENAI_COMPATIBLE', baseUrl: failing.url }]);
    await gateway.routeModel('demo-thinking', [{ type: 'OPENAI_COMPATIBLE', baseUrl: thinking.url }]);
    tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: { rpm: 10_000, monthlyTokens: 100_000_000 } });
    apiKey = (await gateway.key(tenantId)).key;
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([mock?.close(), failing?.close(), thinking?.close()]);
  });

  it('counts answered, streamed, failed and refused calls under their labels', async () => {
    expect((await chat('metrics-plain', {})).status).toBe(200);
    const streamed = await chat('metrics-streamed', { stream: true, stream_options: { include_usage: true } });
    expect(streamed.status).toBe(200);
    await streamed.text();
    const failed = await chat('metrics-failed', { model: 'demo-failing' });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect((await chat('metrics-refused', {}, 'gh_test_not-a-key')).status).toBe(401);
    // The end-of-request step runs after the response closes.
    await eventually(async () => total(await scrape(), 'gatehouse_requests_total') === 4);

    const samples = await scrape();
    const route = '/v1/chat/completions';
    const tenant = tenantId;
    expect(total(samples, 'gatehouse_requests_total', { route, model: 'demo-chat', status_class: '2xx', tenant })).toBe(
      2,
    );
    expect(
      total(samples, 'gatehouse_requests_total', { route, model: 'demo-failing', status_class: '5xx', tenant }),
    ).toBe(1);
    expect(
      total(samples, 'gatehouse_requests_total', { route, model: 'other', status_class: '4xx', tenant: 'none' }),
    ).toBe(1);

    const chatLabels = {
      gen_ai_request_model: 'demo-chat',
      gen_ai_provider_name: 'mock',
      gen_ai_operation_name: 'chat',
    };
    expect(total(samples, 'gen_ai_server_request_duration_seconds_count', chatLabels)).toBe(2);
    expect(total(samples, 'gen_ai_server_time_to_first_token_seconds_count', chatLabels)).toBe(1);
    expect(total(samples, 'gen_ai_client_token_usage_count', { ...chatLabels, gen_ai_token_type: 'input' })).toBe(2);
    expect(total(samples, 'gen_ai_client_token_usage_count', { ...chatLabels, gen_ai_token_type: 'output' })).toBe(2);
    expect(
      total(samples, 'gen_ai_client_token_usage_sum', { ...chatLabels, gen_ai_token_type: 'output' }),
    ).toBeGreaterThan(0);
    expect(total(samples, 'gatehouse_cost_usd_total', { gen_ai_request_model: 'demo-chat', tenant })).toBeGreaterThan(
      0,
    );

    // The failing upstream answered 500 twice (a retry on its one target), and its breaker is still closed.
    expect(total(samples, 'gatehouse_upstream_errors_total', { reason: 'status_5xx' })).toBe(2);
    expect(total(samples, 'gatehouse_upstream_retries_total')).toBe(1);
    expect(samples.filter((sample) => sample.name === 'gatehouse_upstream_circuit_state')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { gen_ai_provider_name: 'mock', upstream_model: 'mock-chat' }, value: 0 }),
      ]),
    );

    // The refused key never reached the limits or the cache.
    expect(total(samples, 'gatehouse_limit_decisions_total', { decision: 'admitted' })).toBe(3);
    expect(total(samples, 'gatehouse_limit_decisions_total', { decision: 'refused' })).toBe(0);
    expect(total(samples, 'gatehouse_cache_requests_total', { result: 'miss' })).toBe(3);
    expect(total(samples, 'gatehouse_usage_spool_events')).toBe(0);
    expect(total(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('writes one line per request, naming it without its prompt or key', async () => {
    const ofRequest = (requestId: string) => logLines.filter((line) => line.requestId === requestId);
    await eventually(() => ofRequest('metrics-refused').length > 0);
    expect(ofRequest('metrics-refused')).toHaveLength(1);
    for (const requestId of ['metrics-plain', 'metrics-streamed', 'metrics-failed']) {
      expect(ofRequest(requestId)).toHaveLength(1);
    }
    expect(ofRequest('metrics-streamed')[0]).toMatchObject({
      msg: 'request',
      tenantId,
      keyPrefix: apiKey.slice(0, 12),
      model: 'demo-chat',
      endpoint: 'chat.completions',
      route: '/v1/chat/completions',
      status: 200,
      errorCode: null,
      streamed: true,
      inputTokens: expect.any(Number),
      outputTokens: expect.any(Number),
      costUsd: expect.any(Number),
      latencyMs: expect.any(Number),
      ttfbMs: expect.any(Number),
      ttftMs: expect.any(Number),
      decisions: [],
    });
    expect(ofRequest('metrics-refused')[0]).toMatchObject({
      status: 401,
      errorCode: 'invalid_api_key',
      tenantId: null,
    });
    const written = JSON.stringify(logLines);
    expect(written).not.toContain('violet-harbour-42');
    expect(written).not.toContain(apiKey);
  });

  it('times the first token of a stream, not the upstream headers that came before it', async () => {
    const streamed = await chat('metrics-thinking', { model: 'demo-thinking', stream: true });
    expect(streamed.status).toBe(200);
    await streamed.text();
    await eventually(() => logLines.some((line) => line.requestId === 'metrics-thinking'));
    const line = logLines.find((entry) => entry.requestId === 'metrics-thinking') as { ttfbMs: number; ttftMs: number };
    expect(line.ttfbMs).toBeLessThan(300);
    expect(line.ttftMs).toBeGreaterThanOrEqual(300);

    const thinkingLabels = { gen_ai_request_model: 'demo-thinking', gen_ai_operation_name: 'chat' };
    const samples = await scrape();
    expect(total(samples, 'gen_ai_server_time_to_first_token_seconds_count', thinkingLabels)).toBe(1);
    expect(total(samples, 'gen_ai_server_time_to_first_token_seconds_sum', thinkingLabels)).toBeGreaterThanOrEqual(0.3);
    // Below the 0.25 s bucket the first token had not come yet.
    expect(total(samples, 'gen_ai_server_time_to_first_token_seconds_bucket', { ...thinkingLabels, le: '0.25' })).toBe(
      0,
    );
  });

  it('serves no metrics on the public port, and logs that request as unmatched', async () => {
    const response = await fetch(`${gateway.url}/metrics`, { headers: { 'x-request-id': 'metrics-public' } });
    expect(response.status).toBe(404);
    await eventually(() => logLines.some((line) => line.requestId === 'metrics-public'));
    expect(logLines.filter((line) => line.requestId === 'metrics-public')).toEqual([
      expect.objectContaining({ msg: 'request', route: 'unmatched', status: 404, latencyMs: expect.any(Number) }),
    ]);
  });

  it('adds no series for 10,000 requests to random paths', async () => {
    const paths = (nonce: string) => [`/${nonce}`, `/v1/${nonce}/x`, `/apis/${nonce}/${nonce}`, `/metrics/${nonce}`];
    // A first request of each kind makes the series such requests share (`unmatched`, `/apis/:slug/*`).
    await Promise.all(paths('warm-up').map((path) => fetch(`${gateway.url}${path}`).then((r) => r.text())));
    await eventually(async () => total(await scrape(), 'gatehouse_requests_total', { route: '/apis/:slug/*' }) === 1);
    const before = await scrape();

    let next = 0;
    const worker = async () => {
      while (next < 10_000) {
        const index = next++;
        const nonce = `${index}-${Math.random().toString(36).slice(2)}`;
        const path = paths(nonce)[index % 4];
        await (await fetch(`${gateway.url}${path}`, { method: index % 3 === 0 ? 'POST' : 'GET' })).text();
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    const expected = total(before, 'gatehouse_requests_total') + 10_000;
    await eventually(async () => total(await scrape(), 'gatehouse_requests_total') === expected);

    const after = await scrape();
    expect(total(after, 'gatehouse_requests_total')).toBe(expected);
    // The request metrics only: the process's own (GC kinds, handles) come and go with time, not with paths.
    const series = (samples: Sample[]) =>
      samples
        .filter((sample) => /^(gatehouse|gen_ai)_/.test(sample.name))
        .map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`);
    expect(series(after).sort()).toEqual(series(before).sort());
  }, 120_000);
});
