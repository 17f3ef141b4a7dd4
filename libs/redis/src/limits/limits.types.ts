import { type LimitName, type Limits } from '@gatehouse/contracts';
import { type LimitMode, type RateLimitHeaderInput } from '@gatehouse/domain';

/** Whose counters a limit uses: the subscription's, the key's (narrowing), or the whole tenant's. */
export type ScopeKind = 'subscription' | 'key' | 'tenant';

/** The limits this engine enforces; `rpmBurst`/`tpmBurst` size the RPM/TPM buckets, `allowedModels` is entitlement's. */
export type EnforcedLimitName = Exclude<LimitName, 'allowedModels' | 'rpmBurst' | 'tpmBurst'>;

/** What kind of check a limit is, which decides the refusal: `insufficient_quota` for quotas, else a rate limit. */
export type LimitKind = 'rate' | 'concurrency' | 'quota';

/**
 * One set of counters and the limits on them. A request is checked against every scope it belongs to: its
 * subscription (plan limits with the admin's overrides), optionally its key (narrower limits on the same
 * names), and the tenant (a monthly budget across all subscriptions).
 */
export interface LimitScope {
  kind: ScopeKind;
  id: string;
  /** Absent or null = unlimited (the admin API's limit names, docs/api.md). `allowedModels` is ignored here. */
  limits: Limits;
  /** Per-limit mode; a limit not listed is enforced. `rpm`'s mode covers `rpmBurst`, `tpm`'s covers `tpmBurst`. */
  modes?: Partial<Record<LimitName, LimitMode>>;
}

/** The worst case a request may use, reserved before it runs. */
export interface Reserve {
  /** Input tokens (counted or estimated) plus the output allowance (`max_tokens` × choices). 0 for HTTP products. */
  tokens: number;
  /** Those tokens at the model's price, in micro-USD (`worstCaseCostMicros`). */
  costMicros: bigint;
}

export interface AdmitRequest {
  tenantId: string;
  /** Kept on the reservation record for operators; the reservation id itself is generated. */
  requestId?: string;
  scopes: readonly LimitScope[];
  reserve: Reserve;
  /** The tenant's IANA time zone for daily and monthly periods; null, absent or unknown = UTC. */
  timeZone?: string | null;
  /** How long the reservation and its concurrency leases live unless settled or extended (default: engine's). */
  ttlMs?: number;
  /**
   * The plan says quotas and budgets fail open: when Redis is unreachable the request is admitted with the
   * local rate limits only, and its quotas are not counted. Without it such a request gets 503.
   */
  failOpen?: boolean;
}

export interface LimitRef {
  scope: ScopeKind;
  scopeId: string;
  limit: EnforcedLimitName;
}

/** A limit the request does not fit (enforced: refused; monitored: reported and admitted all the same). */
export interface LimitBreach extends LimitRef {
  kind: LimitKind;
  /** The limit: per minute for rate limits, leases for concurrency, tokens, calls or micro-USD for quotas. */
  limitValue: number;
  /** What the check saw: rate: units available; concurrency: leases held; quota: used plus reserved in the period. */
  current: number;
  /** What this request needed of it. */
  requested: number;
  /** Rate limits: exact ms until this limit would admit it; null for quotas, concurrency, and never-fits. */
  retryAfterMs: number | null;
  /** A rate-limited request larger than the bucket itself: no retry can succeed. */
  neverFits: boolean;
}

/** How a decision was reached when Redis could not be asked. */
export type Degradation =
  /** Rate limits and concurrency from this process alone (approximate); quotas were not checked (fail-open). */
  'local-fallback';

/** A reservation to settle (or extend) when the response ends. */
export interface Reservation {
  tenantId: string;
  id: string;
  /** Where its counters live: Redis; this process (Redis was down); nowhere (no limit applied). */
  backend: 'redis' | 'local' | 'none';
  /** When it expires unless settled or extended (ms since the epoch, by the clock that decided it). */
  expiresAt: number;
}

interface DecisionCommon {
  /** For the `x-ratelimit-*` headers: the most restrictive RPM and TPM limit, absent when none applies. */
  rateLimits: RateLimitHeaderInput;
  /** Monitored limits the request would have broken: record them, do not enforce them. */
  monitored: LimitBreach[];
  degraded: Degradation | null;
}

export interface Admitted extends DecisionCommon {
  admitted: true;
  reservation: Reservation;
}

export interface Refused extends DecisionCommon {
  admitted: false;
  /** 429 either way: `insufficient_quota` (with `x-should-retry: false`) when a quota or budget refused. */
  code: 'rate_limit_exceeded' | 'insufficient_quota';
  /**
   * For `rate_limit_exceeded`: ms until every refusing rate limit admits it (exact; send as `retry-after`).
   * Null for quotas, for concurrency (a slot frees when another request ends: unknowable), and when it never fits.
   */
  retryAfterMs: number | null;
  /** False when retrying cannot help: a quota is exhausted, or the request exceeds a bucket's capacity. */
  retryable: boolean;
  /** The enforced limits that refused it. */
  refusedBy: LimitBreach[];
}

export type AdmitDecision = Admitted | Refused;

/** What the request really used, known when the response (or stream) has ended. */
export interface ActualUsage {
  /** Input plus output tokens as the provider reported them (or as counted for a cut stream). */
  tokens: number;
  /** Their cost at the model's price, in micro-USD (`costMicros`). */
  costMicros: bigint;
  /** Towards `monthlyCalls`; default 1. Pass 0 for a call that never reached the upstream. */
  calls?: number;
}

export type SettleOutcome =
  /** Reserved amounts replaced by the actual ones; lease released. */
  | 'settled'
  /** The reservation had expired (and been released): the actual usage was added, once. */
  | 'settled_after_expiry'
  /** Nothing to settle: already settled, or its record outlived its grace period. Nothing changed. */
  | 'unknown'
  /** Redis is unreachable: the settlement is queued in this process and retried until it lands. */
  | 'deferred';
