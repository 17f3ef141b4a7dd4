import { Inject, Injectable, Logger } from '@nestjs/common';
import { GatewayErrorCode, type KeySnapshot, type KeySnapshotSubscription } from '@gatehouse/contracts';
import {
  ConservativeTokenEstimator,
  costMicros,
  type InputTokenEstimator,
  type LlmEndpoint,
  type OutputAllowance,
  outputAllowance,
  rateLimitHeaders,
  retryAfterHeaders,
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
  type Reservation,
  type Reserve,
} from '@gatehouse/redis';
import { type FastifyReply } from 'fastify';
import { GatewayError } from '../common/gateway-error';
import { type MeterReading, type RequestMeter } from '../usage/request-meter';

export interface RequestLimitsOptions {
  /** The output cap sent upstream when the client sets none, so that the reservation bounds the answer. */
  defaultMaxTokens: number;
  /** How long a reservation and its concurrency lease live unless settled; long streams extend them. */
  reservationTtlMs: number;
  estimator: InputTokenEstimator;
}

export const REQUEST_LIMITS_OPTIONS = Symbol('REQUEST_LIMITS_OPTIONS');

export const DEFAULT_REQUEST_LIMITS_OPTIONS: RequestLimitsOptions = {
  defaultMaxTokens: 4_096,
  reservationTtlMs: 10 * 60_000,
  estimator: new ConservativeTokenEstimator(),
};

/** A call to a model, as the limits see it before it runs. */
export interface ModelCall {
  key: KeySnapshot;
  subscription: KeySnapshotSubscription;
  endpoint: LlmEndpoint;
  /** The client's body, for the input estimate. */
  body: Record<string, unknown>;
  /** The output allowance (`outputAllowance`): what the answer may use at most. */
  maxOutputTokens: number;
  /** The model's price now; null when the catalog has none (then budgets see the call as free). */
  price: TokenPrice | null;
}

/**
 * The limits (docs/limits.md) on the request path: before the upstream call, one `LimitsEngine.admit` reserves the
 * worst case (input estimate + output allowance, priced) against every scope (the subscription, the key's
 * narrowing, the tenant's monthly budget) and takes a concurrency lease; a refusal is a 429 (or a 503 when the
 * quota backend is down and the plan does not fail open). When the response is over (finished, failed, or cut by
 * the client) the reservation settles to what the meter measured, releasing the rest and the lease.
 */
@Injectable()
export class RequestLimits {
  private readonly logger = new Logger(RequestLimits.name);

  constructor(
    private readonly engine: LimitsEngine,
    @Inject(REQUEST_LIMITS_OPTIONS) private readonly options: RequestLimitsOptions,
  ) {}

  /** The output cap sent upstream when the client sets none. */
  get defaultMaxTokens(): number {
    return this.options.defaultMaxTokens;
  }

  /**
   * The most an answer to `body` may use, which the reservation covers: the client's cap, or (`capToSend`) the
   * gateway's default, which the caller must then send upstream.
   */
  outputAllowance(endpoint: LlmEndpoint, body: Record<string, unknown>): OutputAllowance {
    return outputAllowance(endpoint, body, this.options.defaultMaxTokens);
  }

  /** Admits a model call or throws the refusal; the `x-ratelimit-*` headers go on `reply` either way. */
  async admitModelCall(call: ModelCall, meter: RequestMeter, reply: FastifyReply): Promise<void> {
    const inputTokens = this.options.estimator.estimateInputTokens(call.endpoint, call.body);
    const reserve: Reserve = {
      tokens: inputTokens + call.maxOutputTokens,
      costMicros: call.price === null ? 0n : worstCaseCostMicros(call.price, inputTokens, call.maxOutputTokens),
    };
    await this.admit(call.key, call.subscription, reserve, call.price, meter, reply);
  }

  /** Admits a call to an HTTP product: requests, concurrency and calls count; it uses no tokens. */
  async admitHttpCall(
    key: KeySnapshot,
    subscription: KeySnapshotSubscription,
    meter: RequestMeter,
    reply: FastifyReply,
  ): Promise<void> {
    await this.admit(key, subscription, { tokens: 0, costMicros: 0n }, null, meter, reply);
  }

  private async admit(
    key: KeySnapshot,
    subscription: KeySnapshotSubscription,
    reserve: Reserve,
    price: TokenPrice | null,
    meter: RequestMeter,
    reply: FastifyReply,
  ): Promise<void> {
    let decision: Admitted | Refused;
    try {
      decision = await this.engine.admit({
        tenantId: key.tenantId,
        requestId: meter.requestId,
        scopes: scopesOf(key, subscription),
        reserve,
        timeZone: key.tenantTimeZone,
        ttlMs: this.options.reservationTtlMs,
        failOpen: subscription.quotaFailOpen,
      });
    } catch (error) {
      if (error instanceof QuotaBackendUnavailableError) {
        throw GatewayError.of(GatewayErrorCode.QuotaBackendUnavailable, error.message);
      }
      throw error;
    }
    const headers = rateLimitHeaders(decision.rateLimits);
    void reply.headers(headers);
    if (decision.monitored.length > 0)
      meter.monitored(decision.monitored.map((breach) => `${breach.scope}.${breach.limit}`));
    if (!decision.admitted) throw refusalError(decision, headers);
    // No limit applied (a subscription without limits): nothing is held, so nothing needs settling.
    if (decision.reservation.backend !== 'none')
      this.settleWhenOver(decision.reservation, reserve, price, meter, reply);
  }

  /**
   * When the response is over and the meter has its usage: the actual tokens and cost replace the reservation.
   * A long stream keeps its reservation alive meanwhile (half its lifetime at a time).
   */
  private settleWhenOver(
    reservation: Reservation,
    reserve: Reserve,
    price: TokenPrice | null,
    meter: RequestMeter,
    reply: FastifyReply,
  ): void {
    // Only a reservation in Redis can be extended; a local one (Redis was down) keeps its TTL.
    const keepAlive =
      reservation.backend !== 'redis'
        ? undefined
        : setInterval(
            () => void this.engine.extend(reservation, this.options.reservationTtlMs).catch(() => undefined),
            this.options.reservationTtlMs / 2,
          ).unref();
    reply.raw.once('close', () => {
      clearInterval(keepAlive);
      void meter
        .settle()
        .then((reading) => this.engine.settle(reservation, actualUsage(reading, reserve, price)))
        .catch((error: unknown) =>
          this.logger.error({ err: error, requestId: meter.requestId }, 'a reservation could not be settled'),
        );
    });
  }
}

/**
 * The scopes a call is counted in: its subscription, the key's own narrower limits, the tenant's budget. The
 * subscription's counters are those of its chain of plan changes (`limitsScopeId`), so a change neither resets
 * them nor adds a second budget: usage under the old plan counts against the new plan's limits.
 */
function scopesOf(key: KeySnapshot, subscription: KeySnapshotSubscription): LimitScope[] {
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
function actualUsage(reading: MeterReading | null, reserve: Reserve, price: TokenPrice | null): ActualUsage {
  if (reading === null || reading.timeToFirstByteMs === null) return { tokens: 0, costMicros: 0n, calls: 0 };
  const usage = reading.usage;
  if (usage === null || usage.source === 'unknown') return { tokens: reserve.tokens, costMicros: reserve.costMicros };
  if (usage.source === 'none') return { tokens: 0, costMicros: 0n };
  const tokens = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedTokens,
  };
  return {
    tokens: usage.inputTokens + usage.outputTokens,
    costMicros: price === null ? 0n : costMicros(price, tokens),
  };
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
