import {
  type AnswerRuleFiring,
  type AnswerRuleName,
  type AnswerRules,
  AnswerTextGuard,
  type GuardedText,
  PlaceholderVault,
} from '@gatehouse/domain';
import { type RequestContext } from '../pipeline/request-context';
import { type StreamProtocol } from '../upstream';

/** OpenAI's finish reason for an answer cut by an output rule. */
export const CONTENT_FILTER = 'content_filter';
/** Anthropic's stop reason for the same. */
export const REFUSAL = 'refusal';

const REPORTED_RULES: readonly AnswerRuleName[] = ['pii.output', 'denyList.output'];
const REPORTED_ACTIONS = ['block', 'redact', 'log', 'monitor'] as const;

/**
 * The output rules (`pii.output`, `denyList.output`) and the restore of `pii.input`'s placeholders on one answer,
 * built by `policy.output` only when one of them applies. Each text of the answer (a choice's content, a tool call's
 * arguments, a block) gets its own `AnswerTextGuard`; they share one vault of the answer's own redactions, so a value
 * keeps one placeholder across them. What fires goes to the usage event as it happens
 * (`redact:pii.output.EMAIL@global`) and, for an answer that is not streamed, to `x-gatehouse-policy`
 * (`pii.output=redact:2`); never what was found.
 */
export class AnswerGuard {
  readonly #redactions = new PlaceholderVault();
  /** Findings by `rule=action`, for `x-gatehouse-policy`. */
  readonly #counts = new Map<string, number>();
  readonly #decisions = new Set<string>();

  constructor(
    private readonly rules: AnswerRules,
    private readonly restore: PlaceholderVault | null,
    private readonly context: RequestContext,
  ) {}

  /** A guard for one text of the answer. */
  textGuard(): AnswerTextGuard {
    return new AnswerTextGuard(this.rules, {
      restore: this.restore,
      redactions: this.#redactions,
      onFinding: (firings) => this.#found(firings),
    });
  }

  /** What fired, as `x-gatehouse-policy` lists it: `pii.output=redact:2`, `denyList.output=block`. */
  policyItems(): string[] {
    const items: string[] = [];
    for (const rule of REPORTED_RULES) {
      for (const action of REPORTED_ACTIONS) {
        const count = this.#counts.get(`${rule}=${action}`);
        if (count !== undefined) items.push(action === 'block' ? `${rule}=block` : `${rule}=${action}:${count}`);
      }
    }
    return items;
  }

  /**
   * A whole answer in the client's API, guarded in place: OpenAI's choices (content, text parts, tool call arguments,
   * a completion's text) or Anthropic's content blocks (text, tool_use input). A cut truncates the text at the
   * finding and drops what follows it (a tool call whose arguments hold a blocked finding goes, with the later
   * ones); the choice then ends with `finish_reason: "content_filter"`, the message with `stop_reason: "refusal"`.
   */
  guardAnswer(client: StreamProtocol, payload: Record<string, unknown>): void {
    if (client === 'anthropic') this.#guardMessage(payload);
    else if (Array.isArray(payload.choices)) for (const choice of payload.choices) this.#guardChoice(choice);
  }

  #guardChoice(choice: unknown): void {
    if (!isObject(choice)) return;
    let cut = false;
    if (typeof choice.text === 'string') {
      const guarded = this.#guardText(choice.text);
      choice.text = guarded.text;
      cut = guarded.cut;
    }
    const message = choice.message;
    if (!cut && isObject(message)) cut = this.#guardChatMessage(message);
    if (cut) choice.finish_reason = CONTENT_FILTER;
  }

  /** A chat message's content, then its tool calls; true when an output rule cut it. */
  #guardChatMessage(message: Record<string, unknown>): boolean {
    let cut = false;
    if (typeof message.content === 'string') {
      const guarded = this.#guardText(message.content);
      message.content = guarded.text;
      cut = guarded.cut;
    } else if (Array.isArray(message.content)) {
      const guarded = this.#guardParts(message.content as unknown[]);
      message.content = guarded.parts;
      cut = guarded.cut;
    }
    const calls = message.tool_calls;
    if (!Array.isArray(calls)) return cut;
    if (cut) {
      delete message.tool_calls;
      return true;
    }
    const kept = calls.findIndex(
      (call) => isObject(call) && isObject(call.function) && this.#guardArguments(call.function),
    );
    if (kept === -1) return false;
    if (kept === 0) delete message.tool_calls;
    else message.tool_calls = calls.slice(0, kept);
    return true;
  }

  /** A tool call's `function`: its arguments' string values guarded; true when one of them was cut. */
  #guardArguments(fn: Record<string, unknown>): boolean {
    if (typeof fn.arguments !== 'string') return false;
    const parsed = parseJson(fn.arguments);
    if (parsed === undefined) {
      const guarded = this.#guardText(fn.arguments);
      fn.arguments = guarded.text;
      return guarded.cut;
    }
    const walked = this.#guardValue(parsed);
    if (walked.cut) return true;
    if (walked.changed) fn.arguments = JSON.stringify(walked.value);
    return false;
  }

  #guardMessage(payload: Record<string, unknown>): void {
    const blocks = payload.content;
    if (!Array.isArray(blocks)) return;
    let cut = false;
    let kept = blocks.length;
    for (let index = 0; index < blocks.length && !cut; index++) {
      const block: unknown = blocks[index];
      if (!isObject(block)) continue;
      if (block.type === 'text' && typeof block.text === 'string') {
        const guarded = this.#guardText(block.text);
        block.text = guarded.text;
        if (guarded.cut) [cut, kept] = [true, guarded.text === '' ? index : index + 1];
      } else if (block.type === 'tool_use' && block.input !== undefined) {
        const walked = this.#guardValue(block.input);
        if (walked.cut) [cut, kept] = [true, index];
        else block.input = walked.value;
      }
    }
    if (!cut) return;
    payload.content = blocks.slice(0, kept);
    payload.stop_reason = REFUSAL;
    payload.stop_sequence = null;
  }

  /** Text parts (`{ type: 'text', text }`), each guarded; a cut keeps the part it fell in, truncated, unless empty. */
  #guardParts(parts: readonly unknown[]): { parts: unknown[]; cut: boolean } {
    const kept: unknown[] = [];
    for (const part of parts) {
      if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') {
        kept.push(part);
        continue;
      }
      const guarded = this.#guardText(part.text);
      part.text = guarded.text;
      if (guarded.cut) {
        if (guarded.text !== '') kept.push(part);
        return { parts: kept, cut: true };
      }
      kept.push(part);
    }
    return { parts: kept, cut: false };
  }

  /** Every string value of a JSON value (never its keys) guarded as a text of its own. */
  #guardValue(value: unknown): { value: unknown; changed: boolean; cut: boolean } {
    if (typeof value === 'string') {
      const guarded = this.#guardText(value);
      return { value: guarded.text, changed: guarded.text !== value, cut: guarded.cut };
    }
    if (typeof value !== 'object' || value === null) return { value, changed: false, cut: false };
    let changed = false;
    const items: [string, unknown][] = [];
    for (const [key, item] of Object.entries(value)) {
      const walked = this.#guardValue(item);
      if (walked.cut) return { value, changed: true, cut: true };
      changed ||= walked.changed;
      items.push([key, walked.value]);
    }
    if (!changed) return { value, changed, cut: false };
    return {
      value: Array.isArray(value) ? items.map(([, item]) => item) : Object.fromEntries(items),
      changed,
      cut: false,
    };
  }

  #guardText(text: string): GuardedText {
    return this.textGuard().finish(text);
  }

  #found(firings: readonly AnswerRuleFiring[]): void {
    const actions = new Set<string>();
    for (const firing of firings) {
      const entity = firing.entity === null ? '' : `.${firing.entity}`;
      const decision = `${firing.action}:${firing.rule}${entity}@${firing.policy}`;
      if (!this.#decisions.has(decision)) {
        this.#decisions.add(decision);
        this.context.decisions.push(decision);
      }
      actions.add(`${firing.rule}=${firing.action}`);
    }
    for (const action of actions) this.#counts.set(action, (this.#counts.get(action) ?? 0) + 1);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
