import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { GatewayErrorCode, type KeySnapshot, type KeySnapshotSubscription } from '@gatehouse/contracts';
import {
  costMicros,
  rateLimitHeaders,
  retryAfterHeaders,
  type LlmEndpoint,
  type TokenPrice,
  worstCaseCostMicros,
} from '@gatehouse/domain';
import {
  type ActualUsage,
  type Admitted,
  type LimitScope,
  LimitsEngine,
  QuotaBackendUnavailableError,
  type Refused,
  refusalMessage,
  type Reserve,
} from '@gatehouse/redis';
import { GatewayError } from '../../common/gateway-error';
import { REQUEST_LIMITS_OPTIONS, type RequestLimitsOptions } from '../../limits/limits.options';
import { outputCapRefusal } from '../../limits/output-cap-refusal';
import { ALLOW, type Decision, refuse } from '../decision';
import { type ModelCall } from '../protocols/model-call';
import { type HeldReservation, type RequestContext, type RequestEntitlement } from '../request-context';

/** What `admit` decided, and the `x-ratelimit-*` headers the answer carries either way. */
export interface Admission {
  decision: Decision;
  headers: Record<string, string>;
}

const NO_HEADERS: Record<string, string> = {};

/**
 * Stages 4 and 10, `limits.admit` and `limits.settle` (docs/limits.md). Admit: one `LimitsEngine.admit` reserves
 * the worst case (input estimate + output allowance, priced) against every scope (the subscription, the key's
 * narrowing, the tenant's monthly budget) and takes a concurrency lease; a refusal is a 429 (or a 503 when the quota
 * backend is down and the plan does not fail open), but a 400 naming `max_tokens` when the client's cap alone makes
 * the request larger than a limit can ever hold. Settle, in the end-of-request step: the reservation becomes what
 * the call used, releasing the rest and the lease.
 */
@Injectable()
export class LimitsStage implements OnModuleDestroy {
  private readonly logger = new Logger(LimitsStage.name);
  /** Reservations held in Redis by requests in flight, extended by `heartbeat` until they are settled. */
  private readonly keptAlive = new Set<HeldReservation>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly engine: LimitsEngine,
    @Inject(REQUEST_LIMITS_OPTIONS) private readonly options: RequestLimitsOptions,
  ) {}

  /** Admits a model call: its worst case in tokens and cost. */
  admitModelCall(
    context: RequestContext,
    key: KeySnapshot,
    entitlement: RequestEntitlement,
    call: ModelCall,
  ): Promise<Admission> {
    const price = entitlement.price;
    const inputTokens = this.inputEstimate(call.endpoint, call.body);
    const reserve: Reserve = {
      tokens: inputTokens + call.maxOutputTokens,
      costMicros: price === null ? 0n : worstCaseCostMicros(price, inputTokens, call.maxOutputTokens),
    };
    return this.admit(context, key, entitlement.subscription, reserve, price, (refused) =>
      outputCapRefusal(refused, call.outputCapParam, call.maxOutputTokens, {
        tokens: inputTokens,
        costMicros: price === null ? 0n : worstCaseCostMicros(price, inputTokens, 0),
      }),
    );
  }

  /** The input tokens a model call reserves for: the configured estimator's count of the client's body. */
  inputEstimate(endpoint: LlmEndpoint, body: Record<string, unknown>): number {
    return this.options.estimator.estimateInputTokens(endpoint, body);
  }

  /**
   * Admits a call that uses no tokens (an HTTP product, a token count): requests, concurrency and calls count, and
   * it reserves nothing.
   */
  admitTokenless(context: RequestContext, key: KeySnapshot, entitlement: RequestEntitlement): Promise<Admission> {
    return this.admit(context, key, entitlement.subscription, { tokens: 0, costMicros: 0n }, null);
  }

  /**
   * Replaces the reservation with what the call used (the upstream's counts, or what a cut stream sent, at the
   * model's price). Never throws: a failure is logged, and the reservation's TTL frees it in the end.
   */
  async settle(context: RequestContext): Promise<void> {
    const held = context.held;
    if (held === null) return;
    context.held = null;
    this.keptAlive.delete(held);
    try {
      await this.engine.settle(held.reservation, actualUsage(context, held));
    } catch (error) {
      this.logger.error({ err: error, requestId: context.requestId }, 'a reservation could not be settled');
    }
  }

  private async admit(
    context: RequestContext,
    key: KeySnapshot,
    subscription: KeySnapshotSubscription,
    reserve: Reserve,
    price: TokenPrice | null,
    /** A refusal that is the request's fault rather than the limits' (a 400 instead of the 429). */
    requestFault: (refused: Refused) => GatewayError | null = () => null,
  ): Promise<Admission> {
    let decision: Admitted | Refused;
    try {
      decision = await this.engine.admit({
        tenantId: key.tenantId,
        requestId: context.requestId,
        scopes: scopesOf(key, subscription),
        reserve,
        timeZone: key.tenantTimeZone,
        ttlMs: this.options.reservationTtlMs,
        failOpen: subscription.quotaFailOpen,
      });
    } catch (error) {
      if (error instanceof QuotaBackendUnavailableError) {
        context.limitDecision = 'refused';
        return {
          decision: refuse(GatewayError.of(GatewayErrorCode.QuotaBackendUnavailable, error.message)),
          headers: NO_HEADERS,
        };
      }
      throw error;
    }
    const headers = rateLimitHeaders(decision.rateLimits);
    if (decision.monitored.length > 0) {
      context.limitsMonitored = decision.monitored.map((breach) => `${breach.scope}.${breach.limit}`);
      for (const breach of context.limitsMonitored) context.decisions.push(`monitor:${breach}`);
    }
    context.limitDecision = decision.admitted ? 'admitted' : 'refused';
    if (!decision.admitted) {
      return { decision: refuse(requestFault(decision) ?? refusalError(decision, headers)), headers };
    }
    // No limit applied (a subscription without limits): nothing is held, so nothing needs settling.
    if (decision.reservation.backend !== 'none') context.held = this.hold(decision, reserve, price);
    return { decision: ALLOW, headers };
  }

  private hold(decision: Admitted, reserve: Reserve, price: TokenPrice | null): HeldReservation {
    const held: HeldReservation = { reservation: decision.reservation, reserve, price, extendedAt: performance.now() };
    // Only a reservation in Redis can be extended; a local one (Redis was down) keeps its TTL.
    if (held.reservation.backend === 'redis') this.keptAlive.add(held);
    this.heartbeat ??= setInterval(() => this.extendLongRequests(), this.options.reservationTtlMs / 4).unref();
    return held;
  }

  /**
   * A long request (a stream) keeps its reservation until it is settled: one heartbeat for all of them extends
   * each one not extended for a quarter of the TTL, so none goes half its TTL unextended. One timer for the
   * process rather than one per request: most requests end long before their first extension.
   */
  private extendLongRequests(): void {
    const due = performance.now() - this.options.reservationTtlMs / 4;
    for (const held of this.keptAlive) {
      if (held.extendedAt > due) continue;
      held.extendedAt = performance.now();
      void this.engine.extend(held.reservation, this.options.reservationTtlMs).catch(() => undefined);
    }
  }

  onModuleDestroy(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

/** Each key snapshot's scopes, per subscription, built once: the engine caches its plans by these objects. */
const scopesOfSnapshot = new WeakMap<KeySnapshot, Map<string, LimitScope[]>>();

function scopesOf(key: KeySnapshot, subscription: KeySnapshotSubscription): LimitScope[] {
  let bySubscription = scopesOfSnapshot.get(key);
  if (bySubscription === undefined) {
    bySubscription = new Map();
    scopesOfSnapshot.set(key, bySubscription);
  }
  let scopes = bySubscription.get(subscription.subscriptionId);
  if (scopes === undefined) {
    scopes = buildScopes(key, subscription);
    bySubscription.set(subscription.subscriptionId, scopes);
  }
  return scopes;
}

/**
 * The scopes a call is counted in: its subscription, the key's own narrower limits, the tenant's budget. The
 * subscription's counters are those of its chain of plan changes (`limitsScopeId`), so a change neither resets
 * them nor adds a second budget: usage under the old plan counts against the new plan's limits.
 */
function buildScopes(key: KeySnapshot, subscription: KeySnapshotSubscription): LimitScope[] {
  const scopes: LimitScope[] = [
    {
      kind: 'subscription',
      id: subscription.limitsScopeId ?? subscription.subscriptionId,
      limits: subscription.limits,
      modes: subscription.limitModes,
    },
  ];
  if (key.keyLimits !== null) scopes.push({ kind: 'key', id: key.keyId, limits: key.keyLimits });
  if (key.tenantMonthlyBudgetUsd !== null) {
    scopes.push({ kind: 'tenant', id: key.tenantId, limits: { monthlyBudgetUsd: key.tenantMonthlyBudgetUsd } });
  }
  return scopes;
}

/**
 * What the call used: the upstream's counts (or the gateway's count of a cut stream) at the model's price. A call
 * that no upstream answered used nothing and is no call; one whose answer carried no counts keeps its whole
 * reservation, since nobody can say it used less; an HTTP product's call counts as a call, with no tokens.
 */
function actualUsage(context: RequestContext, held: HeldReservation): ActualUsage {
  if (context.timeToFirstByteMs === null) return { tokens: 0, costMicros: 0n, calls: 0 };
  const usage = context.usage;
  if (usage === null || usage.source === 'unknown') {
    return { tokens: held.reserve.tokens, costMicros: held.reserve.costMicros };
  }
  if (usage.source === 'none') return { tokens: 0, costMicros: 0n };
  const tokens = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedTokens,
  };
  const cost = held.price === null ? 0n : costMicros(held.price, tokens);
  // The `record` stage reports the same cost (metrics, log line): priced once per request, not twice.
  context.costMicros = cost;
  return { tokens: usage.inputTokens + usage.outputTokens, costMicros: cost };
}

function refusalError(decision: Refused, rateHeaders: Record<string, string>): GatewayError {
  const message = refusalMessage(decision);
  if (decision.code === 'insufficient_quota') {
    const error = GatewayError.of(GatewayErrorCode.InsufficientQuota, message);
    return new GatewayError(error.status, error.code, error.type, message, null, {
      ...rateHeaders,
      'x-should-retry': 'false',
    });
  }
  const error = GatewayError.of(GatewayErrorCode.RateLimitExceeded, message);
  const retry =
    decision.retryAfterMs === null
      ? // A concurrency slot frees when another request ends: unknowable, so a short wait is suggested.
        decision.retryable
        ? retryAfterHeaders(1_000)
        : { 'x-should-retry': 'false' }
      : retryAfterHeaders(decision.retryAfterMs);
  return new GatewayError(error.status, error.code, error.type, message, null, { ...rateHeaders, ...retry });
}
