import { type IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import { GatewayErrorCode, type KeySnapshot } from '@gatehouse/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { GatewayCatalog } from '../catalog/gateway-catalog.service';
import { GatewayError } from '../common/gateway-error';
import { resolveProductEntitlement } from '../entitlement/resolve-product-entitlement';
import { RequestLimits } from '../limits/request-limits.service';
import {
  responseHeadersForClient,
  UpstreamCaller,
  UpstreamError,
  type UpstreamMethod,
  UpstreamOriginRefusedError,
  type UpstreamResponse,
} from '../upstream';
import { type RequestMeter } from '../usage/request-meter';
import { forwardedPath, parseProductUrl, queryProblem } from './forwarded-path';
import { bodyFramingOf, StreamedRequestBody } from './request-body';

/** What HTTP products forward; any other method (TRACE, WebDAV's) is refused with 405. */
const FORWARDED_METHODS: ReadonlySet<string> = new Set<UpstreamMethod>([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);
/** Retried after a failure that reached no upstream response, and only while the body is unsent. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** A body on these has no defined meaning (RFC 9110 §9.3.1-2), and some servers reject it: it is not forwarded. */
const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** Budget for the upstream's response headers, retries included; the body is bounded by the pools' bodyTimeout. */
export const HTTP_PRODUCT_DEADLINE_MS = 120_000;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * HTTP products: `/apis/{slug}/...` forwarded to the product's provider, with the product's path prefix, the
 * client's method, path, query, headers and body, and the provider's credential instead of the client's key. The
 * answer goes back as the upstream gave it, status and body included, streamed. Refusals are the gateway's own,
 * in OpenAI's shape: 404 for a slug no published product has, 403 without a subscription, 400 for a path that
 * could leave the product's prefix, 413 over the body limit, 502/503/504 when the upstream cannot answer.
 */
@Injectable()
export class HttpProductsService {
  private readonly logger = new Logger(HttpProductsService.name);

  constructor(
    private readonly catalog: GatewayCatalog,
    private readonly upstream: UpstreamCaller,
    private readonly limits: RequestLimits,
  ) {}

  async forward(key: KeySnapshot, meter: RequestMeter, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    meter.endpoint('http');
    const target = parseProductUrl(request.url);
    if (target === null) throw invalidRequest('This is not the URL of an HTTP product: /apis/{productSlug}/...');
    const product = (await this.catalog.current()).httpProducts.get(target.slug);
    if (product === undefined) {
      const named = SLUG.test(target.slug) ? `The product '${target.slug}'` : 'This product';
      throw GatewayError.of(GatewayErrorCode.ModelNotFound, `${named} does not exist or is not published.`);
    }
    const decision = resolveProductEntitlement(key, product, new Date());
    if (!decision.granted) throw GatewayError.of(decision.code, decision.message);
    meter.entitled({ subscriptionId: decision.subscription.subscriptionId, productId: product.productId, model: null });

    const method = request.method;
    if (!isForwardedMethod(method)) {
      throw new GatewayError(
        405,
        GatewayErrorCode.InvalidRequest,
        'invalid_request_error',
        `HTTP products do not forward ${method} requests.`,
        null,
        { allow: [...FORWARDED_METHODS].join(', ') },
      );
    }
    if (product.upstream === null) {
      throw GatewayError.of(GatewayErrorCode.UpstreamError, `The product '${product.slug}' has no usable upstream.`);
    }
    const path = forwardedPath(product.upstream.pathPrefix, target.rest);
    if (!path.ok)
      throw invalidRequest(`This path cannot be forwarded to the product '${product.slug}': ${path.reason}.`);
    const badQuery = queryProblem(target.query);
    if (badQuery !== null) throw invalidRequest(`This request cannot be forwarded: ${badQuery}.`);

    const framing = bodyFramingOf(request);
    const body = requestBodyOf(method, framing, request);
    // Reserved last, once the request is known to be forwardable: requests, concurrency and calls count.
    await this.limits.admitHttpCall(key, decision.subscription, meter, reply);

    // The client's lifetime: its connection closing before the answer is complete cancels the upstream call.
    const client = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) client.abort();
    };
    reply.raw.once('close', onClose);

    let response: UpstreamResponse;
    try {
      response = await this.upstream.call(
        {
          method,
          path: path.path,
          query: target.query,
          headers: {
            ...request.headers,
            ...(framing.contentType === undefined ? {} : { 'content-type': framing.contentType }),
            'x-request-id': request.id,
          },
          body: body === undefined ? undefined : () => body.stream,
          bodyLength: body?.length,
          // Only a request that can be sent again as it was: an idempotent method whose body nothing has read yet.
          mayRetry: () => IDEMPOTENT_METHODS.has(method) && (body === undefined || body.stream.untouched),
          passThrough: true,
          signal: client.signal,
        },
        // No model: one circuit breaker per provider, tripped only by failures to get any answer from its origin.
        [{ providerId: product.upstream.providerId, upstreamModel: '', weight: 1, priority: 0 }],
        { deadlineMs: HTTP_PRODUCT_DEADLINE_MS },
      );
    } catch (error) {
      reply.raw.off('close', onClose);
      if (body?.stream.tooLarge === true) throw bodyTooLarge(body.limit);
      if (error instanceof UpstreamError) {
        if (error.kind === 'client_aborted') {
          // Nobody is left to read an answer; end the exchange quietly.
          if (!reply.raw.headersSent) reply.raw.destroy();
          return;
        }
        throw toGatewayError(error, product.slug);
      }
      // The pools' own check on the joined path: never expected after `forwardedPath`, still the client's fault.
      if (error instanceof UpstreamOriginRefusedError) throw invalidRequest('This path cannot be forwarded.');
      throw error;
    }
    meter.routed({ providerId: response.provider.id, upstreamModel: null }, performance.now() - meter.startedAt);
    // An HTTP product has no tokens to count: its usage is the call itself.
    meter.usage({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, source: 'none' });

    try {
      await this.relay(response, reply, client.signal, request.id);
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  /** The upstream's status and headers now, then its body as it comes, byte for byte. */
  private async relay(
    response: UpstreamResponse,
    reply: FastifyReply,
    clientSignal: AbortSignal,
    requestId: string,
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
      if (!clientSignal.aborted) this.logger.warn({ requestId, err: error }, 'HTTP product response ended early');
    }
  }
}

interface RequestBody {
  stream: StreamedRequestBody;
  /** From `content-length`; undefined for a chunked body. */
  length: number | undefined;
  limit: number;
}

/** The body to forward, if any; 413 at once when its declared length is over the gateway's body limit. */
function requestBodyOf(
  method: string,
  framing: ReturnType<typeof bodyFramingOf>,
  request: FastifyRequest,
): RequestBody | undefined {
  const chunked = framing.transferEncoding !== undefined;
  const length = framing.contentLength === undefined ? undefined : Number(framing.contentLength);
  if (BODYLESS_METHODS.has(method) || (!chunked && (length === undefined || length === 0))) return undefined;
  const limit = request.routeOptions.bodyLimit;
  if (length !== undefined && length > limit) throw bodyTooLarge(limit);
  return { stream: new StreamedRequestBody(request.raw, limit), length: chunked ? undefined : length, limit };
}

function isForwardedMethod(method: string): method is UpstreamMethod {
  return FORWARDED_METHODS.has(method);
}

function invalidRequest(message: string): GatewayError {
  return GatewayError.of(GatewayErrorCode.InvalidRequest, message);
}

function bodyTooLarge(limit: number): GatewayError {
  return new GatewayError(
    413,
    GatewayErrorCode.InvalidRequest,
    'invalid_request_error',
    `The request body is larger than the gateway accepts (${limit} bytes).`,
  );
}

function toGatewayError(error: UpstreamError, slug: string): GatewayError {
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

/** The headers set on the reply so far (`x-request-id` by the onRequest hook), for a hijacked reply. */
function headersOf(reply: FastifyReply): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return headers;
}
