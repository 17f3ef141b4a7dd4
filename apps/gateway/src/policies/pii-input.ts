import { GatewayErrorCode } from '@gatehouse/contracts';
import {
  findPii,
  PII_ENTITIES,
  type PiiEntity,
  type PiiFinding,
  piiDecision,
  piiEntitiesOf,
  type PiiEntityDecision,
  type PiiRule,
  PlaceholderVault,
  redactFindings,
  restoresPii,
} from '@gatehouse/domain';
import { GatewayError } from '../common/gateway-error';
import { ALLOW, type Decision, refuse } from '../pipeline/decision';
import { type PromptText } from '../pipeline/protocols/prompt-texts';
import { type RequestContext } from '../pipeline/request-context';

/**
 * The `pii.input` rules on a call's prompt, before the limits and any upstream see it. Each entity found is settled
 * across the scopes (`piiDecision`: the stricter action wins): `block` refuses the call (400
 * content_policy_violation naming the rule and the entity), `redact` replaces each finding in the body by a
 * numbered placeholder (`[EMAIL_1]`, one request's own numbering), `log` only reports. What was done goes on the
 * answer (`x-gatehouse-policy: pii.input=redact:2`) and in the usage event (`redact:pii.input.EMAIL@global`), never
 * what was found: the originals stay in this request's memory (`context.placeholders`, when a rule restores them).
 */
export function checkPiiInput(
  rules: readonly PiiRule[],
  texts: readonly PromptText[],
  context: RequestContext,
): Decision {
  const entities = piiEntitiesOf(rules);
  const found = texts.map((text) => findPii(text.text, entities));
  const counts = new Map<PiiEntity, number>();
  for (const findings of found) {
    for (const finding of findings) counts.set(finding.entity, (counts.get(finding.entity) ?? 0) + 1);
  }
  if (counts.size === 0) return ALLOW;

  const decisions = new Map<PiiEntity, PiiEntityDecision>();
  for (const entity of PII_ENTITIES) {
    if (counts.has(entity)) decisions.set(entity, piiDecision(rules, entity));
  }
  const totals = { monitor: 0, log: 0, redact: 0 };
  for (const [entity, decision] of decisions) {
    const count = counts.get(entity) ?? 0;
    for (const rule of decision.monitored) {
      context.decisions.push(`monitor:pii.input.${entity}@${rule.source.policy}`);
    }
    if (decision.monitored.length > 0) totals.monitor += count;
    const act = decision.act;
    if (act === null) continue;
    if (act.action === 'block') {
      context.policyFired.push('pii.input=block');
      context.decisions.push(`block:pii.input.${entity}@${act.source.policy}`);
      return refuse(
        GatewayError.of(
          GatewayErrorCode.ContentPolicyViolation,
          `Refused by policy '${act.source.policy}' (pii.input: ${entity}): the request contains ${describe(entity)}.`,
        ),
      );
    }
    context.decisions.push(`${act.action}:pii.input.${entity}@${act.source.policy}`);
    totals[act.action] += count;
  }

  if (totals.redact > 0) {
    const vault = new PlaceholderVault();
    if (restoresPii(rules)) context.placeholders = vault;
    texts.forEach((text, index) => {
      const redactable = (found[index] ?? []).filter(
        (finding: PiiFinding) => decisions.get(finding.entity)?.act?.action === 'redact',
      );
      if (redactable.length > 0) text.replace(redactFindings(text.text, redactable, vault).text);
    });
  }
  for (const action of ['redact', 'log', 'monitor'] as const) {
    if (totals[action] > 0) context.policyFired.push(`pii.input=${action}:${totals[action]}`);
  }
  return ALLOW;
}

const DESCRIPTIONS: Record<PiiEntity, string> = {
  EMAIL: 'an e-mail address',
  PHONE: 'a phone number',
  CREDIT_CARD: 'a payment card number',
  IBAN: 'a bank account number (IBAN)',
  IP_ADDRESS: 'an IP address',
  US_SSN: 'a US social security number',
  SECRET: 'a secret (an API key, token or private key)',
};

function describe(entity: PiiEntity): string {
  return DESCRIPTIONS[entity];
}
