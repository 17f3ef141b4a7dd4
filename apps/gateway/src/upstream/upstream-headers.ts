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

/** What a message without a `Connection` header lists: nothing (shared, never written to). */
const NONE_LISTED: ReadonlySet<string> = new Set();

/** Header names listed in `Connection` are hop-by-hop for this message too (RFC 9110 §7.6.1). */
function connectionTokens(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const raw = headers.connection;
  if (raw === undefined) return NONE_LISTED;
  const values = Array.isArray(raw) ? raw : [raw];
  return new Set(
    values
      .flatMap((value) => value.split(','))
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

function isHopByHop(name: string, listed: ReadonlySet<string>): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listed.has(name);
}

/** The client's headers as they may go upstream: without hop-by-hop, client auth, cookies or framing headers. */
export function forwardableRequestHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  return forwardable(headers, false);
}

function forwardable(headers: IncomingHttpHeaders, withoutAnthropic: boolean): Record<string, string | string[]> {
  const listed = connectionTokens(headers);
  const forwarded: Record<string, string | string[]> = {};
  for (const rawName in headers) {
    const value: HeaderValue = headers[rawName];
    const name = rawName.toLowerCase();
    if (
      value === undefined ||
      isHopByHop(name, listed) ||
      CLIENT_AUTH.has(name) ||
      REQUEST_FRAMING.has(name) ||
      (withoutAnthropic && name.startsWith('anthropic-'))
    ) {
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
  const headers: Record<string, string> = {};
  setProviderAuth(headers, provider, clientHeaders);
  return headers;
}

function setProviderAuth(
  headers: Record<string, string | string[]>,
  provider: Pick<UpstreamProvider, 'type' | 'credential'>,
  clientHeaders: IncomingHttpHeaders,
): void {
  if (provider.type === 'ANTHROPIC') {
    if (provider.credential !== null) headers['x-api-key'] = provider.credential;
    const version = clientHeaders['anthropic-version'];
    headers['anthropic-version'] = typeof version === 'string' && version !== '' ? version : DEFAULT_ANTHROPIC_VERSION;
    return;
  }
  // OpenAI, OpenAI-compatible servers and plain HTTP upstreams all take a bearer token.
  if (provider.credential !== null) headers.authorization = `Bearer ${provider.credential}`;
}

/**
 * Client headers plus provider auth: the complete header set of an upstream request, built in one object (this
 * runs on every call). Anthropic's own headers (`anthropic-version`, `anthropic-beta`) stay off requests to
 * OpenAI-format providers: an Anthropic client's request translated for such a provider must not carry them.
 */
export function upstreamRequestHeaders(
  provider: Pick<UpstreamProvider, 'type' | 'credential'>,
  clientHeaders: IncomingHttpHeaders,
  extra?: Record<string, string>,
): Record<string, string | string[]> {
  const headers = forwardable(clientHeaders, provider.type === 'OPENAI' || provider.type === 'OPENAI_COMPATIBLE');
  if (extra !== undefined) for (const name in extra) headers[name] = extra[name] as string;
  setProviderAuth(headers, provider, clientHeaders);
  return headers;
}

/**
 * The upstream's response headers as they may go to the client: no hop-by-hop headers, no cookies from the
 * provider, and no content-length (the gateway may rewrite a stream, e.g. drop the usage chunk, and Fastify
 * frames the body itself).
 */
export function responseHeadersForClient(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionTokens(headers);
  const kept: Record<string, string | string[]> = {};
  for (const rawName in headers) {
    const value: HeaderValue = headers[rawName];
    const name = rawName.toLowerCase();
    if (value === undefined || isHopByHop(name, listed) || name === 'set-cookie' || name === 'content-length') {
      continue;
    }
    kept[name] = value;
  }
  return kept;
}
