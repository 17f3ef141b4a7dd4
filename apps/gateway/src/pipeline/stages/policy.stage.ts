import { Injectable } from '@nestjs/common';
import { GatewayErrorCode } from '@gatehouse/contracts';
import { type EffectivePolicy, evaluateAccess } from '@gatehouse/domain';
import { GatewayError } from '../../common/gateway-error';
import { GatewayPolicies } from '../../policies/gateway-policies';
import { checkPiiInput } from '../../policies/pii-input';
import { type UpstreamResponse } from '../../upstream';
import { ALLOW, type Decision, refuse } from '../decision';
import { type ModelCall } from '../protocols/model-call';
import { promptTexts } from '../protocols/prompt-texts';
import { type RequestContext } from '../request-context';

/**
 * Stages 3 and 8, `policy.input` and `policy.output`: the rules of the policy documents in force for the call's
 * tenant and product (docs/policies.md). On the way in, the access rules (models allowed and denied, source
 * addresses, hours, key metadata): a refusal is a 403 `policy_access_denied` naming the document and the rule, and
 * a monitored rule is reported (`x-gatehouse-policy`, the usage event) without refusing. Then, for a model call,
 * the `pii.input` rules on its prompt (`checkPiiInput`: block, redact, log). Validation, prompt injection, deny
 * lists and the output rules are still to come: output allows every answer. The effective policy is built once per
 * document change (`GatewayPolicies`), never per request.
 */
@Injectable()
export class PolicyStage {
  constructor(private readonly policies: GatewayPolicies) {}

  /** A model call's input: its access rules, then the content rules on its prompt (which they may rewrite). */
  input(context: RequestContext, call: ModelCall): Decision | Promise<Decision> {
    const policy = this.effectiveFor(context);
    if (policy === undefined) return this.policies.current().then(() => this.input(context, call));
    if (policy === null) return ALLOW;
    const access = this.checkAccess(context, policy, call.model);
    if (!access.allowed || policy.piiInput.length === 0) return access;
    return checkPiiInput(policy.piiInput, promptTexts(call.endpoint, call.body), context);
  }

  /** The access rules alone: a call to an HTTP product, whose body no content rule reads. */
  access(context: RequestContext, model: string | null): Decision | Promise<Decision> {
    const policy = this.effectiveFor(context);
    if (policy === undefined) return this.policies.current().then(() => this.access(context, model));
    return policy === null ? ALLOW : this.checkAccess(context, policy, model);
  }

  /**
   * The effective policy of the call's tenant and product (known once `entitle` has run); null when no document is
   * in force; undefined before the documents' first load (the caller waits for it, once).
   */
  private effectiveFor(context: RequestContext): EffectivePolicy | null | undefined {
    const index = this.policies.peek();
    if (index === null) return undefined;
    const key = context.key;
    if (index.size === 0 || key === null) return null;
    return index.effectiveFor(key.tenantId, context.entitlement?.productSlug ?? null);
  }

  /** `model` is null for an HTTP product's call, which model rules do not concern. */
  private checkAccess(context: RequestContext, policy: EffectivePolicy, model: string | null): Decision {
    const key = context.key;
    if (key === null) return ALLOW;
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
