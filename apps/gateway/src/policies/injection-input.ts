import { GatewayErrorCode } from '@gatehouse/contracts';
import { type InjectionRule, scoreInjection } from '@gatehouse/domain';
import { GatewayError } from '../common/gateway-error';
import { type ExternalGuardrailVerdict } from '../guardrails/external-guardrail';
import { type ExternalGuardrails } from '../guardrails/external-guardrails';
import { ALLOW, type Decision, refuse } from '../pipeline/decision';
import { type PromptText } from '../pipeline/protocols/prompt-texts';
import { type RequestContext } from '../pipeline/request-context';
import { CLIENT_CLOSED_REQUEST } from '../pipeline/stages/record.stage';

/** How a failed external verdict is shown in `x-gatehouse-policy` (`injection=error:timeout`). */
const FAILURE_NAMES = { timeout: 'timeout', error: 'unavailable' } as const;

/**
 * The `injection` rules on a call's prompt, before anything rewrites it. Every text of the prompt (messages of every
 * role, tools' outputs, tool calls' arguments, prompts and embedding inputs) is scored on its own by the built-in
 * scorer, and the highest score is the prompt's: a text is judged by its own signals, so a system prompt's
 * legitimate `### SYSTEM` heading does not add up with a user's stray word, and each text gets the scorer's whole
 * 64 K-character window (a joined long conversation would have its middle unread). A rule fires when that score
 * reaches its threshold, or when its external service flags the prompt, which it receives whole (the texts joined
 * by blank lines, one call per rule). Every scope's rule applies: `block` refuses the call (400
 * content_policy_violation naming the document), `log` and monitored rules only report. What fired goes on the
 * answer (`injection=block|log|monitor`, `injection=error:timeout|unavailable` for a service that gave no verdict)
 * and in the usage event (`block:injection@global`, `error:injection.external@global`), never the text.
 *
 * Synchronous unless a rule names an external service; then the services are asked first and the scorer runs while
 * they answer.
 */
export function checkInjectionInput(
  rules: readonly InjectionRule[],
  texts: readonly PromptText[],
  context: RequestContext,
  guardrails: ExternalGuardrails,
): Decision | Promise<Decision> {
  if (texts.length === 0) return ALLOW;
  const verdicts = rules.some((rule) => rule.external !== null) ? askServices(rules, texts, context, guardrails) : null;
  const score = highestScore(texts, Math.max(...rules.map((rule) => rule.threshold)));
  if (verdicts === null) return settle(rules, score, [], context);
  return verdicts.then(
    (answered) => settle(rules, score, answered, context),
    (error: unknown) => {
      // The services' client rejects only when the client left: nobody is waiting for an answer any more.
      if (!context.lifetime.aborted) throw error;
      return refuse(
        new GatewayError(CLIENT_CLOSED_REQUEST, 'client_aborted', 'invalid_request_error', 'The client went away.'),
      );
    },
  );
}

/** Each rule's external verdict, by rule index (null for a rule without a service). */
function askServices(
  rules: readonly InjectionRule[],
  texts: readonly PromptText[],
  context: RequestContext,
  guardrails: ExternalGuardrails,
): Promise<(ExternalGuardrailVerdict | null)[]> {
  const prompt = texts.map((text) => text.text).join('\n\n');
  return Promise.all(
    rules.map((rule) =>
      rule.external === null ? Promise.resolve(null) : guardrails.check(rule.external, prompt, context.lifetime),
    ),
  );
}

/** The highest score of the texts; scoring stops once one reaches `enough` (every rule then fires anyway). */
function highestScore(texts: readonly PromptText[], enough: number): number {
  let highest = 0;
  for (const text of texts) {
    highest = Math.max(highest, scoreInjection(text.text).score);
    if (highest >= enough) break;
  }
  return highest;
}

function settle(
  rules: readonly InjectionRule[],
  score: number,
  verdicts: readonly (ExternalGuardrailVerdict | null)[],
  context: RequestContext,
): Decision {
  const fired = new Set<string>();
  let refusal: GatewayError | null = null;
  for (const [index, rule] of rules.entries()) {
    const verdict = verdicts[index] ?? null;
    const { policy, mode } = rule.source;
    if (verdict?.failed !== undefined) {
      fired.add(`injection=error:${FAILURE_NAMES[verdict.failed]}`);
      context.decisions.push(`error:injection.external@${policy}`);
    }
    const scored = score >= rule.threshold;
    if (!scored && verdict?.flagged !== true) continue;
    const action = mode === 'monitor' ? 'monitor' : rule.action;
    fired.add(`injection=${action}`);
    context.decisions.push(`${action}:injection@${policy}`);
    if (action === 'block' && refusal === null) {
      refusal = GatewayError.of(
        GatewayErrorCode.ContentPolicyViolation,
        `Refused by policy '${policy}' (injection): ${reason(scored, score, verdict)}.`,
      );
    }
  }
  context.policyFired.push(...fired);
  return refusal === null ? ALLOW : refuse(refusal);
}

/** Why the rule fired, without a word of the prompt. */
function reason(scored: boolean, score: number, verdict: ExternalGuardrailVerdict | null): string {
  if (scored) return `the request looks like a prompt injection (score ${score.toFixed(2)})`;
  if (verdict?.failed !== undefined) {
    return `the guardrail service did not answer (${FAILURE_NAMES[verdict.failed]}), and this rule refuses what it cannot check`;
  }
  return 'the guardrail service flagged the request as a prompt injection';
}
