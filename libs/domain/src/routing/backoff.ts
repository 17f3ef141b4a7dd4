export interface BackoffOptions {
  /** The ceiling of the first retry's delay. */
  baseDelayMs: number;
  /** No delay ever exceeds this, however many retries came before. */
  maxDelayMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniform delay in [0, min(max, base · 2^retry)). Spreading retries over
 * the whole window (rather than base·2^n ± a little) is what keeps many gateways that failed together from
 * retrying together. `retry` counts from 0 (the first retry).
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(retry));
  // 2^exponent overflows to Infinity past ~1024; min() then takes the cap, which is the intent.
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * Math.pow(2, exponent));
  return Math.floor(Math.max(0, ceiling) * clampUnit(random()));
}

function clampUnit(u: number): number {
  if (!(u >= 0)) return 0;
  return u >= 1 ? 1 - Number.EPSILON : u;
}
