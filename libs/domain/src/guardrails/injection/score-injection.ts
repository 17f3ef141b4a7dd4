import { combineSignals } from './combine-signals';
import { type InjectionSignal } from './injection-signal';
import { delimiterInjectionSignals } from './signals/delimiter-injection';
import { encodedInstructionSignals } from './signals/encoded-instructions';
import { hiddenCharacterSignals } from './signals/hidden-characters';
import { homoglyphSignals } from './signals/homoglyphs';
import { instructionOverrideSignals } from './signals/instruction-override';
import { jailbreakPersonaSignals } from './signals/jailbreak-persona';
import { modelDirectiveSignals } from './signals/model-directive';
import { promptExtractionSignals } from './signals/prompt-extraction';
import { toolOutputInjectionSignals } from './signals/tool-output-injection';
import { scanText, type ScannedText } from './text/scanned-text';

export interface InjectionScore {
  /** 0..1: how likely the text is a prompt injection (see combine-signals.ts for how signals add up). */
  score: number;
  /** What was found, in text order; positions are offsets in the text as given (UTF-16, end exclusive). */
  signals: InjectionSignal[];
}

/**
 * The threshold the policy's `injection.threshold` should start from: on the repository's corpus it keeps false
 * positives at or under 2 % (docs/guardrails.md, "Prompt injection: measured", has the whole curve).
 */
export const DEFAULT_INJECTION_THRESHOLD = 0.5;

/** At most this many signals are returned (the score counts them all). */
const MAX_REPORTED_SIGNALS = 32;

/**
 * Scores a text (a user message, a tool result, a retrieved document) for prompt injection. Pure and synchronous;
 * linear in the text's length, which is capped (see `MAX_SCANNED_CHARS`): no regular expression runs over the whole
 * text, phrases are matched word by word.
 */
export function scoreInjection(text: string): InjectionScore {
  const scanned = scanText(text);
  const signals = [
    ...plainTextSignals(scanned),
    ...encodedInstructionSignals(scanned, scoreDecodedText),
    ...hiddenCharacterSignals(scanned, scoreDecodedText),
    ...homoglyphSignals(scanned),
  ];
  return {
    score: combineSignals(signals),
    signals: signals.sort((a, b) => a.start - b.start || b.weight - a.weight).slice(0, MAX_REPORTED_SIGNALS),
  };
}

/** The signals that read words: everything but decoding. */
function plainTextSignals(scanned: ScannedText): InjectionSignal[] {
  return [
    ...instructionOverrideSignals(scanned),
    ...promptExtractionSignals(scanned),
    ...jailbreakPersonaSignals(scanned),
    ...delimiterInjectionSignals(scanned),
    ...modelDirectiveSignals(scanned),
    ...toolOutputInjectionSignals(scanned),
  ];
}

/** Text recovered from base64 or tag characters, scored without decoding again (so nesting cannot multiply work). */
function scoreDecodedText(decoded: string): number {
  const scanned = scanText(decoded.slice(0, 4096));
  return combineSignals([...plainTextSignals(scanned), ...homoglyphSignals(scanned)]);
}
