import { isIP } from 'node:net';

/**
 * Why a tenant's webhook URL is refused, or null when it is acceptable. A webhook is the one place where
 * admin-api calls a URL a client chose, so in production it must be https and must not name the loopback,
 * link-local (cloud metadata) or private networks by address or by `localhost`. A host name that resolves to
 * such an address is not caught here; egress rules of the deployment are the complete answer.
 */
export function webhookUrlProblem(url: string, production: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http(s) URL';
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (!production) return null;
  if (parsed.protocol !== 'https:') return 'must be an https:// URL';
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at this machine';
  if (isIP(host) && isInternalAddress(host)) return 'must not point at a loopback, link-local or private address';
  return null;
}

function isInternalAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const v4Mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4Mapped?.[1]) return isInternalAddress(v4Mapped[1]);
  // The URL parser writes an IPv4-mapped address in hex: `[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]`.
  const v4MappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (v4MappedHex?.[1] && v4MappedHex[2]) {
    const high = parseInt(v4MappedHex[1], 16);
    const low = parseInt(v4MappedHex[2], 16);
    return isInternalAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return address === '::' || address === '::1' || /^f[cd]/.test(address) || /^fe[89ab]/.test(address);
}
