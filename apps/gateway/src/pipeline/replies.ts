import { type IncomingHttpHeaders } from 'node:http';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Logger } from '@nestjs/common';
import { GatewayErrorCode } from '@gatehouse/contracts';
import {
  anthropicErrorToOpenAi,
  isRetryableStatus,
  isTargetSpecificStatus,
  openAiErrorToAnthropic,
} from '@gatehouse/domain';
import { type FastifyReply } from 'fastify';
import { GatewayError } from '../common/gateway-error';
import { toAnthropicBody, toResponse } from '../common/openai-exception.filter';
import { type AnswerGuard } from '../policies/answer-guard';
import { guardedStreamRewriter } from '../policies/answer-stream-guard';
import {
  protocolOfProvider,
  responseHeadersForClient,
  SseUsageTap,
  type StreamProtocol,
  type UpstreamError,
  type UpstreamResponse,
} from '../upstream';
import { type AnswerContext, answerForClient, streamRewriterFor } from './protocols/answer-translation';
import { jsonAnswerUnderAlias } from './protocols/json-answer';
import { usageOfResponseBody, usageOfStreamReport } from './protocols/usage-of-response';
import { type RequestContext } from './request-context';

/**
 * How the pipeline writes a reply: an answer (JSON or a stream) in the client's API, an error in its shape, or an
 * HTTP product's answer byte for byte. Only request-pipeline.ts calls these: stages never write the reply.
 */
const logger = new Logger('RequestPipeline');

/** The policy rules that fired for the request (`access.hours=monitor`), on its answer. */
export const POLICY_HEADER = 'x-gatehouse-policy';

/** The gateway's error in the client's API (OpenAI's shape, or Anthropic's), with its headers. */
export function sendError(reply: FastifyReply, client: StreamProtocol, context: RequestContext, error: unknown): void {
  const { status, body, headers } = toResponse(error, reply.request);
  context.failed(body.error.code ?? body.error.type);
  if (status >= 500) {
    logger.error(
      { requestId: context.requestId, err: error instanceof Error ? error : String(error) },
      'request failed',
    );
  }
  if (reply.sent || reply.raw.headersSent) {
    // Headers are out (a stream broke): nothing left to answer with.
    reply.raw.destroy();
    return;
  }
  void reply
    .status(status)
    .headers(headers)
    .send(client === 'anthropic' ? toAnthropicBody(status, body) : body);
}

/**
 * The upstream's JSON answer in the client's API, under the public alias; its usage goes to the context. In the
 * upstream's own API the body goes out as it came but for the alias, without being parsed and printed again,
 * unless the answer has a guard (output rules, restore), which reads and edits its texts; what the guard did joins
 * `x-gatehouse-policy`. An answer with an adapter (Responses) is the chat answer, guarded and captured for the call
 * log as chat, then written by the adapter.
 */
export async function sendJsonAnswer(
  reply: FastifyReply,
  client: StreamProtocol,
  answer: AnswerContext,
  response: UpstreamResponse,
  context: RequestContext,
  guard: AnswerGuard | null = null,
): Promise<void> {
  const upstream = protocolOfProvider(response.provider.type);
  const bytes = await readAll(response.body);
  const adapter = answer.adapter ?? null;
  if (client === upstream && guard === null && adapter === null) {
    const relabelled = jsonAnswerUnderAlias(bytes, answer.alias, upstream);
    context.usage = relabelled.usage;
    context.bodyCapture?.answered(relabelled.body.toString());
    await reply
      .status(response.status)
      .header(
        'content-type',
        relabelled.isObject ? 'application/json' : (contentTypeOf(response.headers) ?? 'application/octet-stream'),
      )
      .send(relabelled.body);
    return;
  }
  const payload = parseJson(bytes.toString('utf8'));
  context.usage = usageOfResponseBody(upstream, payload);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw GatewayError.of(
      GatewayErrorCode.UpstreamError,
      'The upstream provider sent an answer the gateway cannot read.',
    );
  }
  const translated = answerForClient(client, upstream, payload as Record<string, unknown>, answer);
  if (guard !== null) {
    guard.guardAnswer(client, translated);
    const fired = guard.policyItems();
    if (fired.length > 0) {
      context.policyFired.push(...fired);
      void reply.header(POLICY_HEADER, context.policyFired.join(', '));
    }
  }
  context.bodyCapture?.answered(JSON.stringify(translated));
  const body = adapter === null ? translated : await adapter.json(translated);
  await reply.status(response.status).header('content-type', 'application/json').send(body);
}

/**
 * Status and headers now, then the events as they come: through the usage tap (which reads the upstream's own
 * events, so usage is metered the same whatever the client is sent), then translated if need be, then through the
 * answer's guard when it has one (its decisions go to the usage event only: the headers left before the text),
 * past the call log's capture when the policy stores bodies, and last through the answer's adapter when it has one
 * (Responses: chat chunks in, its events out). The context's usage is reported when the stream ends, breaks or is
 * abandoned.
 */
export async function streamAnswer(
  reply: FastifyReply,
  client: StreamProtocol,
  answer: AnswerContext,
  response: UpstreamResponse,
  context: RequestContext,
  guard: AnswerGuard | null = null,
): Promise<void> {
  const upstream = protocolOfProvider(response.provider.type);
  context.streamed = true;
  let reported!: () => void;
  context.usageReported = new Promise<void>((resolve) => (reported = resolve));
  const tap = new SseUsageTap({
    protocol: upstream,
    // OpenAI's usage chunk (which the gateway always asks for) is dropped only when it would reach an OpenAI
    // client that did not ask for it; a translator needs it.
    stripUsageChunk: client === 'openai' && upstream === 'openai' && !answer.includeUsage,
    signal: context.lifetime,
    rewriter:
      guard === null
        ? streamRewriterFor(client, upstream, answer)
        : guardedStreamRewriter(guard, client, streamRewriterFor(client, upstream, answer), answer.includeUsage),
    onFirstContent: () => {
      context.timeToFirstTokenMs = performance.now() - context.startedAt;
    },
    onReport: (report) => {
      context.usage = usageOfStreamReport(report);
      if (report.ending === 'upstream_error' || report.ending === 'cut') context.failed('upstream_stream_error');
      if (report.ending === 'client_aborted') context.failed('client_aborted');
      reported();
    },
  });
  const adapter = answer.adapter ?? null;
  reply.hijack();
  reply.raw.writeHead(response.status, {
    ...headersOf(reply),
    'content-type':
      client === upstream && adapter === null
        ? (contentTypeOf(response.headers) ?? 'text/event-stream')
        : 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  reply.raw.flushHeaders();
  try {
    const capture = context.bodyCapture?.streamed(client) ?? null;
    const stages = [tap, ...(capture === null ? [] : [capture]), ...(adapter === null ? [] : [adapter.stream()])];
    await pipeline([response.body, ...stages, reply.raw]);
  } catch (error) {
    // Headers are out: nothing left to answer. The pipeline has torn both sides down.
    if (!context.lifetime.aborted) logger.warn({ requestId: context.requestId, err: error }, 'stream ended early');
  }
}

/**
 * When no upstream answered: 504 on a timeout, 503 when every target's circuit is open, 502 otherwise; but a 4xx
 * that is about the request (not the target: 401/403/404 mean our credential or route, 429 is ours to decide) goes
 * back as the upstream said it, so the client sees the provider's own validation message, rewritten in the client's
 * API when the upstream speaks the other one. A client that left gets nothing.
 */
export async function sendUpstreamError(
  reply: FastifyReply,
  client: StreamProtocol,
  error: UpstreamError,
  context: RequestContext,
): Promise<void> {
  const last = error.attempts.at(-1);
  if (last !== undefined) context.route = { providerId: last.providerId, upstreamModel: last.upstreamModel };
  const status = error.upstreamStatus;
  if (
    error.kind === 'upstream_status' &&
    status !== undefined &&
    status >= 400 &&
    status < 500 &&
    !isRetryableStatus(status) &&
    !isTargetSpecificStatus(status) &&
    error.upstreamBody !== undefined
  ) {
    context.failed(`upstream_${status}`);
    const body = parseJson(error.upstreamBody);
    const upstream = error.upstreamProvider === undefined ? client : protocolOfProvider(error.upstreamProvider.type);
    if (upstream !== client) {
      const rewritten =
        client === 'anthropic' ? openAiErrorToAnthropic(status, body) : anthropicErrorToOpenAi(status, body);
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
    context.failed('client_aborted');
    // Nobody is left to read an answer; end the exchange quietly.
    if (!reply.raw.headersSent) reply.raw.destroy();
    return;
  }
  sendError(reply, client, context, upstreamFailure(error));
}

/** An HTTP product's answer: the upstream's status and headers now, then its body as it comes, byte for byte. */
export async function relayHttpAnswer(
  reply: FastifyReply,
  response: UpstreamResponse,
  context: RequestContext,
): Promise<void> {
  reply.hijack();
  reply.raw.writeHead(response.status, {
    ...responseHeadersForClient(response.headers),
    ...contentLengthOf(response.headers),
    // The gateway's own headers (x-request-id, set on arrival) win over the upstream's of the same name.
    ...headersOf(reply),
  });
  try {
    await pipeline(response.body, reply.raw);
  } catch (error) {
    // Headers are out: nothing left to answer. The pipeline has torn both sides down.
    if (!context.lifetime.aborted) {
      logger.warn({ requestId: context.requestId, err: error }, 'HTTP product response ended early');
    }
  }
}

/** A model call no upstream answered. */
export function upstreamFailure(error: UpstreamError): GatewayError {
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

/** An HTTP product's call no upstream answered. */
export function productUpstreamFailure(error: UpstreamError, slug: string): GatewayError {
  switch (error.kind) {
    case 'timeout':
      return GatewayError.of(GatewayErrorCode.UpstreamTimeout, `The upstream of '${slug}' did not answer in time.`);
    case 'unavailable':
      return new GatewayError(
        503,
        GatewayErrorCode.UpstreamError,
        'api_error',
        `The upstream of '${slug}' is failing; try again shortly.`,
      );
    case 'not_configured':
      return GatewayError.of(GatewayErrorCode.UpstreamError, `The provider of '${slug}' is not available.`);
    default:
      return GatewayError.of(GatewayErrorCode.UpstreamError, `The upstream of '${slug}' could not be reached.`);
  }
}

/**
 * The upstream's `content-length`, which the header hygiene drops for the endpoints that rewrite a body: an HTTP
 * product's body passes unchanged, so its length stays true, and a HEAD answer or a download keeps its size.
 */
function contentLengthOf(headers: IncomingHttpHeaders): Record<string, string> {
  const length = headers['content-length'];
  return typeof length === 'string' && /^\d+$/.test(length) ? { 'content-length': length } : {};
}

/** The headers set on the reply so far (`x-request-id`, `x-ratelimit-*`), for a hijacked reply. */
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

/**
 * The whole body, from its events rather than an async iterator (which costs a promise and a microtask per chunk
 * on every non-streamed answer). A body that closes before its end (the call was cancelled) rejects.
 */
function readAll(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    body.on('data', (chunk: Buffer | Uint8Array) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
    body.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    body.once('error', reject);
    body.once('close', () => {
      if (!ended) reject(new Error('The upstream answer ended before it was complete.'));
    });
  });
}
