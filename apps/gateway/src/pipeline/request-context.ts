import { type KeySnapshot, type KeySnapshotSubscription } from '@gatehouse/contracts';
import { type PlaceholderVault, type TokenPrice } from '@gatehouse/domain';
import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { type Reservation, type Reserve } from '@gatehouse/redis';
import { type BodyCapture } from '../call-log/body-capture';
import { type RequestTrace } from '../tracing/request-trace';
import { ClientLifetime, type UpstreamTarget } from '../upstream';

/** Where the token counts came from; `none` when there is nothing to count (see libs/jobs `usageSource`). */
export type UsageSource = UsageRecordedV1['usageSource'];

export interface MeteredUsage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  source: UsageSource;
}

/** What the call runs under: the subscription that grants it, its product, and the model's price now. */
export interface RequestEntitlement {
  subscription: KeySnapshotSubscription;
  productId: string;
  /** The product's slug, which policy documents name products by; null when the catalog does not have it. */
  productSlug: string | null;
  /** The public model alias; null for an HTTP product. */
  model: string | null;
  /** Null when the catalog has no price (budgets then see the call as free) or for an HTTP product. */
  price: TokenPrice | null;
  /** The model's routing targets, from the catalog snapshot the price came from; none for an HTTP product. */
  targets: readonly UpstreamTarget[];
}

/** Budget and rate held by `limits.admit` until `limits.settle` replaces it with what the call used. */
export interface HeldReservation {
  reservation: Reservation;
  reserve: Reserve;
  price: TokenPrice | null;
  /** `performance.now()` when the reservation was taken or last extended (long streams keep it alive). */
  extendedAt: number;
}

/** The route label of a request no route of the gateway serves. */
export const UNMATCHED_ROUTE = 'unmatched';

/** What `limits.admit` decided: the call went on, or it was refused (its code is the request's error code). */
export type LimitDecision = 'admitted' | 'refused';

const NO_BREACHES: readonly string[] = [];

/**
 * One request as it goes through the pipeline (request-pipeline.ts): each stage reads what the earlier ones
 * decided and adds its own result; the end-of-request step reads it once, to settle the limits and record the
 * usage event. Stages never write the reply; only the pipeline does.
 */
export class RequestContext {
  /** Aborted when the client leaves before its answer is complete: the upstream call and stream listen to it. */
  readonly lifetime = new ClientLifetime();
  /** Set by `authenticate`; a request without it belongs to no tenant and is not recorded. */
  key: KeySnapshot | null = null;
  /** The key's visible prefix (`gh_live_AbCd`), set with `key`: what a log line may name of it. */
  keyPrefix: string | null = null;
  /** The endpoint's name in usage events: `chat.completions`, `completions`, `embeddings`, `messages`, `responses`, `http`... */
  endpoint = 'unknown';
  entitlement: RequestEntitlement | null = null;
  held: HeldReservation | null = null;
  /** The target that answered (or, when none did, the last one tried). */
  route: { providerId: string; upstreamModel: string | null } | null = null;
  /** Since arrival, when the answering upstream's headers came; null when no upstream answered. */
  timeToFirstByteMs: number | null = null;
  /** Since arrival, when a streamed answer's first output came from the upstream; null otherwise. */
  timeToFirstTokenMs: number | null = null;
  usage: MeteredUsage | null = null;
  /** What the counted usage cost at the entitlement's price, once `limits.settle` priced it; null until then. */
  costMicros: bigint | null = null;
  streamed = false;
  /** The gateway's error code for this request; the first one set is kept (the root cause, not its echo). */
  errorCode: string | null = null;
  /** What the limits and policies decided without refusing (`monitor:subscription.rpm`...), for the usage event. */
  readonly decisions: string[] = [];
  /** Set by `limits.admit`; null when the request ended before the limits were asked. */
  limitDecision: LimitDecision | null = null;
  /** The monitored limits the call breached and was let through anyway (`subscription.rpm`). */
  limitsMonitored: readonly string[] = NO_BREACHES;
  /** Set by `cache.lookup`; null when the request ended before it. */
  cacheResult: 'hit' | 'miss' | null = null;
  /** The policy rules that fired (`access.hours=monitor`, `access.denyModels=block`): `x-gatehouse-policy`. */
  readonly policyFired: string[] = [];
  /**
   * The originals behind the placeholders `pii.input` put in this request's prompt, when a rule asked for them to be
   * restored in the answer (`restore: true`); null otherwise. Never logged, never leaves this request.
   */
  placeholders: PlaceholderVault | null = null;
  /** The bodies the call log stores, when the call's policy says so (`logging.bodies`); null otherwise. */
  bodyCapture: BodyCapture | null = null;
  /** The request's spans; null when tracing is off (or before the pipeline opened the request). */
  trace: RequestTrace | null = null;
  /** Settles once a stream's usage is known (its end, break or abandonment); the end-of-request step waits. */
  usageReported: Promise<void> | null = null;

  constructor(
    readonly requestId: string,
    /** `performance.now()` when the request arrived. */
    readonly startedAt: number,
    /** The client's address (the TCP peer, or the client behind GATEWAY_TRUSTED_PROXIES). */
    readonly clientIp: string,
    /** The pattern of the route that took the request (`/v1/chat/completions`, `/apis/:slug/*`), never its path. */
    readonly routePattern: string = UNMATCHED_ROUTE,
  ) {}

  failed(code: string): void {
    this.errorCode ??= code;
  }
}
