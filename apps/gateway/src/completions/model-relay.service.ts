import { type IncomingHttpHeaders } from 'node:http';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import { GatewayErrorCode, type KeySnapshot } from '@gatehouse/contracts';
import {
  anthropicErrorToOpenAi,
  isRetryableStatus,
  isTargetSpecificStatus,
  type LlmEndpoint,
  openAiErrorToAnthropic,
  type TranslationError,
} from '@gatehouse/domain';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { GatewayError } from '../common/gateway-error';
import { EntitlementService } from '../entitlement/entitlement.service';
import { RequestLimits } from '../limits/request-limits.service';
import {
  protocolOfProvider,
  SseRewriteStream,
  SseUsageTap,
  type StreamProtocol,
  type StreamUsageReport,
  UpstreamCaller,
  UpstreamError,
  UpstreamPools,
  type UpstreamProviderType,
  type UpstreamResponse,
  type UpstreamTarget,
} from '../upstream';
import { type RequestMeter } from '../usage/request-meter';
import { usageOfResponseBody, usageOfStreamReport } from '../usage/usage-of-response';
import { type AnswerContext, answerForClient, streamRewriterFor } from './answer-translation';

/** Budget for the upstream's response headers (retries included). A non-streamed answer comes with its headers. */
export const UPSTREAM_DEADLINE_MS = 120_000;

/** How the request is sent to providers of one type: the path and body in the API that type speaks. */
export interface UpstreamCallPlan {
  path: string;
  /** The body for one target (each has its own upstream model name). */
  body: (upstreamModel: string) => string;
}

/** One call to a public model, as the endpoint that received it describes it. */
export interface RelayPlan {
  /** The endpoint's name in usage events (`chat.completions`, `messages`...). */
  endpoint: string;
  /** The public model alias. */
  model: string;
  /** The API the client speaks: its answers, streams and errors are written in it. */
  client: StreamProtocol;
  stream: boolean;
  /** An OpenAI client's `stream_options.include_usage`. */
  includeUsage: boolean;
  /** What the limits reserve for: the client's body (for the input estimate) and the answer's maximum length. */
  limits: { endpoint: LlmEndpoint; body: Record<string, unknown>; maxOutputTokens: number };
  /** Client headers the upstream needs (Anthropic's `anthropic-version`, `anthropic-beta`). */
  headers?: Record<string, string>;
  /**
   * How providers of `type` serve this request. Throws a `GatewayError` (400) when they cannot: their targets
   * are skipped, and that error is the answer when no target is left. Called at most once per type.
   */
  callFor(type: UpstreamProviderType): UpstreamCallPlan;
}

/**
 * The relay behind every model endpoint, whatever API the client and each target speak: entitlement, the model's
 * targets that can serve the request, the upstream call (path and body chosen per target by its provider's API),
 * then the answer streamed or sent as JSON under the public alias, translated when the upstream that answered
 * speaks the other API. Usage is read from the upstream's own format, before any translation.
 */
@Injectable()
export class ModelRelay {
  private readonly logger = new Logger(ModelRelay.name);

  constructor(
    private readonly entitlements: EntitlementService,
    private readonly pools: UpstreamPools,
    private readonly upstream: UpstreamCaller,
    private readonly limits: RequestLimits,
  ) {}

  async relay(
    key: KeySnapshot,
    plan: RelayPlan,
    meter: RequestMeter,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    meter.endpoint(plan.endpoint);
    const entitlement = await this.entitlements.resolve(key, plan.model);
    meter.entitled({
      subscriptionId: entitlement.subscription.subscriptionId,
      productId: entitlement.productId,
      model: plan.model,
    });
    const callFor = memoize(plan);
    const targets = this.servableTargets(entitlement.targets, plan, callFor);
    // Reserved last, once nothing but the upstream can refuse the call: a refusal above holds no budget.
    await this.limits.admitModelCall(
      { key, subscription: entitlement.subscription, price: entitlement.price, ...plan.limits },
      meter,
      reply,
    );

    // The client's lifetime: its connection closing before the answer is complete cancels the upstream.
    const client = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) client.abort();
    };
    reply.raw.once('close', onClose);

    let response: UpstreamResponse;
    try {
      response = await this.upstream.call(
        {
          method: 'POST',
          path: (_target, provider) => callFor(provider.type).path,
          // Client headers are not forwarded: only what the upstream needs, and our request id for tracing.
          headers: {
            ...plan.headers,
            'content-type': 'application/json',
            accept: plan.stream ? 'text/event-stream' : 'application/json',
            'x-request-id': request.id,
          },
          body: (target, provider) => callFor(provider.type).body(target.upstreamModel),
          signal: client.signal,
        },
        targets,
        {
          deadlineMs: UPSTREAM_DEADLINE_MS,
          onFirstByte: ({ target }) => meter.routed(target, performance.now() - meter.startedAt),
        },
      );
    } catch (error) {
      reply.raw.off('close', onClose);
      if (error instanceof UpstreamError) return this.sendUpstreamError(error, plan, meter, reply);
      throw error;
    }

    const upstream = protocolOfProvider(response.provider.type);
    const context: AnswerContext = { alias: plan.model, requestId: request.id, includeUsage: plan.includeUsage };
    if (plan.stream) {
      meter.streaming();
      await this.streamThrough(plan.client, upstream, context, response, reply, client, meter);
      return;
    }
    try {
      await this.sendJson(plan.client, upstream, context, response, meter, reply);
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  /**
   * The model's targets whose provider can serve the request (an Anthropic-format one cannot serve a legacy
   * completion). A target whose provider is not configured is kept: the caller records it as such.
   */
  private servableTargets(
    targets: readonly UpstreamTarget[],
    plan: RelayPlan,
    callFor: (type: UpstreamProviderType) => UpstreamCallPlan,
  ): readonly UpstreamTarget[] {
    if (targets.length === 0) {
      throw GatewayError.of(GatewayErrorCode.UpstreamError, `The model \`${plan.model}\` has no available upstream.`);
    }
    let refusal: GatewayError | undefined;
    const servable = targets.filter((target) => {
      const provider = this.pools.provider(target.providerId);
      if (provider === undefined) return true;
      try {
        callFor(provider.type);
        return true;
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        refusal ??= error;
        return false;
      }
    });
    if (servable.length === 0 && refusal !== undefined) throw refusal;
    return servable;
  }

  /** Status and headers now, then the events as they come: through the usage tap, then translated if need be. */
  private async streamThrough(
    clientProtocol: StreamProtocol,
    upstream: StreamProtocol,
    context: AnswerContext,
    response: UpstreamResponse,
    reply: FastifyReply,
    client: AbortController,
    meter: RequestMeter,
  ): Promise<void> {
    // The event waits for the tap's report, which comes when the stream ends, breaks or is abandoned.
    let onReport: (report: StreamUsageReport) => void = () => undefined;
    meter.waitFor(
      new Promise<void>((resolve) => {
        onReport = (report) => {
          meter.usage(usageOfStreamReport(report));
          if (report.ending === 'upstream_error' || report.ending === 'cut') meter.failed('upstream_stream_error');
          if (report.ending === 'client_aborted') meter.failed('client_aborted');
          resolve();
        };
      }),
    );
    // The tap reads the upstream's own events, so usage is metered the same whatever the client is sent. OpenAI's
    // usage chunk (which the gateway always asks for) is dropped here only when it would reach an OpenAI client
    // that did not ask for it; a translator needs it.
    const tap = new SseUsageTap({
      protocol: upstream,
      stripUsageChunk: clientProtocol === 'openai' && upstream === 'openai' && !context.includeUsage,
      signal: client.signal,
      onReport,
    });
    const rewriter = streamRewriterFor(clientProtocol, upstream, context);
    reply.hijack();
    reply.raw.writeHead(response.status, {
      ...headersOf(reply),
      'content-type':
        clientProtocol === upstream
          ? (contentTypeOf(response.headers) ?? 'text/event-stream')
          : 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': context.requestId,
    });
    reply.raw.flushHeaders();
    try {
      await pipeline(response.body, tap, new SseRewriteStream(rewriter), reply.raw);
    } catch (error) {
      // Headers are out: nothing left to answer. The pipeline has torn both sides down.
      if (!client.signal.aborted) {
        this.logger.warn({ requestId: context.requestId, err: error }, 'stream ended early');
      }
    }
  }

  /** The upstream's JSON answer in the client's API, under the public alias. */
  private async sendJson(
    clientProtocol: StreamProtocol,
    upstream: StreamProtocol,
    context: AnswerContext,
    response: UpstreamResponse,
    meter: RequestMeter,
    reply: FastifyReply,
  ): Promise<void> {
    const text = await readAll(response.body);
    const payload = parseJson(text);
    meter.usage(usageOfResponseBody(upstream, payload));
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
      const answer = answerForClient(clientProtocol, upstream, payload as Record<string, unknown>, context);
      await reply.status(response.status).header('content-type', 'application/json').send(answer);
      return;
    }
    if (clientProtocol !== upstream) {
      throw GatewayError.of(
        GatewayErrorCode.UpstreamError,
        'The upstream provider sent an answer the gateway cannot read.',
      );
    }
    await reply
      .status(response.status)
      .header('content-type', contentTypeOf(response.headers) ?? 'application/octet-stream')
      .send(text);
  }

  /**
   * 504 on a timeout, 503 when every target's circuit is open, 502 otherwise; but a 4xx that is about the
   * request (not the target: 401/403/404 mean our credential or route, 429 is ours to decide) goes back as the
   * upstream said it, so the client sees the provider's own validation message, rewritten in the client's API
   * when the upstream speaks the other one.
   */
  private async sendUpstreamError(
    error: UpstreamError,
    plan: RelayPlan,
    meter: RequestMeter,
    reply: FastifyReply,
  ): Promise<void> {
    const status = error.upstreamStatus;
    const last = error.attempts.at(-1);
    if (last !== undefined) meter.routed(last, null);
    if (
      error.kind === 'upstream_status' &&
      status !== undefined &&
      status >= 400 &&
      status < 500 &&
      !isRetryableStatus(status) &&
      !isTargetSpecificStatus(status) &&
      error.upstreamBody !== undefined
    ) {
      meter.failed(`upstream_${status}`);
      const body = parseJson(error.upstreamBody);
      const upstream =
        error.upstreamProvider === undefined ? plan.client : protocolOfProvider(error.upstreamProvider.type);
      if (upstream !== plan.client) {
        const rewritten =
          plan.client === 'anthropic' ? openAiErrorToAnthropic(status, body) : anthropicErrorToOpenAi(status, body);
        await reply.status(status).header('content-type', 'application/json').send(rewritten);
        return;
      }
      await reply
        .status(status)
        .header('content-type', body === undefined ? 'text/plain; charset=utf-8' : 'application/json')
        .send(body ?? error.upstreamBody);
      return;
    }
    if (error.kind === 'client_aborted') {
      meter.failed('client_aborted');
      // Nobody is left to read an answer; end the exchange quietly.
      if (!reply.raw.headersSent) reply.raw.destroy();
      return;
    }
    throw toGatewayError(error);
  }
}

export function toGatewayError(error: UpstreamError): GatewayError {
  switch (error.kind) {
    case 'timeout':
      return GatewayError.of(GatewayErrorCode.UpstreamTimeout, 'The upstream provider did not answer in time.');
    case 'unavailable':
      return new GatewayError(
        503,
        GatewayErrorCode.UpstreamError,
        'api_error',
        'Every upstream of this model is failing; try again shortly.',
      );
    default:
      return GatewayError.of(GatewayErrorCode.UpstreamError, 'The upstream provider failed to answer the request.');
  }
}

/** A request the translation to the target's API cannot express: 400, naming the client's field. */
export function unsupportedByTranslation(error: TranslationError): GatewayError {
  return new GatewayError(400, 'unsupported_parameter', 'invalid_request_error', error.message, error.param);
}

/** The model's providers of this type do not serve the endpoint at all (Anthropic has no legacy completions). */
export function endpointNotSupported(model: string): GatewayError {
  return GatewayError.of(
    GatewayErrorCode.InvalidRequest,
    `The model '${model}' does not support this endpoint.`,
    'model',
  );
}

/** `plan.callFor`, once per provider type: a refusal is remembered too. */
function memoize(plan: RelayPlan): (type: UpstreamProviderType) => UpstreamCallPlan {
  const calls = new Map<UpstreamProviderType, UpstreamCallPlan | GatewayError>();
  return (type) => {
    let call = calls.get(type);
    if (call === undefined) {
      try {
        call = plan.callFor(type);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        call = error;
      }
      calls.set(type, call);
    }
    if (call instanceof GatewayError) throw call;
    return call;
  };
}

/** The headers set on the reply so far (`x-request-id` by the onRequest hook), for a hijacked reply. */
function headersOf(reply: FastifyReply): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return headers;
}

function contentTypeOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['content-type'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
