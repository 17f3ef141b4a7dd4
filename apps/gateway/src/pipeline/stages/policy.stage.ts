import { Inject, Injectable } from '@nestjs/common';
import { GatewayErrorCode } from '@gatehouse/contracts';
import { AnswerRules, type EffectivePolicy, evaluateAccess } from '@gatehouse/domain';
import { BodyCapture } from '../../call-log/body-capture';
import { GatewayError } from '../../common/gateway-error';
import { ExternalGuardrails } from '../../guardrails/external-guardrails';
import { REQUEST_LIMITS_OPTIONS, type RequestLimitsOptions } from '../../limits/limits.options';
import { AnswerGuard } from '../../policies/answer-guard';
import { checkDenyListInput } from '../../policies/deny-list-input';
import { GatewayPolicies } from '../../policies/gateway-policies';
import { checkInjectionInput } from '../../policies/injection-input';
import { checkPiiInput } from '../../policies/pii-input';
import { ALLOW, type Decision, refuse } from '../decision';
import { type ModelCall } from '../protocols/model-call';
import { type PromptText, promptTexts } from '../protocols/prompt-texts';
import { requestSizeRefusal } from '../protocols/request-size';
import { strictParamsRefusal } from '../protocols/strict-params';
import { type RequestContext } from '../request-context';

const NO_ANSWER_RULES = new AnswerRules([], []);

/** `policy.output`'s decision: the answer goes on, through its guard when it has one, or is refused. */
export type OutputDecision = Decision & { guard?: AnswerGuard };

/**
 * Stages 3 and 8, `policy.input` and `policy.output`: the rules of the policy documents in force for the call's
 * tenant and product (docs/policies.md). On the way in, the access rules (models allowed and denied, source
 * addresses, hours, key metadata): a refusal is a 403 `policy_access_denied` naming the document and the rule, and
 * a monitored rule is reported (`x-gatehouse-policy`, the usage event) without refusing. Then, for a model call,
 * the `validation` rules (size limits, strict parameters), and the content rules on its prompt, in this order:
 * `injection` and `denyList.input` read the caller's text as sent, then `pii.input` (block, redact, log) reads what
 * the deny lists left. On the way out, the `pii.output` and `denyList.output` rules and the restore of the prompt's
 * placeholders (`AnswerGuard`). The effective policy is built once per document change (`GatewayPolicies`), never
 * per request.
 */
@Injectable()
export class PolicyStage {
  private readonly answerRules = new WeakMap<EffectivePolicy, AnswerRules>();

  constructor(
    private readonly policies: GatewayPolicies,
    @Inject(REQUEST_LIMITS_OPTIONS) private readonly limitsOptions: RequestLimitsOptions,
    private readonly guardrails: ExternalGuardrails,
  ) {}

  /**
   * A model call's input: its access rules, then the content rules on its prompt (which they may rewrite). A promise
   * only before the documents' first load and when an injection rule asks an external service; otherwise the
   * decision is made synchronously, on the request's hot path.
   */
  input(context: RequestContext, call: ModelCall): Decision | Promise<Decision> {
    const policy = this.effectiveFor(context);
    if (policy === undefined) return this.policies.current().then(() => this.input(context, call));
    if (policy === null) return ALLOW;
    if (policy.logging.bodies) this.captureBodies(context, policy, call);
    const access = this.checkAccess(context, policy, call.model);
    if (!access.allowed) return access;
    const validation = this.checkValidation(context, policy, call);
    if (!validation.allowed || !hasPromptRules(policy)) return validation;
    const texts = promptTexts(call.endpoint, call.body);
    const injection =
      policy.injection.length === 0 ? ALLOW : checkInjectionInput(policy.injection, texts, context, this.guardrails);
    if (injection instanceof Promise) {
      return injection.then((decision) =>
        decision.allowed ? this.checkRewritingRules(context, policy, texts) : decision,
      );
    }
    return injection.allowed ? this.checkRewritingRules(context, policy, texts) : injection;
  }

  /** The call log keeps this call's bodies: the request now, as received, before any rule rewrites it. */
  private captureBodies(context: RequestContext, policy: EffectivePolicy, call: ModelCall): void {
    const denyLists = [...policy.denyInput, ...policy.denyOutput].map((rule) => rule.list);
    context.bodyCapture = new BodyCapture(denyLists, policy.logging.retentionDays);
    context.bodyCapture.requested(call.body);
  }

  /** The rules that may rewrite the prompt: the deny lists, then PII on what they left. */
  private checkRewritingRules(context: RequestContext, policy: EffectivePolicy, texts: PromptText[]): Decision {
    const denyList = policy.denyInput.length === 0 ? ALLOW : checkDenyListInput(policy.denyInput, texts, context);
    if (!denyList.allowed || policy.piiInput.length === 0) return denyList;
    return checkPiiInput(policy.piiInput, texts, context);
  }

  /**
   * Every scope's `validation` rule (size limits, strict parameters): the first enforced one the call breaks refuses
   * it (413 for the body's bytes, 400 naming the parameter otherwise); a monitored one only reports.
   */
  private checkValidation(context: RequestContext, policy: EffectivePolicy, call: ModelCall): Decision {
    for (const rule of policy.validation) {
      const refusal =
        requestSizeRefusal(call, rule.limits, this.limitsOptions.estimator) ??
        (rule.strictParams ? strictParamsRefusal(call) : null);
      if (refusal === null) continue;
      const { mode, policy: name } = rule.source;
      context.policyFired.push(`validation=${mode === 'monitor' ? 'monitor' : 'block'}`);
      context.decisions.push(`${mode === 'monitor' ? 'monitor' : 'block'}:validation@${name}`);
      if (mode === 'enforce') return refuse(refusal);
    }
    return ALLOW;
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

  /**
   * The answer's guard: the output rules of the effective policy and the restore of the prompt's placeholders; none
   * when neither applies (or the endpoint answers no text), and the answer then goes out exactly as without a policy.
   * The output rules act inside the answer (a cut ends it with `content_filter`); none refuses it as a whole.
   */
  output(context: RequestContext, call: ModelCall): OutputDecision {
    if (call.endpoint === 'embeddings') return ALLOW;
    const policy = this.effectiveFor(context);
    const rules = policy === null || policy === undefined ? null : this.answerRulesOf(policy);
    const restore = context.placeholders;
    if ((rules === null || rules.isEmpty) && restore === null) return ALLOW;
    return { allowed: true, guard: new AnswerGuard(rules ?? NO_ANSWER_RULES, restore, context) };
  }

  /** The output rules of an effective policy, prepared once per policy (which is itself built once per change). */
  private answerRulesOf(policy: EffectivePolicy): AnswerRules {
    let rules = this.answerRules.get(policy);
    if (rules === undefined) {
      rules = new AnswerRules(policy.piiOutput, policy.denyOutput);
      this.answerRules.set(policy, rules);
    }
    return rules;
  }
}

/** Whether any rule reads the prompt's texts (most calls have none: their texts are never collected). */
function hasPromptRules(policy: EffectivePolicy): boolean {
  return policy.injection.length > 0 || policy.denyInput.length > 0 || policy.piiInput.length > 0;
}
