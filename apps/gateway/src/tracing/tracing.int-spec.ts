import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { GatewayHarness } from '../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../test/mock-upstream';
import { GatewayTracing } from './gateway-tracing';

/** A span as the OTLP/JSON export carries it, attributes flattened. */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: { code?: number };
  attributes: Record<string, string | number>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: {
      spans: (Omit<ExportedSpan, 'attributes' | 'parentSpanId'> & {
        parentSpanId?: string;
        attributes: { key: string; value: OtlpValue }[];
      })[];
    }[];
  }[];
}

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

/** A local OTLP/HTTP collector: every span posted to `/v1/traces` (JSON), and the services that sent them. */
async function startCollector(): Promise<{
  url: string;
  spans: ExportedSpan[];
  services: Set<string>;
  server: Server;
}> {
  const spans: ExportedSpan[] = [];
  const services = new Set<string>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/json') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
        for (const resourceSpans of body.resourceSpans) {
          const service = resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name');
          if (service?.value.stringValue !== undefined) services.add(service.value.stringValue);
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans) {
              spans.push({ ...span, parentSpanId: span.parentSpanId ?? '', attributes: flatten(span.attributes) });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, services, server };
}

function flatten(attributes: { key: string; value: OtlpValue }[]): Record<string, string | number> {
  const flat: Record<string, string | number> = {};
  for (const { key, value } of attributes) {
    flat[key] =
      value.stringValue ?? (value.intValue === undefined ? String(value.doubleValue) : Number(value.intValue));
  }
  return flat;
}

describe('OpenTelemetry traces of the gateway', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let failing: RunningMock;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let apiKey: string;
  let tenantId: string;

  function chat(requestId: string, body: object = {}, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...headers,
      },
      body: JSON.stringify({ model: 'demo-chat', messages: [{ role: 'user', content: 'say:traced' }], ...body }),
    });
  }

  /** The request's server span and every span of its trace, once its end step ran and the batch was sent. */
  async function traceOf(requestId: string): Promise<{ root: ExportedSpan; spans: ExportedSpan[] }> {
    await gateway.usageEventOf(requestId);
    await gateway.app.get(GatewayTracing).flush();
    const root = collector.spans.find((span) => span.attributes['gatehouse.request_id'] === requestId);
    if (root === undefined) throw new Error(`no span of request ${requestId} was exported`);
    return { root, spans: collector.spans.filter((span) => span.traceId === root.traceId) };
  }

  const childrenOf = (spans: ExportedSpan[], parent: ExportedSpan) =>
    spans.filter((span) => span.parentSpanId === parent.spanId);

  /** The upstream request headers each mock received, in order. */
  const upstreamHeaders = (upstream: RunningMock): IncomingHttpHeaders[] =>
    upstream.responses.map((response) => response.req.headers);

  beforeAll(async () => {
    collector = await startCollector();
    [gateway, mock, failing] = await Promise.all([
      GatewayHarness.start('gateway-tracing', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url } }),
      startMockProvider(),
      startMockProvider({ MOCK_STATUS: '500' }),
    ]);
    await gateway.useMockProvider(mock.url);
    await gateway.routeModel('demo-failing', [{ type: 'OPENAI_COMPATIBLE', baseUrl: failing.url }]);
    tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: { rpm: 10_000, monthlyTokens: 100_000_000 } });
    apiKey = (await gateway.key(tenantId)).key;
    gateway.watchUsage();
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([mock?.close(), failing?.close()]);
    collector?.server.close();
  });

  it("makes one trace per call under the caller's traceparent, a span per stage, and sends the attempt's upstream", async () => {
    const callerTraceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const upstreamCalls = mock.responses.length;
    const response = await chat('traced-chat', {}, { traceparent: `00-${callerTraceId}-${callerSpanId}-01` });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };

    const { root, spans } = await traceOf('traced-chat');
    expect(root).toMatchObject({ traceId: callerTraceId, parentSpanId: callerSpanId, kind: SERVER });
    expect(root.name).toBe('chat demo-chat');
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'demo-chat',
      'gen_ai.response.model': 'mock-chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.usage.input_tokens': answer.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': answer.usage.completion_tokens,
      'http.response.status_code': 200,
      'gatehouse.request_id': 'traced-chat',
      'gatehouse.tenant_id': tenantId,
    });
    expect(root.status.code).not.toBe(ERROR);
    expect(collector.services).toEqual(new Set(['gatehouse-gateway']));

    const stages = childrenOf(spans, root);
    expect(stages.map((span) => span.name)).toEqual([
      'authenticate',
      'entitle',
      'policy.input',
      'limits.admit',
      'cache.lookup',
      'route',
      'upstream',
      'policy.output',
      'cache.store',
      'limits.settle',
      'record',
    ]);
    const upstreamStage = stages.find((span) => span.name === 'upstream') as ExportedSpan;
    const [attempt, ...others] = childrenOf(spans, upstreamStage);
    expect(others).toEqual([]);
    expect(attempt).toMatchObject({ name: 'chat mock-chat', kind: CLIENT });
    expect(attempt?.attributes).toMatchObject({
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-chat',
      'http.response.status_code': 200,
    });
    expect(typeof attempt?.attributes['gatehouse.provider.id']).toBe('string');

    // The upstream got the attempt span's context: the caller's trace, the attempt as parent.
    const sent = upstreamHeaders(mock).slice(upstreamCalls);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.traceparent).toBe(`00-${callerTraceId}-${attempt?.spanId}-01`);
  });

  it('starts a trace of its own for a streamed call without a traceparent, with the counts of the stream', async () => {
    const response = await chat('traced-stream', { stream: true, stream_options: { include_usage: true } });
    expect(response.status).toBe(200);
    await response.text();
    const event = await gateway.usageEventOf('traced-stream');
    const { root, spans } = await traceOf('traced-stream');
    expect(root.parentSpanId).toBe('');
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': event?.inputTokens,
      'gen_ai.usage.output_tokens': event?.outputTokens,
      'http.response.status_code': 200,
    });
    expect(event?.outputTokens).toBeGreaterThan(0);
    expect(childrenOf(spans, root).map((span) => span.name)).toContain('upstream');
  });

  it('marks the request, its upstream stage and every failed attempt as errors when no upstream answers', async () => {
    const response = await chat('traced-failing', { model: 'demo-failing' });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const { root, spans } = await traceOf('traced-failing');
    expect(root.status.code).toBe(ERROR);
    expect(root.attributes['http.response.status_code']).toBe(response.status);
    const upstreamStage = childrenOf(spans, root).find((span) => span.name === 'upstream') as ExportedSpan;
    expect(upstreamStage.status.code).toBe(ERROR);
    const attempts = childrenOf(spans, upstreamStage);
    expect(attempts.length).toBeGreaterThan(1);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ kind: CLIENT, status: { code: ERROR } });
      expect(attempt.attributes['http.response.status_code']).toBe(500);
    }
    // Each attempt sent its own span's context.
    const sent = upstreamHeaders(failing).map((headers) => headers.traceparent);
    expect(sent.slice(-attempts.length)).toEqual(attempts.map((attempt) => `00-${root.traceId}-${attempt.spanId}-01`));
  });

  it('ends the trace of a refused call at the stage that refused, with its error code', async () => {
    const response = await chat('traced-refused', { model: 'no-such-model' });
    expect(response.status).toBe(404);
    const { root, spans } = await traceOf('traced-refused');
    expect(root.name).toBe('chat no-such-model');
    expect(root).toMatchObject({ status: { code: ERROR } });
    expect(root.attributes).toMatchObject({ 'error.type': 'model_not_found', 'http.response.status_code': 404 });
    const stages = childrenOf(spans, root);
    expect(stages.map((span) => [span.name, span.status.code === ERROR])).toEqual([
      ['authenticate', false],
      ['entitle', true],
      ['limits.settle', false],
      ['record', false],
    ]);
    expect(spans.some((span) => JSON.stringify(span.attributes).includes('say:traced'))).toBe(false);
  });
});
