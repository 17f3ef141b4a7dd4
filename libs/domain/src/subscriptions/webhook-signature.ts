import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a webhook's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-gatehouse-signature';

/**
 * A receiver refuses a signature older than this (replay protection); five minutes tolerates clock skew and
 * a slow delivery, and keeps a captured request useless soon after.
 */
export const WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = 300;

/** HMAC-SHA256 over `${timestamp}.${body}`, hex. The timestamp is signed so it cannot be replaced. */
export function webhookSignatureDigest(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The `x-gatehouse-signature` value for `body` sent at `now`. */
export function signWebhook(secret: string, body: string, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${webhookSignatureDigest(secret, timestamp, body)}`;
}

/**
 * What a receiver does: checks that `header` signs exactly `body` with `secret`, within the tolerance of
 * `now`. Constant-time comparison, so the digest cannot be guessed byte by byte from response times.
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  now: Date = new Date(),
  toleranceSeconds: number = WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    if (!key || rest.length === 0) continue;
    parts.set(key, [...(parts.get(key) ?? []), rest.join('=')]);
  }
  const timestampText = parts.get('t')?.[0];
  if (!timestampText || !/^\d+$/.test(timestampText)) return false;
  const timestamp = Number(timestampText);
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignatureDigest(secret, timestamp, body), 'hex');
  // Several v1 values are allowed so that a sender can sign with an old and a new secret during rotation.
  return (parts.get('v1') ?? []).some((candidate) => {
    if (!/^[0-9a-f]+$/i.test(candidate)) return false;
    const actual = Buffer.from(candidate, 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}
