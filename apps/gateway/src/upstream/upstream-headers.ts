import { type IncomingHttpHeaders } from 'node:http';
import { type UpstreamProvider } from './upstream.types';

/** RFC 9110 §7.6.1 connection-specific headers, plus the de-facto ones proxies also drop. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** The client's credentials to the gateway: forwarding them would leak a gateway key to a provider. */
const CLIENT_AUTH = new Set(['authorization', 'x-api-key', 'api-key', 'cookie']);

/**
 * Set by undici for the body we send (host from the pool's origin, length from the body); and
 * accept-encoding, because the gateway parses SSE bytes and must receive them uncompressed.
 */
const REQUEST_FRAMING = new Set(['host', 'content-length', 'accept-encoding', 'expect']);

/** What the gateway pins itself on a request to Anthropic when the client did not choose. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

type HeaderValue = string | string[] | undefined;

/** Header names listed in `Connection` are hop-by-hop for this message too (RFC 9110 §7.6.1). */
function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const raw = headers.connection;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return new Set(
    values
      .flatMap((value) => value.split(','))
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

function isHopByHop(name: string, listed: Set<string>): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listed.has(name);
}

/** The client's headers as they may go upstream: without hop-by-hop, client auth, cookies or framing headers. */
export function forwardableRequestHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionTokens(headers);
  const forwarded: Record<string, string | string[]> = {};
  for (const [rawName, value] of Object.entries(headers) as [string, HeaderValue][]) {
    const name = rawName.toLowerCase();
    if (value === undefined || isHopByHop(name, listed) || CLIENT_AUTH.has(name) || REQUEST_FRAMING.has(name)) {
      continue;
    }
    forwarded[name] = value;
  }
  return forwarded;
}

/** The provider's own authentication, by provider type. */
export function providerAuthHeaders(
  provider: Pick<UpstreamProvider, 'type' | 'credential'>,
  clientHeaders: IncomingHttpHeaders = {},
): Record<string, string> {
  if (provider.type === 'ANTHROPIC') {
    const version = clientHeaders['anthropic-version'];
    return {
      ...(provider.credential === null ? {} : { 'x-api-key': provider.credential }),
      'anthropic-version': typeof version === 'string' && version !== '' ? version : DEFAULT_ANTHROPIC_VERSION,
    };
  }
  // OpenAI, OpenAI-compatible servers and plain HTTP upstreams all take a bearer token.
  return provider.credential === null ? {} : { authorization: `Bearer ${provider.credential}` };
}

/**
 * Client headers plus provider auth: the complete header set of an upstream request. Anthropic's own headers
 * (`anthropic-version`, `anthropic-beta`) stay off requests to OpenAI-format providers: an Anthropic client's
 * request translated for such a provider must not carry them.
 */
export function upstreamRequestHeaders(
  provider: Pick<UpstreamProvider, 'type' | 'credential'>,
  clientHeaders: IncomingHttpHeaders,
  extra: Record<string, string> = {},
): Record<string, string | string[]> {
  let forwarded = forwardableRequestHeaders(clientHeaders);
  if (provider.type === 'OPENAI' || provider.type === 'OPENAI_COMPATIBLE') {
    forwarded = Object.fromEntries(Object.entries(forwarded).filter(([name]) => !name.startsWith('anthropic-')));
  }
  return { ...forwarded, ...extra, ...providerAuthHeaders(provider, clientHeaders) };
}

/**
 * The upstream's response headers as they may go to the client: no hop-by-hop headers, no cookies from the
 * provider, and no content-length (the gateway may rewrite a stream, e.g. drop the usage chunk, and Fastify
 * frames the body itself).
 */
export function responseHeadersForClient(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionTokens(headers);
  const kept: Record<string, string | string[]> = {};
  for (const [rawName, value] of Object.entries(headers) as [string, HeaderValue][]) {
    const name = rawName.toLowerCase();
    if (value === undefined || isHopByHop(name, listed) || name === 'set-cookie' || name === 'content-length') {
      continue;
    }
    kept[name] = value;
  }
  return kept;
}
