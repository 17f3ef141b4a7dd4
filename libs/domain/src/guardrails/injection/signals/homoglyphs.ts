import { type InjectionSignal } from '../injection-signal';
import { type ScannedText } from '../text/scanned-text';

/**
 * Homoglyphs: a word that mixes Latin letters with Cyrillic or Greek lookalikes (`іgnоrе` with Cyrillic і, о, е)
 * reads the same to a person and a model but slips past a filter that compares letters. No honest word mixes
 * scripts inside itself (the text preparation only flags words where both appear), so each such word counts; the
 * phrase signals read the folded skeleton, so the disguised phrase is scored as well. Styled alphabets
 * (mathematical bold, fullwidth, small capitals) are common in social-media text and count only a little.
 */
export function homoglyphSignals(scanned: ScannedText): InjectionSignal[] {
  const signals: InjectionSignal[] = scanned.mixedScriptWords
    .slice(0, 16)
    .map((word) => ({ name: 'homoglyphs', weight: 0.35, start: word.start, end: word.end }));
  if (scanned.styledSpan !== null && scanned.styledLetters >= 4) {
    signals.push({ name: 'styled-letters', weight: 0.2, ...scanned.styledSpan });
  }
  return signals;
}
