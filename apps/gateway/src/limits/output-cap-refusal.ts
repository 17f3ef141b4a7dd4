import { GatewayErrorCode } from '@gatehouse/contracts';
import { microsToUsd } from '@gatehouse/domain';
import { type LimitBreach, type Refused, type Reserve } from '@gatehouse/redis';
import { GatewayError } from '../common/gateway-error';

const WORDING: Partial<Record<LimitBreach['limit'], string>> = {
  tpm: 'tokens per minute',
  dailyTokens: 'daily token quota',
  monthlyTokens: 'monthly token quota',
  monthlyBudgetUsd: 'monthly budget',
};

/**
 * A limits refusal that no retry can lift and that the client's output cap caused: the request's worst case
 * (input + `max_tokens`) is more than a limit can ever hold in one request, though its input alone fits. That is
 * a parameter the plan cannot serve, a 400 naming the cap's field, rather than a 429 the client would wait on.
 * Null when the refusal is an ordinary 429 (a limit used up for now, or an input too large by itself).
 */
export function outputCapRefusal(
  refused: Refused,
  capParam: string | null,
  maxOutputTokens: number,
  inputOnly: Reserve,
): GatewayError | null {
  if (capParam === null) return null;
  for (const breach of refused.refusedBy) {
    const wording = WORDING[breach.limit];
    if (wording === undefined || !neverFits(breach)) continue;
    const inputAmount = breach.limit === 'monthlyBudgetUsd' ? Number(inputOnly.costMicros) : inputOnly.tokens;
    if (inputAmount > breach.limitValue) continue;
    const limit =
      breach.limit === 'monthlyBudgetUsd' ? `$${microsToUsd(BigInt(breach.limitValue))}` : String(breach.limitValue);
    const owner = breach.scope === 'tenant' ? 'organisation' : breach.scope;
    return GatewayError.of(
      GatewayErrorCode.InvalidRequest,
      `${capParam}: ${maxOutputTokens} output tokens and the input are more than one request may use under the ` +
        `${wording} of your ${owner} (${limit}); lower ${capParam}.`,
      capParam,
    );
  }
  return null;
}

/** The request alone is larger than the limit: a bucket it can never fit, or a quota smaller than the request. */
function neverFits(breach: LimitBreach): boolean {
  return breach.kind === 'quota' ? breach.requested > breach.limitValue : breach.neverFits;
}
