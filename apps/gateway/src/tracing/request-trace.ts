import {
  type Attributes,
  type Context,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapPropagator,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { type LlmEndpoint } from '@gatehouse/domain';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';
import { type MeteredUsage } from '../pipeline/request-context';
import {
  type ObservedAttempt,
  type UpstreamAttemptObserver,
  type UpstreamProviderSummary,
  type UpstreamTarget,
} from '../upstream';

/** The GenAI semantic conventions' `gen_ai.operation.name` of each endpoint. */
const OPERATIONS: Record<LlmEndpoint, string> = {
  'chat.completions': 'chat',
  messages: 'chat',
  responses: 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
};

/** What the request span is told once the response is over. */
export interface TracedOutcome {
  statusCode: number;
  tenantId: string | null;
  errorCode: string | null;
  /** The endpoint's name (`chat.completions`, `models`, `http`...): the span's name when no model was called. */
  endpoint: string;
  upstreamModel: string | null;
  usage: MeteredUsage | null;
}

/**
 * One request's spans: a server span for the request, a child span per pipeline stage (one stage open at a time,
 * as the pipeline is a straight line), and a client span per upstream attempt under the stage that made it.
 * Only names, ids, models, counts and statuses go on spans: never a prompt, an answer, a header or a key.
 */
export class RequestTrace implements UpstreamAttemptObserver {
  private readonly span: Span;
  private readonly context: Context;
  private stageSpan: Span | null = null;
  private stageContext: Context | null = null;
  private operation: string | null = null;
  private requestModel: string | null = null;
  /** The provider of the last attempt: the one that answered, when one did. */
  private provider: UpstreamProviderSummary | null = null;

  constructor(
    private readonly tracer: Tracer,
    private readonly propagator: TextMapPropagator,
    parent: Context,
    requestId: string,
  ) {
    this.span = tracer.startSpan(
      'gateway',
      { kind: SpanKind.SERVER, attributes: { 'gatehouse.request_id': requestId } },
      parent,
    );
    this.context = trace.setSpan(parent, this.span);
  }

  /** The request calls a model: its GenAI operation and requested model (the public alias). */
  modelCall(endpoint: LlmEndpoint, model: string): void {
    this.operation = OPERATIONS[endpoint];
    this.requestModel = model;
    this.span.updateName(`${this.operation} ${model}`);
    this.span.setAttributes({ [ATTR_GEN_AI_OPERATION_NAME]: this.operation, [ATTR_GEN_AI_REQUEST_MODEL]: model });
  }

  /** Ends the stage in progress, if any, and starts `name`. */
  stage(name: string): void {
    this.leave();
    this.stageSpan = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, this.context);
    this.stageContext = trace.setSpan(this.context, this.stageSpan);
  }

  /**
   * Ends the stage in progress. With an error code, the stage failed: a stage that throws or refuses is left open
   * by the pipeline, and ended here with the request's error once the error reply is out.
   */
  leave(errorCode: string | null = null): void {
    if (this.stageSpan === null) return;
    if (errorCode !== null) failed(this.stageSpan, errorCode);
    this.stageSpan.end();
    this.stageSpan = null;
    this.stageContext = null;
  }

  attemptStarted(target: UpstreamTarget, provider: UpstreamProviderSummary): ObservedAttempt {
    this.provider = provider;
    const attributes: Attributes = {
      [ATTR_GEN_AI_PROVIDER_NAME]: providerName(provider),
      'gatehouse.provider.id': provider.id,
    };
    if (this.operation !== null) {
      attributes[ATTR_GEN_AI_OPERATION_NAME] = this.operation;
      attributes[ATTR_GEN_AI_REQUEST_MODEL] = target.upstreamModel;
    }
    const name = this.operation === null ? `upstream ${provider.name}` : `${this.operation} ${target.upstreamModel}`;
    const span = this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, this.stageContext ?? this.context);
    const headers: Record<string, string> = {};
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
    return { headers, ended: (result) => endAttempt(span, result) };
  }

  /** Ends the request span with what the response and the pipeline learnt; the trace is then complete. */
  end(outcome: TracedOutcome): void {
    this.leave();
    const { span } = this;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.statusCode);
    if (this.operation === null) span.updateName(outcome.endpoint);
    if (outcome.tenantId !== null) span.setAttribute('gatehouse.tenant_id', outcome.tenantId);
    if (this.provider !== null) span.setAttribute(ATTR_GEN_AI_PROVIDER_NAME, providerName(this.provider));
    if (this.operation !== null && outcome.upstreamModel !== null) {
      span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, outcome.upstreamModel);
    }
    if (outcome.usage !== null && outcome.usage.source !== 'none') {
      span.setAttributes({
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: outcome.usage.inputTokens,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: outcome.usage.outputTokens,
      });
    }
    if (outcome.errorCode !== null) failed(span, outcome.errorCode);
    span.end();
  }
}

/** The well-known GenAI provider names for the first-party APIs; an OpenAI-compatible server by its configured name. */
function providerName(provider: UpstreamProviderSummary): string {
  if (provider.type === 'OPENAI') return 'openai';
  if (provider.type === 'ANTHROPIC') return 'anthropic';
  return provider.name;
}

/** An attempt's span ends when its answer's headers come (or its failure): the body belongs to the request span. */
function endAttempt(span: Span, result: { status: number } | { failure: string }): void {
  if ('status' in result) {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
    if (result.status >= 400) failed(span, String(result.status));
  } else {
    failed(span, result.failure);
  }
  span.end();
}

/** An error code, never a message: messages may quote what the client or the upstream sent. */
function failed(span: Span, errorType: string): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
}
