import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { addressRefusal, type AddressPolicy } from './address-policy';

/** One answer of a name lookup. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to its addresses; injectable so tests can make a name point anywhere without DNS. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), every answer in its own order. */
export const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true });

/** A connection refused because its host is, or resolves to, an address the policy forbids. Never transient. */
export class OutboundAddressRefusedError extends Error {
  readonly code = 'ERR_OUTBOUND_ADDRESS_REFUSED';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(host === address ? `${host} is ${reason}` : `${host} resolves to ${address}, ${reason}`);
    this.name = 'OutboundAddressRefusedError';
  }
}

export interface OutboundGuard {
  policy: AddressPolicy;
  resolver?: HostResolver;
}

/**
 * The one address a connection to `hostname` may use: a literal IP is checked as it is, a name is resolved and
 * every answer checked (one forbidden answer refuses the name, so a mixed answer cannot slip through), and one
 * answer is returned for the caller to connect to (the first IPv4 one, else the first). Throws `OutboundAddressRefusedError`, or the resolver's
 * own error when the name does not resolve.
 */
export async function checkedAddress(hostname: string, guard: OutboundGuard): Promise<string> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const answers: readonly ResolvedAddress[] = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : isLocalhostName(host)
      ? [{ address: '127.0.0.1', family: 4 }]
      : await (guard.resolver ?? systemResolver)(host);
  if (answers.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  for (const { address } of answers) {
    const reason = addressRefusal(address, guard.policy);
    if (reason !== null) throw new OutboundAddressRefusedError(host, address, reason);
  }
  // One checked address gets no happy-eyeballs fallback: IPv4 first, which every dual-stack name can be reached on.
  return (answers.find((answer) => answer.family === 4) ?? answers[0])?.address ?? host;
}

/** `localhost` and `*.localhost` are loopback whatever a resolver says (RFC 6761), so they never reach DNS. */
function isLocalhostName(host: string): boolean {
  const name = host.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Why a URL's host may not be called (`localhost resolves to 127.0.0.1, a loopback address`), or null. For checks
 * at save time: a name that does not resolve now is let through, because every connection checks it again.
 */
export async function outboundHostRefusal(url: URL, guard: OutboundGuard): Promise<string | null> {
  try {
    await checkedAddress(url.hostname, guard);
    return null;
  } catch (error) {
    return error instanceof OutboundAddressRefusedError ? error.message : null;
  }
}

export interface GuardedConnectorOptions extends OutboundGuard {
  /** TCP + TLS handshake, as undici's `connectTimeout` (which a custom connector replaces). */
  connectTimeoutMs?: number;
}

/**
 * An undici connector (the `connect` option of a Pool or Agent) that checks the host with `checkedAddress` before
 * every new connection and connects to exactly the address it checked, so a second DNS answer cannot differ (no
 * rebinding). TLS still verifies the certificate against the URL's host name (SNI from the Host). The check runs
 * once per connection, not per request: keep-alive sockets are reused without a lookup.
 */
export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({ timeout: options.connectTimeoutMs ?? 10_000 });
  return (connectOptions, callback) => {
    checkedAddress(connectOptions.hostname, options).then(
      (address) => connect({ ...connectOptions, hostname: address }, callback),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}
