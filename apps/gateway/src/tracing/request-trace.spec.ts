import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { RequestTrace, type TracedOutcome } from './request-trace';

const target = { providerId: 'provider-1', upstreamModel: 'gpt-4o-mini', weight: 1, priority: 0 };
const openai = { id: 'provider-1', name: 'OpenAI production', type: 'OPENAI' as const };

const outcome: TracedOutcome = {
  statusCode: 200,
  tenantId: 'tenant-1',
  errorCode: null,
  endpoint: 'chat.completions',
  upstreamModel: 'gpt-4o-mini',
  usage: { inputTokens: 12, outputTokens: 34, cachedTokens: 0, source: 'upstream' },
};

describe('RequestTrace', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const propagator = new W3CTraceContextPropagator();
  const newTrace = () => new RequestTrace(provider.getTracer('test'), propagator, ROOT_CONTEXT, 'request-1');
  const named = (name: string) => exporter.getFinishedSpans().find((span) => span.name === name) as ReadableSpan;

  beforeEach(() => exporter.reset());
  afterAll(() => provider.shutdown());

  it('ends each stage as the next starts, under the request span, and the request with its GenAI attributes', () => {
    const trace = newTrace();
    trace.modelCall('chat.completions', 'fast-chat');
    trace.stage('authenticate');
    trace.stage('entitle');
    trace.leave();
    trace.end(outcome);

    const root = named('chat fast-chat');
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.attributes).toEqual({
      'gatehouse.request_id': 'request-1',
      'gatehouse.tenant_id': 'tenant-1',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'fast-chat',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 34,
      'http.response.status_code': 200,
    });
    expect(exporter.getFinishedSpans().map((span) => span.name)).toEqual(['authenticate', 'entitle', 'chat fast-chat']);
    for (const stage of ['authenticate', 'entitle']) {
      expect(named(stage).parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    }
  });

  it('sends each attempt its own span as traceparent, a client span under the stage in progress', () => {
    const trace = newTrace();
    trace.modelCall('embeddings', 'embed');
    trace.stage('upstream');
    const attempt = trace.attemptStarted(target, openai);
    attempt.ended({ status: 503 });
    const retry = trace.attemptStarted(target, openai);
    retry.ended({ status: 200 });
    trace.end(outcome);

    const [first, second] = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(first?.name).toBe('embeddings gpt-4o-mini');
    expect(first?.parentSpanContext?.spanId).toBe(named('upstream').spanContext().spanId);
    expect(attempt.headers.traceparent).toBe(`00-${first?.spanContext().traceId}-${first?.spanContext().spanId}-01`);
    expect(retry.headers.traceparent).toBe(`00-${second?.spanContext().traceId}-${second?.spanContext().spanId}-01`);
    expect(first?.status).toEqual({ code: SpanStatusCode.ERROR, message: '503' });
    expect(second?.status.code).toBe(SpanStatusCode.UNSET);
    expect(second?.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
    });
    expect(named('embeddings embed').attributes['gen_ai.provider.name']).toBe('openai');
  });

  it('marks the stage left open by a failure, and the request, with the error code only', () => {
    const trace = newTrace();
    trace.stage('limits.admit');
    trace.leave('rate_limit_exceeded');
    trace.end({ ...outcome, statusCode: 429, errorCode: 'rate_limit_exceeded', endpoint: 'http', usage: null });

    expect(named('limits.admit').status).toEqual({ code: SpanStatusCode.ERROR, message: 'rate_limit_exceeded' });
    const root = named('http');
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'rate_limit_exceeded' });
    expect(root.attributes['error.type']).toBe('rate_limit_exceeded');
    expect(root.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(root.attributes['gen_ai.response.model']).toBeUndefined();
  });
});
