import { microsToUsd, type RateLimitStatus } from '@gatehouse/domain';
import { type LimitCheck, limitValue, requested } from './limit-checks';
import {
  type AdmitDecision,
  type Degradation,
  type LimitBreach,
  type Refused,
  type Reservation,
  type Reserve,
} from './limits.types';

/** What the admit script (or the local fallback) found for one check. */
export interface CheckOutcome {
  fits: boolean;
  /**
   * Bucket: whole units available now (after this request if taken). For a check that does not fit, what it saw
   * before this request: leases held, or used + reserved (the script reports these only then).
   */
  current: number;
  /** Buckets: ms until full. */
  resetMs: number | null;
  /** Buckets that do not fit but can: exact ms until they would. */
  retryAfterMs: number | null;
}

export interface DecisionInput {
  checks: readonly LimitCheck[];
  outcomes: readonly CheckOutcome[];
  /** What the request reserved: the amount each check was asked for. */
  reserve: Reserve;
  admitted: boolean;
  /** Present when admitted. */
  reservation: Reservation | null;
  degraded: Degradation | null;
}

/** The engine's answer from the per-check outcomes: refusal code, truthful retry-after, header values. */
export function toDecision(input: DecisionInput): AdmitDecision {
  const breaches: { breach: LimitBreach; monitor: boolean }[] = [];
  input.checks.forEach((check, index) => {
    const outcome = input.outcomes[index];
    if (outcome === undefined || outcome.fits) return;
    breaches.push({ breach: breachOf(check, outcome, input.reserve), monitor: check.monitor });
  });
  const monitored = breaches.filter((entry) => entry.monitor).map((entry) => entry.breach);
  const common = { rateLimits: headerLimits(input.checks, input.outcomes), monitored, degraded: input.degraded };

  if (input.admitted) {
    if (input.reservation === null) throw new Error('An admitted request needs its reservation');
    return { admitted: true, reservation: input.reservation, ...common };
  }
  const refusedBy = breaches.filter((entry) => !entry.monitor).map((entry) => entry.breach);
  return { admitted: false, ...refusal(refusedBy), refusedBy, ...common };
}

function breachOf(check: LimitCheck, outcome: CheckOutcome, reserve: Reserve): LimitBreach {
  const neverFits = check.spec.type === 'bucket' && outcome.retryAfterMs === null;
  return {
    ...check.ref,
    kind: check.kind,
    limitValue: limitValue(check.spec),
    requested: requested(check.spec, reserve),
    current: outcome.current,
    retryAfterMs: check.kind === 'rate' ? outcome.retryAfterMs : null,
    neverFits,
  };
}

/**
 * Quotas first: when one is exhausted, waiting for a rate limit would not help. Otherwise the request fits once
 * every refusing bucket has refilled enough, so the truthful wait is the longest of theirs.
 */
function refusal(refusedBy: readonly LimitBreach[]): Pick<Refused, 'code' | 'retryAfterMs' | 'retryable'> {
  if (refusedBy.some((breach) => breach.kind === 'quota')) {
    return { code: 'insufficient_quota', retryAfterMs: null, retryable: false };
  }
  if (refusedBy.some((breach) => breach.neverFits)) {
    return { code: 'rate_limit_exceeded', retryAfterMs: null, retryable: false };
  }
  const waits = refusedBy.filter((breach) => breach.kind === 'rate').map((breach) => breach.retryAfterMs ?? 0);
  const concurrency = refusedBy.some((breach) => breach.kind === 'concurrency');
  return {
    code: 'rate_limit_exceeded',
    // A concurrency slot frees when another request ends, which nobody can know in advance.
    retryAfterMs: concurrency || waits.length === 0 ? null : Math.max(...waits),
    retryable: true,
  };
}

/** The most restrictive RPM and TPM bucket (fewest units left, then the longest reset), for the headers. */
function headerLimits(checks: readonly LimitCheck[], outcomes: readonly CheckOutcome[]) {
  const pick = (limit: 'rpm' | 'tpm'): RateLimitStatus | null => {
    let best: RateLimitStatus | null = null;
    checks.forEach((check, index) => {
      const outcome = outcomes[index];
      if (check.ref.limit !== limit || check.spec.type !== 'bucket' || outcome === undefined) return;
      const status = { limit: check.spec.perMinute, remaining: outcome.current, resetMs: outcome.resetMs ?? 0 };
      if (
        best === null ||
        status.remaining < best.remaining ||
        (status.remaining === best.remaining && status.resetMs > best.resetMs)
      ) {
        best = status;
      }
    });
    return best;
  };
  return { requests: pick('rpm'), tokens: pick('tpm') };
}

const LIMIT_WORDING: Record<LimitBreach['limit'], string> = {
  rpm: 'requests per minute',
  tpm: 'tokens per minute',
  concurrency: 'concurrent requests',
  dailyTokens: 'daily token quota',
  monthlyTokens: 'monthly token quota',
  monthlyCalls: 'monthly call quota',
  monthlyBudgetUsd: 'monthly budget',
};

/** A client-facing message for a refusal (no internal ids beyond the scope kind). */
export function refusalMessage(decision: Refused): string {
  const [first] = decision.refusedBy;
  if (first === undefined) return 'Request refused by a limit.';
  const what = `${LIMIT_WORDING[first.limit]} of your ${first.scope === 'tenant' ? 'organisation' : first.scope}`;
  switch (first.kind) {
    case 'quota': {
      const amount = (value: number) =>
        first.limit === 'monthlyBudgetUsd' ? `$${microsToUsd(BigInt(value))}` : String(value);
      return (
        `You exceeded the ${what}: ${amount(first.current)} of ${amount(first.limitValue)} used or reserved, ` +
        `and this request needs up to ${amount(first.requested)}.`
      );
    }
    case 'concurrency':
      return `Too many concurrent requests: the limit of ${what} is ${first.limitValue}.`;
    case 'rate':
      return first.neverFits
        ? `This request needs ${first.requested} ${first.limit === 'tpm' ? 'tokens' : 'requests'}, more than the ` +
            `burst the ${what} allows at once; reduce max_tokens or the input.`
        : `Rate limit reached for ${what} (limit ${first.limitValue}). Retry after ${decision.retryAfterMs ?? 0} ms.`;
  }
}
