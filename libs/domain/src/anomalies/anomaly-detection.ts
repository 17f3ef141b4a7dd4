/**
 * The anomalies watched for each tenant and for the platform as a whole: a share of server errors far above the
 * usual, traffic falling away, spend running faster than usual, and a burst of calls refused by policy.
 */
export const ANOMALY_SIGNALS = ['error_rate', 'throughput_drop', 'cost_spike', 'policy_violations'] as const;
export type AnomalySignal = (typeof ANOMALY_SIGNALS)[number];

/** The calls of the recent window (read from the raw events). */
export interface WindowStats {
  minutes: number;
  requests: number;
  /** Calls answered with any 4xx or 5xx status. */
  errors: number;
  /** Calls answered with a 5xx status: the gateway's and the upstreams' failures, not the client's refusals. */
  serverErrors: number;
  /** Calls a policy rule refused (a `block:` decision). */
  policyBlocks: number;
  costUsd: number;
}

/** The calls of the baseline before the window (read from the rollups, which count no server errors or blocks). */
export interface BaselineStats {
  minutes: number;
  requests: number;
  /** Calls answered with any 4xx or 5xx status. */
  errors: number;
  costUsd: number;
}

/** How far from the baseline counts as an anomaly, and the volumes below which nothing does. */
export interface AnomalyThresholds {
  /** Calls in the window before its error rate is judged. */
  minWindowRequests: number;
  /** The share of server errors in the window, and the rise of the error share over the baseline's, both at least this (0–1). */
  errorRate: number;
  /** Calls in the baseline before a drop in traffic or a rise in spend is judged. */
  minBaselineRequests: number;
  /** Traffic per minute below this fraction of the baseline's is a drop (0–1). */
  throughputDropRatio: number;
  /** Spend per minute at least this many times the baseline's is a spike. */
  costMultiplier: number;
  /** Spend in the window below this is never a spike, whatever the baseline. */
  minCostUsd: number;
  /** Refused calls in the window before they are judged. */
  minPolicyBlocks: number;
  /** Refusals per minute at least this many times the baseline's error rate per minute are a burst. */
  policyMultiplier: number;
}

export interface AnomalyVerdict {
  signal: AnomalySignal;
  anomalous: boolean;
  /** The window's value of the signal: a share (0–1) for error_rate, per minute for the others. */
  observed: number;
  /** The baseline's value in the same unit. */
  baseline: number;
}

const perMinute = (value: number, minutes: number) => (minutes > 0 ? value / minutes : 0);
const shareOf = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/**
 * Each signal of one subject: the window against its baseline. Nothing is anomalous below the minimum volumes,
 * so a quiet tenant or its first calls never are.
 *
 * - error_rate: the window has enough calls, at least `errorRate` of them failed with a 5xx, and its share of
 *   failed calls (4xx and 5xx) rose by at least `errorRate` over the baseline's. The rollups of the baseline
 *   do not tell 4xx from 5xx, so the rise compares like with like (every error), and the server-error share
 *   keeps a flood of client refusals (bad keys, rate limits) from counting.
 * - throughput_drop: the baseline has enough calls and the window's calls per minute fell below
 *   `throughputDropRatio` of the baseline's.
 * - cost_spike: the baseline has enough calls, the window spent at least `minCostUsd`, and its spend per minute is
 *   at least `costMultiplier` times the baseline's.
 * - policy_violations: the window has at least `minPolicyBlocks` refused calls and their rate per minute is at
 *   least `policyMultiplier` times the baseline's error rate per minute (a refused call is a 4xx, so the
 *   baseline's errors bound its refusals from above).
 */
export function detectAnomalies(
  window: WindowStats,
  baseline: BaselineStats,
  thresholds: AnomalyThresholds,
): AnomalyVerdict[] {
  const serverErrorShare = shareOf(window.serverErrors, window.requests);
  const baselineErrorShare = shareOf(baseline.errors, baseline.requests);
  const steadyBaseline = baseline.requests >= thresholds.minBaselineRequests;

  const rate = perMinute(window.requests, window.minutes);
  const baselineRate = perMinute(baseline.requests, baseline.minutes);
  const cost = perMinute(window.costUsd, window.minutes);
  const baselineCost = perMinute(baseline.costUsd, baseline.minutes);
  const blocks = perMinute(window.policyBlocks, window.minutes);
  const baselineErrors = perMinute(baseline.errors, baseline.minutes);

  return [
    {
      signal: 'error_rate',
      anomalous:
        window.requests >= thresholds.minWindowRequests &&
        serverErrorShare >= thresholds.errorRate &&
        shareOf(window.errors, window.requests) - baselineErrorShare >= thresholds.errorRate,
      observed: serverErrorShare,
      baseline: baselineErrorShare,
    },
    {
      signal: 'throughput_drop',
      anomalous: steadyBaseline && rate < baselineRate * thresholds.throughputDropRatio,
      observed: rate,
      baseline: baselineRate,
    },
    {
      signal: 'cost_spike',
      anomalous:
        steadyBaseline && window.costUsd >= thresholds.minCostUsd && cost >= baselineCost * thresholds.costMultiplier,
      observed: cost,
      baseline: baselineCost,
    },
    {
      signal: 'policy_violations',
      anomalous:
        window.policyBlocks >= thresholds.minPolicyBlocks && blocks >= baselineErrors * thresholds.policyMultiplier,
      observed: blocks,
      baseline: baselineErrors,
    },
  ];
}
