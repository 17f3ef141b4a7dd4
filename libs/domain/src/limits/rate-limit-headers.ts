/**
 * The rate-limit headers OpenAI's API sends, which clients and SDKs read: `x-ratelimit-{limit,remaining,reset}-
 * {requests,tokens}`, and on a 429 `retry-after` (whole seconds, RFC 9110) with `retry-after-ms` (which the
 * official SDKs prefer when present).
 */

/** One limit as the headers show it: the per-minute limit, what is left now, and ms until the bucket is full. */
export interface RateLimitStatus {
  limit: number;
  remaining: number;
  resetMs: number;
}

export interface RateLimitHeaderInput {
  requests?: RateLimitStatus | null;
  tokens?: RateLimitStatus | null;
}

/**
 * A duration as OpenAI writes reset times: `250ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`. Sub-second parts are kept
 * below a minute; above, seconds round up, so a client never resumes early.
 */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1_000) return `${total}ms`;
  if (total < 60_000) return `${Number((total / 1_000).toFixed(3))}s`;
  const seconds = Math.ceil(total / 1_000);
  const hours = Math.floor(seconds / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = seconds % 60;
  return hours > 0 ? `${hours}h${minutes}m${rest}s` : `${minutes}m${rest}s`;
}

/** The `x-ratelimit-*` headers for the limits that apply; a kind with no limit gets no headers. */
export function rateLimitHeaders(input: RateLimitHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const status = input[kind];
    if (status === null || status === undefined) continue;
    headers[`x-ratelimit-limit-${kind}`] = String(status.limit);
    headers[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, status.remaining));
    headers[`x-ratelimit-reset-${kind}`] = formatResetDuration(status.resetMs);
  }
  return headers;
}

/**
 * `retry-after` in whole seconds, rounded up (a retry at that time is never early), and the exact
 * `retry-after-ms`.
 */
export function retryAfterHeaders(retryAfterMs: number): Record<string, string> {
  const ms = Math.max(0, Math.ceil(retryAfterMs));
  return { 'retry-after': String(Math.ceil(ms / 1_000)), 'retry-after-ms': String(ms) };
}
