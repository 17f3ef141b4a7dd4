import { guardedConnector, type HostResolver, STRICT_ADDRESS_POLICY } from '@gatehouse/egress';
import { Pool } from 'undici';
import { UpstreamOriginRefusedError } from './upstream.error';
import { type UpstreamProvider, type UpstreamProviderSummary } from './upstream.types';

export interface UpstreamPoolOptions {
  /** TCP + TLS handshake. */
  connectTimeoutMs: number;
  /** From request sent to response headers; a slow first token counts here. */
  headersTimeoutMs: number;
  /** Longest silence between two body chunks (not the whole body: streams may last minutes). */
  bodyTimeoutMs: number;
  /** Idle keep-alive sockets are closed after this (unless the server says less). */
  keepAliveTimeoutMs: number;
  /** Sockets per origin. */
  connections: number;
  /** How the guarded pools (providers not marked internal) resolve host names; the system's by default. */
  resolver?: HostResolver;
}

export const DEFAULT_UPSTREAM_POOL_OPTIONS: UpstreamPoolOptions = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 120_000,
  bodyTimeoutMs: 120_000,
  keepAliveTimeoutMs: 30_000,
  // A stream holds its connection for its whole length: this bounds concurrent streams per provider origin.
  connections: 2_048,
};

/** Where one request of a provider goes: its pool and the request-target path on that pool's origin. */
export interface ResolvedUpstream {
  provider: UpstreamProvider;
  pool: Pool;
  origin: string;
  path: string;
}

/**
 * One undici `Pool` per provider origin (created at boot, closed on shutdown), built from the configured providers only: a request
 * can only reach an origin in `pools`, whatever the path, because undici sends the path to the pool's own origin.
 * Two providers on one origin share a pool (and its keep-alive sockets), unless one is internal and the other is
 * not: a provider that is not internal gets a guarded pool, whose connector resolves the host at every new
 * connection and refuses a loopback, private, link-local or metadata address (SSRF through DNS), connecting to
 * exactly the address it checked. The check costs one lookup per new socket, nothing per request on a warm
 * socket. TLS verification is undici's default and is never turned off.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();
  private providers = new Map<string, ConfiguredProvider>();

  constructor(private readonly options: UpstreamPoolOptions = DEFAULT_UPSTREAM_POOL_OPTIONS) {}

  /**
   * Replaces the provider set. Pools of origins still in use are kept (warm sockets survive a reload); pools of
   * origins no longer configured are closed gracefully, letting requests in flight finish. A provider with an
   * unusable base URL is left out (and returned) rather than failing the others.
   */
  async setProviders(providers: readonly UpstreamProvider[]): Promise<{ rejected: { id: string; reason: string }[] }> {
    const next = new Map<string, ConfiguredProvider>();
    const origins = new Set<string>();
    const rejected: { id: string; reason: string }[] = [];
    for (const provider of providers) {
      let base: URL;
      try {
        base = parseBaseUrl(provider);
      } catch (error) {
        rejected.push({ id: provider.id, reason: (error as Error).message });
        continue;
      }
      const key = poolKey(base.origin, provider.internal);
      origins.add(key);
      let pool = this.pools.get(key);
      if (pool === undefined) {
        pool = this.createPool(base.origin, provider.internal);
        this.pools.set(key, pool);
      }
      next.set(provider.id, {
        provider,
        summary: Object.freeze({ id: provider.id, name: provider.name, type: provider.type }),
        pool,
        origin: base.origin,
        prefix: base.pathname.replace(/\/+$/, ''),
      });
    }
    this.providers = next;
    const stale = [...this.pools.entries()].filter(([key]) => !origins.has(key));
    for (const [key] of stale) this.pools.delete(key);
    await Promise.all(stale.map(([, pool]) => pool.close()));
    return { rejected };
  }

  has(providerId: string): boolean {
    return this.providers.has(providerId);
  }

  /** A configured provider's id, name and type (which API it speaks), never its credential; undefined if unknown. */
  provider(providerId: string): UpstreamProviderSummary | undefined {
    return this.providers.get(providerId)?.summary;
  }

  get configuredOrigins(): string[] {
    return [...new Set([...this.pools.keys()].map(originOfKey))];
  }

  /**
   * The pool and path for `apiPath` on a provider. Throws `UpstreamOriginRefusedError` for an unknown provider,
   * a path that is not a plain absolute path, or a URL whose origin is not one of the pools.
   */
  resolve(providerId: string, apiPath: string): ResolvedUpstream {
    const configured = this.providers.get(providerId);
    if (configured === undefined) throw new UpstreamOriginRefusedError(`provider ${providerId} is not configured`);
    // `//host/...` would be a network-path reference, whitespace could split the request line, and dot segments
    // (plain or encoded) would climb out of the provider's path prefix.
    if (
      !apiPath.startsWith('/') ||
      apiPath.startsWith('//') ||
      /[\s\\#?]/.test(apiPath) ||
      /%2e/i.test(apiPath) ||
      /(^|\/)\.\.?(\/|$)/.test(apiPath)
    ) {
      throw new UpstreamOriginRefusedError('the API path must be a plain absolute path');
    }
    const { provider, pool, origin, prefix } = configured;
    // A path that URL parsing would leave as it is (every fixed API path) needs no parse on every request.
    if (URL_INERT_PATH.test(apiPath)) return { provider, pool, origin, path: `${prefix}${apiPath}` };
    const url = new URL(`${prefix}${apiPath}`, origin);
    if (url.origin !== origin)
      throw new UpstreamOriginRefusedError(`origin ${url.origin} is not a configured provider`);
    return { provider, pool, origin, path: `${url.pathname}${url.search}` };
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    this.providers = new Map();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  private createPool(origin: string, internal: boolean): Pool {
    return new Pool(origin, {
      connections: this.options.connections,
      // A custom connector replaces undici's own, and with it `connectTimeout`: the guard takes the timeout.
      ...(internal
        ? { connectTimeout: this.options.connectTimeoutMs }
        : {
            connect: guardedConnector({
              policy: STRICT_ADDRESS_POLICY,
              resolver: this.options.resolver,
              connectTimeoutMs: this.options.connectTimeoutMs,
            }),
          }),
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
      keepAliveTimeout: this.options.keepAliveTimeoutMs,
      // A provider may say less in `keep-alive: timeout=`; never hold a socket longer than we asked for.
      keepAliveMaxTimeout: this.options.keepAliveTimeoutMs,
    });
  }
}

/** A configured provider with what every request to it needs, worked out once when the providers are set. */
interface ConfiguredProvider {
  provider: UpstreamProvider;
  /** What `provider()` hands out: the same frozen object every time, never the credential. */
  summary: UpstreamProviderSummary;
  pool: Pool;
  origin: string;
  /** The base URL's path without its trailing slashes (`/openai`), or ''. */
  prefix: string;
}

/**
 * Paths of characters that WHATWG URL parsing neither percent-encodes nor reinterprets in a path (unreserved,
 * sub-delimiters, `:`, `@`, `/` and `%`, which it leaves as it is): for these, base path + API path is exactly what
 * `new URL` would give. Anything else takes the parse.
 */
const URL_INERT_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/** Internal and guarded providers on one origin get a pool each: the guard is a property of the pool's connector. */
function poolKey(origin: string, internal: boolean): string {
  return internal ? `internal ${origin}` : origin;
}

function originOfKey(key: string): string {
  return key.replace(/^internal /, '');
}

function parseBaseUrl(provider: UpstreamProvider): URL {
  let url: URL;
  try {
    url = new URL(provider.baseUrl);
  } catch {
    throw new UpstreamOriginRefusedError(`provider ${provider.name} has an invalid base URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UpstreamOriginRefusedError(`provider ${provider.name} has a non-HTTP base URL`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new UpstreamOriginRefusedError(
      `provider ${provider.name} has a base URL with credentials, query or fragment`,
    );
  }
  return url;
}
