import { Injectable } from '@nestjs/common';
import { GatewayErrorCode } from '@gatehouse/contracts';
import { evaluateAccess } from '@gatehouse/domain';
import { GatewayError } from '../../common/gateway-error';
import { GatewayPolicies } from '../../policies/gateway-policies';
import { type UpstreamResponse } from '../../upstream';
import { ALLOW, type Decision, refuse } from '../decision';
import { type ModelCall } from '../protocols/model-call';
import { type RequestContext } from '../request-context';

/**
 * Stages 3 and 8, `policy.input` and `policy.output`: the rules of the policy documents in force for the call's
 * tenant and product (docs/policies.md). On the way in, the access rules (models allowed and denied, source
 * addresses, hours, key metadata): a refusal is a 403 `policy_access_denied` naming the document and the rule, and
 * a monitored rule is reported (`x-gatehouse-policy`, the usage event) without refusing. The content rules
 * (validation, PII, prompt injection, deny lists) and the output rules are still to come: output allows every
 * answer. The effective policy is built once per document change (`GatewayPolicies`), never per request.
 */
@Injectable()
export class PolicyStage {
  constructor(private readonly policies: GatewayPolicies) {}

  /** A model call's input: its access rules. */
  input(context: RequestContext, call: ModelCall): Decision | Promise<Decision> {
    return this.access(context, call.model);
  }

  /**
   * The access rules for the call (`model` null for an HTTP product, which model rules do not concern). Runs
   * after `entitle`: the tenant and product are known. Waits for the documents only before their first load.
   */
  access(context: RequestContext, model: string | null): Decision | Promise<Decision> {
    const index = this.policies.peek();
    if (index === null) return this.policies.current().then(() => this.access(context, model));
    const key = context.key;
    if (index.size === 0 || key === null) return ALLOW;
    const policy = index.effectiveFor(key.tenantId, context.entitlement?.productSlug ?? null);
    const decision = evaluateAccess(policy.access, {
      model,
      clientIp: context.clientIp,
      now: Date.now(),
      timeZone: key.tenantTimeZone,
      keyMetadata: key.keyMetadata,
    });
    for (const finding of decision.monitored) {
      context.policyFired.push(`${finding.source.rule}=monitor`);
      context.decisions.push(`monitor:${finding.source.rule}@${finding.source.policy}`);
    }
    if (decision.refusal === null) return ALLOW;
    const { source, message } = decision.refusal;
    context.policyFired.push(`${source.rule}=block`);
    context.decisions.push(`block:${source.rule}@${source.policy}`);
    return refuse(
      GatewayError.of(
        GatewayErrorCode.PolicyAccessDenied,
        `Refused by policy '${source.policy}' (${source.rule}): ${message}.`,
      ),
    );
  }

  output(_context: RequestContext, _response: UpstreamResponse): Decision {
    return ALLOW;
  }
}
