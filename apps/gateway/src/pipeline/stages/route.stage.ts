import { Injectable } from '@nestjs/common';
import { GatewayErrorCode } from '@gatehouse/contracts';
import { GatewayError } from '../../common/gateway-error';
import { UpstreamPools, type UpstreamProviderType, type UpstreamTarget } from '../../upstream';
import { type ModelCall, type UpstreamCallPlan } from '../protocols/model-call';
import { type RequestContext } from '../request-context';

/** The targets that can serve a call, and how each provider type is sent it. */
export interface Route {
  targets: readonly UpstreamTarget[];
  /** The call in the API of providers of `type` (computed once per type). */
  planFor(type: UpstreamProviderType): UpstreamCallPlan;
}

/**
 * Stage 6: the model's targets whose provider can serve the call (an Anthropic-format one cannot serve a legacy
 * completion; a translation may refuse a field). The upstream caller then picks among them by priority and weight,
 * with retries, fallbacks and circuit breakers. A target whose provider is not configured is kept: the caller
 * records it as such.
 */
@Injectable()
export class RouteStage {
  constructor(private readonly pools: UpstreamPools) {}

  /** The entitlement's targets: from the same catalog snapshot as the price the limits reserved at. */
  run(context: RequestContext, call: ModelCall): Route {
    const targets = context.entitlement?.targets ?? [];
    if (targets.length === 0) {
      throw GatewayError.of(GatewayErrorCode.UpstreamError, `The model \`${call.model}\` has no available upstream.`);
    }
    const planFor = plansOf(call);
    let refusal: GatewayError | undefined;
    const servable = targets.filter((target) => {
      const provider = this.pools.provider(target.providerId);
      if (provider === undefined) return true;
      try {
        planFor(provider.type);
        return true;
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        refusal ??= error;
        return false;
      }
    });
    if (servable.length === 0 && refusal !== undefined) throw refusal;
    return { targets: servable, planFor };
  }
}

/** `call.callFor`, once per provider type: a refusal is remembered too. */
function plansOf(call: ModelCall): (type: UpstreamProviderType) => UpstreamCallPlan {
  const plans = new Map<UpstreamProviderType, UpstreamCallPlan | GatewayError>();
  return (type) => {
    let plan = plans.get(type);
    if (plan === undefined) {
      try {
        plan = call.callFor(type);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        plan = error;
      }
      plans.set(type, plan);
    }
    if (plan instanceof GatewayError) throw plan;
    return plan;
  };
}
