import { GatewayErrorCode } from '@gatehouse/contracts';

/**
 * Redis, which holds quotas and budgets, cannot be asked, and the request has an enforced quota or budget that
 * does not fail open. The caller answers 503 `quota_backend_unavailable` (never a 429 or a 500): the request may
 * well be within its limits, nobody can tell.
 */
export class QuotaBackendUnavailableError extends Error {
  readonly code = GatewayErrorCode.QuotaBackendUnavailable;

  constructor(cause: unknown) {
    super('The quota and budget backend is unavailable; try again shortly.', { cause });
    this.name = 'QuotaBackendUnavailableError';
  }
}

/**
 * Reply errors that mean "Redis cannot serve right now" rather than "this script is wrong": loading a dataset,
 * busy with a long script, a read-only replica after failover, a cluster in flux, out of memory.
 */
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS)\b/;

/**
 * Whether an ioredis failure is an outage (fall back, fail closed, retry later) rather than a bug (rethrow):
 * anything that is not a reply from Redis (connection closed or refused, retries exhausted, timeouts) is one,
 * and so are the replies above.
 */
export function isBackendUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name !== 'ReplyError') return true;
  return UNAVAILABLE_REPLIES.test(error.message);
}

/** A Redis command that took longer than the engine waits on the request path. */
export class LimitsTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The limits backend did not answer within ${timeoutMs} ms`);
    this.name = 'LimitsTimeoutError';
  }
}
