import { type IncomingHttpHeaders } from 'node:http';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import { GatewayErrorCode, type KeySnapshot } from '@gatehouse/contracts';
import { isRetryableStatus, isTargetSpecificStatus } from '@gatehouse/domain';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { GatewayError } from '../common/gateway-error';
import { EntitlementService } from '../entitlement/entitlement.service';
import { SseUsageTap, UpstreamCaller, UpstreamError, type UpstreamResponse, type UpstreamTarget } from '../upstream';
import { type OpenAiRequestBody } from './completion-request';
import { ModelTargetsService } from './model-targets.service';

/** The OpenAI-format endpoints the gateway relays, each to the same path on the provider. */
export type OpenAiEndpoint = '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings';

/** Budget for the upstream's response headers (retries included). A non-streamed answer comes with its headers. */
export const UPSTREAM_DEADLINE_MS = 120_000;

/** A parsed, validated body of one of the OpenAI endpoints. */
export interface RelayRequest {
  endpoint: OpenAiEndpoint;
  body: OpenAiRequestBody;
  /** Whether the endpoint streams at all (embeddings never do). */
  streamable: boolean;
}

/**
 * The OpenAI-format relay: entitlement, targets of the model, the upstream call with the body rewritten to
 * each target's upstream model, then the answer streamed or relayed as JSON under the public alias.
 */
@Injectable()
export class CompletionsService {
  private readonly logger = new Logger(CompletionsService.name);

  constructor(
    private readonly entitlements: EntitlementService,
    private readonly targets: ModelTargetsService,
    private readonly upstream: UpstreamCaller,
  ) {}

  async relay(key: KeySnapshot, relay: RelayRequest, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { body, endpoint } = relay;
    await this.entitlements.resolve(key, body.model);
    const targets = await this.targets.targetsOf(body.model);
    if (targets.length === 0) {
      throw GatewayError.of(GatewayErrorCode.UpstreamError, `The model \`${body.model}\` has no available upstream.`);
    }

    const stream = relay.streamable && body.stream === true;
    const clientWantsUsage = body.stream_options?.include_usage === true;
    const upstreamBody = (target: UpstreamTarget): string =>
      JSON.stringify({
        ...body,
        model: target.upstreamModel,
        // Always ask for usage, so a stream can be metered; the tap drops the chunk if the client did not ask.
        ...(stream ? { stream_options: { ...body.stream_options, include_usage: true } } : {}),
      });

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
          path: endpoint,
          // Client headers are not forwarded: only what the upstream needs, and our request id for tracing.
          headers: {
            'content-type': 'application/json',
            accept: stream ? 'text/event-stream' : 'application/json',
            'x-request-id': request.id,
          },
          body: upstreamBody,
          signal: client.signal,
        },
        targets,
        { deadlineMs: UPSTREAM_DEADLINE_MS },
      );
    } catch (error) {
      reply.raw.off('close', onClose);
      if (error instanceof UpstreamError) return this.sendUpstreamError(error, reply);
      throw error;
    }

    if (stream) {
      await this.streamThrough(response, reply, client, !clientWantsUsage, request.id);
      return;
    }
    try {
      await this.sendJson(response, body.model, reply);
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  /** Status and headers now, then the events as they come, through the usage tap. */
  private async streamThrough(
    response: UpstreamResponse,
    reply: FastifyReply,
    client: AbortController,
    stripUsageChunk: boolean,
    requestId: string,
  ): Promise<void> {
    const tap = new SseUsageTap({ protocol: 'openai', stripUsageChunk, signal: client.signal });
    reply.hijack();
    reply.raw.writeHead(response.status, {
      ...headersOf(reply),
      'content-type': contentTypeOf(response.headers) ?? 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': requestId,
    });
    reply.raw.flushHeaders();
    try {
      await pipeline(response.body, tap, reply.raw);
    } catch (error) {
      // Headers are out: nothing left to answer. The pipeline has torn both sides down.
      if (!client.signal.aborted) {
        this.logger.warn({ requestId, err: error }, 'stream ended early');
      }
    }
  }

  /** The upstream's JSON answer, with its `model` replaced by the public alias. */
  private async sendJson(response: UpstreamResponse, alias: string, reply: FastifyReply): Promise<void> {
    const text = await readAll(response.body);
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
      const answer = payload as Record<string, unknown>;
      if ('model' in answer) answer.model = alias;
      await reply.status(response.status).header('content-type', 'application/json').send(answer);
      return;
    }
    await reply
      .status(response.status)
      .header('content-type', contentTypeOf(response.headers) ?? 'application/octet-stream')
      .send(text);
  }

  /**
   * 504 on a timeout, 503 when every target's circuit is open, 502 otherwise; but a 4xx that is about the
   * request (not the target: 401/403/404 mean our credential or route, 429 is ours to decide) goes back as the
   * upstream said it, so the client sees the provider's own validation message.
   */
  private async sendUpstreamError(error: UpstreamError, reply: FastifyReply): Promise<void> {
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
      const body = parseJson(error.upstreamBody);
      await reply
        .status(status)
        .header('content-type', body === undefined ? 'text/plain; charset=utf-8' : 'application/json')
        .send(body ?? error.upstreamBody);
      return;
    }
    if (error.kind === 'client_aborted') {
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
