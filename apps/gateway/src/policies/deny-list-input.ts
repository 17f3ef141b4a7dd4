import { GatewayErrorCode } from '@gatehouse/contracts';
import { type ContentAction, DENY_LIST_REDACTION, type DenyListRule } from '@gatehouse/domain';
import { GatewayError } from '../common/gateway-error';
import { ALLOW, type Decision, refuse } from '../pipeline/decision';
import { type PromptText } from '../pipeline/protocols/prompt-texts';
import { type RequestContext } from '../pipeline/request-context';

const ACTION_RANK: Record<ContentAction, number> = { log: 0, redact: 1, block: 2 };

/**
 * The `denyList.input` rules on a call's prompt, after the injection rules and before the PII rules (which then
 * read the redacted text). Each scope's list is checked on every text of the prompt; of the enforced lists that
 * match, the strictest action decides (block > redact > log, so a tenant can tighten what the platform set, never
 * loosen it): `block` refuses the call (400 content_policy_violation naming the document, never the pattern nor
 * what matched), `redact` replaces each match of the redacting lists by `[REDACTED]`, `log` only reports. A
 * monitored list that matches is reported and changes nothing. What fired goes on the answer
 * (`denyList.input=redact`) and in the usage event (`redact:denyList.input@global`).
 */
export function checkDenyListInput(
  rules: readonly DenyListRule[],
  texts: readonly PromptText[],
  context: RequestContext,
): Decision {
  const matching = rules.filter((rule) => texts.some((text) => rule.list.test(text.text)));
  if (matching.length === 0) return ALLOW;

  const fired = new Set<ContentAction | 'monitor'>();
  for (const rule of matching) {
    if (rule.source.mode !== 'monitor') continue;
    fired.add('monitor');
    context.decisions.push(`monitor:denyList.input@${rule.source.policy}`);
  }
  const enforced = matching.filter((rule) => rule.source.mode === 'enforce');
  const strictest = enforced.reduce<DenyListRule | null>(
    (act, rule) => (act === null || ACTION_RANK[rule.action] > ACTION_RANK[act.action] ? rule : act),
    null,
  );
  if (strictest?.action === 'block') {
    context.policyFired.push('denyList.input=block');
    context.decisions.push(`block:denyList.input@${strictest.source.policy}`);
    return refuse(
      GatewayError.of(
        GatewayErrorCode.ContentPolicyViolation,
        `Refused by policy '${strictest.source.policy}' (denyList.input): the request matches a denied pattern.`,
      ),
    );
  }
  for (const rule of enforced) {
    fired.add(rule.action);
    context.decisions.push(`${rule.action}:denyList.input@${rule.source.policy}`);
    if (rule.action !== 'redact') continue;
    for (const text of texts) {
      const redacted = rule.list.redact(text.text, DENY_LIST_REDACTION);
      if (redacted !== text.text) text.replace(redacted);
    }
  }
  for (const action of ['redact', 'log', 'monitor'] as const) {
    if (fired.has(action)) context.policyFired.push(`denyList.input=${action}`);
  }
  return ALLOW;
}
