import { DENY_LIST_REDACTION } from '../deny-list/deny-list';
import { findPii } from '../pii/find-pii';
import type { PiiEntity } from '../pii/pii-entity';
import { PlaceholderRestorer } from '../pii/placeholder-restorer';
import { PlaceholderVault } from '../pii/placeholder-vault';
import { type AnswerAction, type AnswerRuleFiring, type AnswerRules } from './answer-rules';

/**
 * The text a streamed answer keeps back so that a finding split across chunks is seen whole before any of it goes
 * out: longer than a spaced IBAN (42 characters), a card number with separators (23), an international phone
 * number, a US SSN or an IPv6 address (39). An entity longer than this that contains whitespace (a whole PEM block)
 * can be let out in part before the rest of it is seen.
 */
export const ANSWER_GUARD_WINDOW = 64;

/**
 * The most a stream keeps back when the window is extended to the start of the trailing whitespace-free token
 * (secrets, JWTs and e-mail addresses are single tokens): past it, a token is let out in part.
 */
export const ANSWER_GUARD_MAX_HOLDBACK = 1024;

/**
 * The least a stream lets out at a time (unless it ends or is cut): a scan reads the window again, so scanning for
 * every few-character delta would read each character some twenty times; in steps of this size the cost of a
 * streamed answer stays near that of a whole one, for a few tokens more held back.
 */
export const ANSWER_GUARD_STEP = 16;

/** What a guard lets out: the text to send now, and whether an output rule has cut the answer (nothing follows). */
export interface GuardedText {
  text: string;
  cut: boolean;
}

export interface AnswerTextGuardOptions {
  /**
   * The request's own placeholders (`pii.input` with `restore: true`): those in the upstream's text go back to the
   * caller's originals, after the output rules, so that the caller's own values are not checked again.
   */
  restore?: PlaceholderVault | null;
  /**
   * The vault of the answer's own redactions (share one across the texts of one answer so that a value keeps one
   * placeholder). Never the request's input vault: a placeholder put in by output redaction is never restored.
   */
  redactions?: PlaceholderVault;
  /**
   * Called once for each finding the answer reaches (those past a cut are not), with every rule that fired on it;
   * never with the text it matched.
   */
  onFinding?: (firings: readonly AnswerRuleFiring[]) => void;
}

/** A finding in the text being processed, settled: what the enforced rules do with it, and what to report. */
interface Settled {
  start: number;
  end: number;
  /** The enforced action; null when the finding is only reported (log, monitor, or nothing enforced). */
  act: 'block' | 'redact' | null;
  /** The PII entity whose placeholder replaces it; null for a deny list match (`[REDACTED]`). */
  entity: PiiEntity | null;
  firings: AnswerRuleFiring[];
}

/** A span to replace: one finding or several overlapping ones merged. */
interface Replacement {
  start: number;
  end: number;
  /** Set when the span is exactly one PII finding: it gets that entity's numbered placeholder. */
  entity: PiiEntity | null;
}

/**
 * Applies the output rules (`pii.output`, `denyList.output`) to one text of an answer as the upstream writes it
 * (a choice's content, or one tool call's arguments), then restores the request's placeholders in what they let
 * out. Streamed, `push` each delta and `finish` at the end; not streamed, `finish(text)` alone. Whatever the
 * chunking, the concatenated output is the same as `finish(text)` on the whole text, and nothing of a redacted or
 * blocked finding is let out: a tail that might still be the beginning of one (`ANSWER_GUARD_WINDOW`, extended to
 * the start of the trailing token) is kept back until more text or the end shows what it is.
 *
 * A finding is settled across the scopes: an enforced `block` cuts the answer at its start (the text before it goes
 * out, nothing after), `redact` replaces it (PII with a numbered placeholder of its entity, `[EMAIL_1]`, of this
 * answer's own numbering; a deny list match with `[REDACTED]`), `log` and monitored rules only report.
 */
export class AnswerTextGuard {
  /** Upstream text received and not let out yet. */
  #pending = '';
  /**
   * The end of the upstream text already let out, scanned again before the pending text so that the detectors see
   * a finding's surroundings as they would in the whole text (a digit before a card number, an e-mail's local part).
   */
  #context = '';
  #cut = false;
  readonly #restorer: PlaceholderRestorer | null;
  readonly #redactions: PlaceholderVault;

  constructor(
    private readonly rules: AnswerRules,
    private readonly options: AnswerTextGuardOptions = {},
  ) {
    const restore = options.restore ?? null;
    this.#restorer = restore === null || restore.size === 0 ? null : new PlaceholderRestorer(restore);
    this.#redactions = options.redactions ?? new PlaceholderVault();
  }

  /** Whether an output rule has cut the answer: everything pushed since is dropped. */
  get cut(): boolean {
    return this.#cut;
  }

  /** How many characters of the upstream text are kept back now, the restorer's included. */
  get heldBackLength(): number {
    return this.#pending.length + (this.#restorer?.heldBackLength ?? 0);
  }

  /** One more piece of the text: what can be let out now. */
  push(chunk: string): GuardedText {
    if (this.#cut) return { text: '', cut: true };
    if (this.rules.isEmpty) return { text: this.#restored(chunk), cut: false };
    this.#pending += chunk;
    return { text: this.#process(false), cut: this.#cut };
  }

  /** The end of the text (with its last piece, if any): everything still kept back is settled and let out. */
  finish(last = ''): GuardedText {
    if (this.#cut) return { text: '', cut: true };
    let text: string;
    if (this.rules.isEmpty) {
      text = this.#restored(last);
    } else {
      this.#pending += last;
      text = this.#process(true);
    }
    return { text: text + (this.#restorer?.flush() ?? ''), cut: this.#cut };
  }

  /**
   * Settles the findings in the pending text, lets out what lies before the point up to which it is sure
   * (everything when `final`), and keeps the rest.
   */
  #process(final: boolean): string {
    const text = this.#pending;
    let safeEnd = final ? text.length : holdBackFrom(text);
    if (safeEnd <= 0 || (!final && safeEnd < ANSWER_GUARD_STEP)) return '';
    const offset = this.#context.length;
    const findings = this.#findingsIn(this.#context + text, offset);
    if (!final) safeEnd = beforeStraddling(findings, safeEnd);
    if (safeEnd <= 0) return '';

    // The first enforced block before the sure end cuts the answer at its start.
    const blocker = findings.find((finding) => finding.act === 'block' && finding.start < safeEnd);
    let limit = blocker === undefined ? safeEnd : Math.max(0, blocker.start);
    const replacements = mergedReplacements(findings, limit);
    // A replacement that reaches over the cut starts it: none of its text may go out.
    for (const replacement of replacements) {
      if (replacement.start < limit && replacement.end > limit) limit = Math.max(0, replacement.start);
    }

    for (const finding of findings) {
      if (finding.firings.length > 0 && (finding.start < limit || finding === blocker)) {
        this.options.onFinding?.(finding.firings);
      }
    }

    const parts: string[] = [];
    let cursor = 0;
    for (const replacement of replacements) {
      if (replacement.start >= limit) break;
      const start = Math.max(cursor, replacement.start);
      if (start > cursor) parts.push(this.#restored(text.slice(cursor, start)));
      parts.push(this.#flushRestorer(), this.#replacementFor(replacement, text));
      cursor = Math.max(cursor, replacement.end);
    }
    if (limit > cursor) parts.push(this.#restored(text.slice(cursor, limit)));

    if (blocker !== undefined) {
      this.#cut = true;
      this.#pending = '';
      parts.push(this.#flushRestorer());
    } else {
      this.#context = (this.#context + text.slice(0, limit)).slice(-ANSWER_GUARD_WINDOW);
      this.#pending = text.slice(limit);
    }
    return parts.join('');
  }

  /**
   * Every finding of the rules in `scanned`, with offsets relative to the pending text (which starts at `offset`):
   * those wholly inside the context were settled before and are left out; one that begins in the context and
   * reaches into the pending text (the context seen anew) is kept, clipped, so its rest is still acted on.
   */
  #findingsIn(scanned: string, offset: number): Settled[] {
    const settled: Settled[] = [];
    for (const finding of findPii(scanned, this.rules.entities)) {
      if (finding.end <= offset) continue;
      const decision = this.rules.decisionFor(finding.entity);
      const firings: AnswerRuleFiring[] = [];
      const act = decision.act;
      if (act !== null) {
        firings.push({ rule: 'pii.output', entity: finding.entity, action: act.action, policy: act.source.policy });
      }
      for (const rule of decision.monitored) {
        firings.push({ rule: 'pii.output', entity: finding.entity, action: 'monitor', policy: rule.source.policy });
      }
      settled.push({
        start: finding.start - offset,
        end: finding.end - offset,
        act: act === null || act.action === 'log' ? null : act.action,
        entity: finding.entity,
        firings,
      });
    }
    for (const rule of this.rules.denyLists) {
      const monitored = rule.source.mode === 'monitor';
      const action: AnswerAction = monitored ? 'monitor' : rule.action;
      for (const match of rule.list.find(scanned, Number.POSITIVE_INFINITY)) {
        if (match.end <= offset) continue;
        settled.push({
          start: match.start - offset,
          end: match.end - offset,
          act: action === 'block' || action === 'redact' ? action : null,
          entity: null,
          firings: [{ rule: 'denyList.output', entity: null, action, policy: rule.source.policy }],
        });
      }
    }
    return settled.sort((a, b) => a.start - b.start || b.end - a.end);
  }

  #replacementFor(replacement: Replacement, text: string): string {
    if (replacement.entity === null) return DENY_LIST_REDACTION;
    const original = text.slice(Math.max(0, replacement.start), replacement.end);
    // Numbers the request's own placeholders hold are skipped: `[EMAIL_1]` never stands for two values in one answer.
    const restore = this.options.restore;
    return this.#redactions.placeholderFor(
      replacement.entity,
      original,
      restore ? (placeholder) => restore.originalOf(placeholder) !== undefined : undefined,
    );
  }

  #restored(text: string): string {
    return this.#restorer === null || text.length === 0 ? text : this.#restorer.push(text);
  }

  /** Before a replacement the restorer lets out what it holds: a placeholder never spans text the rules replaced. */
  #flushRestorer(): string {
    return this.#restorer?.flush() ?? '';
  }
}

/** `new AnswerTextGuard(rules, options).finish(text)`: the output rules and the restore on a whole text. */
export function guardAnswerText(text: string, rules: AnswerRules, options: AnswerTextGuardOptions = {}): GuardedText {
  return new AnswerTextGuard(rules, options).finish(text);
}

/**
 * Where the sure part of a pending text ends: the window before its end, or the start of its trailing
 * whitespace-free token if that is earlier, but never more than `ANSWER_GUARD_MAX_HOLDBACK` before the end; never
 * between the two halves of a surrogate pair.
 */
function holdBackFrom(text: string): number {
  const length = text.length;
  const floor = Math.max(0, length - ANSWER_GUARD_MAX_HOLDBACK);
  let end = Math.min(length - ANSWER_GUARD_WINDOW, trailingTokenStart(text, floor));
  end = Math.max(end, floor);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return end;
}

/** The start of the text's trailing run of non-whitespace, looked for no further back than `floor`. */
function trailingTokenStart(text: string, floor: number): number {
  let start = text.length;
  while (start > floor && !isWhitespace(text.charCodeAt(start - 1))) start -= 1;
  return start;
}

/** `safeEnd` moved back to the start of any finding that reaches over it (again, should that start be inside another). */
function beforeStraddling(findings: readonly Settled[], safeEnd: number): number {
  let end = safeEnd;
  for (let moved = true; moved;) {
    moved = false;
    for (const finding of findings) {
      if (finding.start < end && finding.end > end) {
        end = finding.start;
        moved = true;
      }
    }
  }
  return end;
}

/**
 * The spans to replace before `limit`, in order: each enforced `redact` finding, overlapping ones merged into one
 * span (replaced by `[REDACTED]` unless it is a single PII finding), so that no part of any of them goes out.
 */
function mergedReplacements(findings: readonly Settled[], limit: number): Replacement[] {
  const spans: Replacement[] = [];
  for (const finding of findings) {
    if (finding.act !== 'redact' || finding.start >= limit) continue;
    const last = spans.at(-1);
    if (last !== undefined && finding.start < last.end) {
      last.end = Math.max(last.end, finding.end);
      last.entity = null;
      continue;
    }
    spans.push({ start: finding.start, end: finding.end, entity: finding.entity });
  }
  return spans;
}

function isWhitespace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
