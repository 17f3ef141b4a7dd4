import { originalSpan, type ScannedText } from './text/scanned-text';
import { type WordMatch } from './text/word-patterns';

/** What a signal found, where (offsets in the caller's text, end exclusive), and how much it counts (0..1). */
export interface InjectionSignal {
  name: InjectionSignalName;
  weight: number;
  start: number;
  end: number;
}

export type InjectionSignalName =
  | 'instruction-override'
  | 'prompt-extraction'
  | 'jailbreak-persona'
  | 'delimiter-injection'
  | 'model-directive'
  | 'addressed-to-model'
  | 'covert-action'
  | 'encoded-instructions'
  | 'homoglyphs'
  | 'styled-letters'
  | 'zero-width-characters'
  | 'bidi-controls'
  | 'tag-characters';

/** A signal covering the words of a phrase match. */
export function signalForWords(
  scanned: ScannedText,
  name: InjectionSignalName,
  weight: number,
  match: Pick<WordMatch<string>, 'first' | 'end'>,
): InjectionSignal {
  const first = scanned.tokens[match.first];
  const last = scanned.tokens[match.end - 1] ?? first;
  return { name, weight, ...originalSpan(scanned, first?.start ?? 0, last?.end ?? 0) };
}

/** A signal covering folded characters `[start, end)`. */
export function signalForFolded(
  scanned: ScannedText,
  name: InjectionSignalName,
  weight: number,
  start: number,
  end: number,
): InjectionSignal {
  return { name, weight, ...originalSpan(scanned, start, end) };
}
