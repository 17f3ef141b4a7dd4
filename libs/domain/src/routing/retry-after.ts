/**
 * `retry-after` (RFC 9110 §10.2.3) as a delay in milliseconds: either delay-seconds (a non-negative integer) or an
 * HTTP-date, which is turned into a delay against `nowMs`. A date in the past is 0. Anything else (absent,
 * negative, fractional, garbage) is null: the caller then falls back to its own backoff instead of trusting it.
 * Some providers also send `retry-after-ms` (OpenAI); callers that see it can prefer it via `parseRetryAfterMsHeader`.
 */
export function parseRetryAfterMs(value: string | readonly string[] | undefined | null, nowMs: number): number | null {
  const raw = firstValue(value)?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) {
    const seconds = Number(raw);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : null;
  }
  // Only the IMF-fixdate and obsolete formats have a weekday name or a month name; Date.parse would also
  // accept things like "5" or "2026", which the digit branch above already rules out.
  if (!/[A-Za-z]/.test(raw)) return null;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** `retry-after-ms`: a non-negative number of milliseconds, possibly fractional; null when absent or invalid. */
export function parseRetryAfterMsHeader(value: string | readonly string[] | undefined | null): number | null {
  const raw = firstValue(value)?.trim();
  if (!raw || !/^\d+(\.\d+)?$/.test(raw)) return null;
  return Math.ceil(Number(raw));
}

function firstValue(value: string | readonly string[] | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : value[0];
}
