import { type IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/** Headers through which a client could claim another address, host or scheme. */
const FORWARDING_HEADERS = /^(forwarded|x-real-ip|x-forwarded-.+)$/;

/**
 * Rewrites the request's forwarding headers before Next sees it: `x-forwarded-for` becomes the one client address
 * computed from the TCP peer (through PORTAL_TRUSTED_PROXIES, if any), and the original host and scheme are kept only
 * when a trusted proxy stated them. Next itself keeps whatever the client sent, and route handlers cannot see the
 * socket, so this is the only place the real peer is known.
 */
export function normaliseForwarding(request: IncomingMessage, trust: ReturnType<typeof proxyAddr.compile>): void {
  const peer = request.socket.remoteAddress ?? '';
  const fromTrustedProxy = peer !== '' && trust(peer, 0);
  const client = proxyAddr(request, trust);
  const host = fromTrustedProxy ? firstValue(request.headers['x-forwarded-host']) : undefined;
  const proto = fromTrustedProxy ? firstValue(request.headers['x-forwarded-proto']) : undefined;
  request.headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => !FORWARDING_HEADERS.test(name)),
  );
  request.headers['x-forwarded-for'] = client;
  // Next fills in the rest from the Host header and the socket when they are absent.
  if (host) request.headers['x-forwarded-host'] = host;
  if (proto === 'http' || proto === 'https') request.headers['x-forwarded-proto'] = proto;
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}
