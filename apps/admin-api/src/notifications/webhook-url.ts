import { type OutboundGuard, outboundHostRefusal } from '@gatehouse/egress';

/**
 * Why a tenant's webhook URL is refused, or null when it is acceptable. A webhook is the one place where
 * admin-api calls a URL a client chose: it must be http(s) without credentials (https in production), and its
 * host must not be, or resolve to, a loopback, private, link-local or metadata address (loopback only where
 * `WEBHOOK_ALLOW_LOOPBACK` allows it). Every delivery checks the address again when it connects.
 */
export async function webhookUrlProblem(
  url: string,
  options: { production: boolean; guard: OutboundGuard },
): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http(s) URL';
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (options.production && parsed.protocol !== 'https:') return 'must be an https:// URL';
  const refusal = await outboundHostRefusal(parsed, options.guard);
  return refusal === null ? null : `must not point at this address: ${refusal}`;
}
