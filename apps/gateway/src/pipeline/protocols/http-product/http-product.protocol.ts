import { GatewayErrorCode } from '@gatehouse/contracts';
import { type FastifyRequest } from 'fastify';
import { GatewayError } from '../../../common/gateway-error';
import { type HttpProductEntry } from '../../../catalog/catalog.types';
import { type ClientSignal, type UpstreamMethod, type UpstreamRequest } from '../../../upstream';
import { forwardedPath, parseProductUrl, type ProductRequestTarget, queryProblem } from './forwarded-path';
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

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A request to `/apis/{slug}/...`, before its product is known. */
export type ProductAddress = ProductRequestTarget;

/** A call to an HTTP product, ready for its upstream: the product's provider, with the client's request. */
export interface HttpProductCall {
  providerId: string;
  request: UpstreamRequest;
  /** The body as it streams to the upstream; set when the request has one. */
  body: { stream: StreamedRequestBody; limit: number } | undefined;
}

/** The product slug and the rest of the URL; 400 when this is not an HTTP product's URL. */
export function readProductAddress(url: string): ProductAddress {
  const address = parseProductUrl(url);
  if (address === null) throw invalidRequest('This is not the URL of an HTTP product: /apis/{productSlug}/...');
  return address;
}

/** 404 for a slug that no published product has. */
export function productNotFound(slug: string): GatewayError {
  const named = SLUG.test(slug) ? `The product '${slug}'` : 'This product';
  return GatewayError.of(GatewayErrorCode.ModelNotFound, `${named} does not exist or is not published.`);
}

/**
 * HTTP products: `/apis/{slug}/...` forwarded to the product's provider, with the product's path prefix, the
 * client's method, path, query, headers and body, and the provider's credential instead of the client's key.
 * Refusals: 405 for a method not forwarded, 400 for a path that could leave the product's prefix, 413 over the body
 * limit, 502 for a product without a usable upstream.
 */
export function readHttpProductCall(
  request: FastifyRequest,
  address: ProductAddress,
  product: HttpProductEntry,
  signal: ClientSignal,
): HttpProductCall {
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
  const path = forwardedPath(product.upstream.pathPrefix, address.rest);
  if (!path.ok) throw invalidRequest(`This path cannot be forwarded to the product '${product.slug}': ${path.reason}.`);
  const badQuery = queryProblem(address.query);
  if (badQuery !== null) throw invalidRequest(`This request cannot be forwarded: ${badQuery}.`);

  const framing = bodyFramingOf(request);
  const chunked = framing.transferEncoding !== undefined;
  const length = framing.contentLength === undefined ? undefined : Number(framing.contentLength);
  const hasBody = !BODYLESS_METHODS.has(method) && (chunked || (length !== undefined && length > 0));
  const limit = request.routeOptions.bodyLimit;
  if (hasBody && length !== undefined && length > limit) throw bodyTooLarge(limit);
  const body = hasBody ? { stream: new StreamedRequestBody(request.raw, limit), limit } : undefined;
  return {
    providerId: product.upstream.providerId,
    body,
    request: {
      method,
      path: path.path,
      query: address.query,
      headers: {
        ...request.headers,
        ...(framing.contentType === undefined ? {} : { 'content-type': framing.contentType }),
        'x-request-id': request.id,
      },
      body: body === undefined ? undefined : () => body.stream,
      bodyLength: body === undefined || chunked ? undefined : length,
      // Only a request that can be sent again as it was: an idempotent method whose body nothing has read yet.
      mayRetry: () => IDEMPOTENT_METHODS.has(method) && (body === undefined || body.stream.untouched),
      passThrough: true,
      signal,
    },
  };
}

export function invalidRequest(message: string): GatewayError {
  return GatewayError.of(GatewayErrorCode.InvalidRequest, message);
}

export function bodyTooLarge(limit: number): GatewayError {
  return new GatewayError(
    413,
    GatewayErrorCode.InvalidRequest,
    'invalid_request_error',
    `The request body is larger than the gateway accepts (${limit} bytes).`,
  );
}

function isForwardedMethod(method: string): method is UpstreamMethod {
  return FORWARDED_METHODS.has(method);
}
