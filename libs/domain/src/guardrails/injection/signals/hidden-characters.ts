import { type InjectionSignal } from '../injection-signal';
import { isBidiControl, isTagCharacter, isZeroWidth } from '../text/invisible-characters';
import { type ScannedText } from '../text/scanned-text';
import { type DecodedTextScorer } from './encoded-instructions';

/**
 * Zero-width, bidi-control and tag characters: they let a text say something other than what a person reviewing it
 * sees. Zero-width characters split trigger words (`ig\u200bnore`) past keyword filters; bidi overrides reorder what
 * is displayed (Trojan Source); tag characters (U+E0020..U+E007E) are an invisible copy of ASCII that models read,
 * so a whole instruction can ride along unseen. The phrase signals already read the text with these removed; here
 * their presence counts, except where a script needs them: a zero-width joiner inside an emoji sequence or between
 * Arabic or Indic letters, direction marks in right-to-left text, a byte-order mark at the start, the tag
 * sequence of a subdivision flag. Hidden tag text is decoded and scored like a prompt of its own.
 */
export function hiddenCharacterSignals(scanned: ScannedText, scoreDecoded: DecodedTextScorer): InjectionSignal[] {
  // Folded and original align only for plain ASCII, which has none of these characters.
  if (scanned.offsets === null) return [];
  const { original } = scanned;
  const signals: InjectionSignal[] = [];
  let rightToLeftCache: boolean | undefined;
  const rightToLeft = () => (rightToLeftCache ??= hasRightToLeftLetters(original, scanned.segments));
  let zeroWidth = 0;
  let splitsWord = false;
  let firstZeroWidth = -1;
  let lastZeroWidth = -1;
  for (const segment of scanned.segments) {
    // Candidates are found by a native search for one character class; the checks below run only on those.
    HIDDEN.lastIndex = segment.start;
    for (
      let match = HIDDEN.exec(original);
      match !== null && match.index < segment.end;
      match = HIDDEN.exec(original)
    ) {
      const i = match.index;
      const point = original.codePointAt(i) ?? 0;
      const width = point > 0xffff ? 2 : 1;
      if (isTagCharacter(point)) {
        const end = tagRunEnd(original, i, segment.end);
        signals.push(...tagSignals(original, i, end, scoreDecoded));
        HIDDEN.lastIndex = end;
      } else if (isZeroWidth(point) && !isLegitimateZeroWidth(original, i, point)) {
        zeroWidth += 1;
        if (firstZeroWidth < 0) firstZeroWidth = i;
        lastZeroWidth = i + width;
        splitsWord ||= isLatinLetter(original.charCodeAt(i - 1)) && isLatinLetter(original.charCodeAt(i + width));
      } else if (isBidiControl(point)) {
        const mark = point === 0x200e || point === 0x200f || point === 0x061c;
        if (!(mark && rightToLeft()) && signals.length < 16) {
          const weight = mark ? 0.2 : rightToLeft() ? 0.2 : 0.45;
          signals.push({ name: 'bidi-controls', weight, start: i, end: i + width });
        }
      }
    }
  }
  if (zeroWidth > 0) {
    // One stray zero-width space inside a copied identifier happens; several, or words split on purpose, do not.
    const weight = zeroWidth >= 16 ? 0.6 : zeroWidth >= 4 ? 0.5 : splitsWord ? 0.4 : 0.3;
    signals.push({ name: 'zero-width-characters', weight, start: firstZeroWidth, end: lastZeroWidth });
  }
  return signals;
}

/** Every zero-width, bidi-control and tag character (a tag is a surrogate pair starting with U+DB40). */
const HIDDEN =
  /[\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0]|\udb40[\udc01\udc20-\udc7f]/g;

function tagRunEnd(text: string, start: number, limit: number): number {
  let end = start;
  while (end < limit && isTagCharacter(text.codePointAt(end) ?? 0)) end += 2;
  return end;
}

/** A run of tag characters: a subdivision flag (black flag + a few tags + cancel tag) is fine; anything else hides text. */
function tagSignals(text: string, start: number, end: number, scoreDecoded: DecodedTextScorer): InjectionSignal[] {
  const isFlag = text.codePointAt(start - 2) === 0x1f3f4 && end - start <= 14 && text.codePointAt(end - 2) === 0xe007f;
  if (isFlag) return [];
  let hidden = '';
  for (let i = start; i < end && hidden.length < 4096; i += 2) {
    const point = text.codePointAt(i) ?? 0;
    if (point >= 0xe0020 && point <= 0xe007e) hidden += String.fromCharCode(point - 0xe0000);
  }
  const weight = Math.max(0.6, Math.min(0.95, scoreDecoded(hidden) + 0.1));
  return [{ name: 'tag-characters', weight, start, end }];
}

function isLegitimateZeroWidth(text: string, at: number, point: number): boolean {
  if (point === 0xfeff && at === 0) return true;
  if (point !== 0x200d && point !== 0x200c) return false;
  const before = text.codePointAt(at - 1) ?? 0;
  const beforePair = at >= 2 ? (text.codePointAt(at - 2) ?? 0) : 0;
  const after = text.codePointAt(at + 1) ?? 0;
  if (point === 0x200d && (isEmojiPart(before) || isEmojiPart(beforePair) || isEmojiPart(after))) return true;
  return isJoiningScript(before) || isJoiningScript(after);
}

/** Pictographs, their modifiers and variation selectors: the parts of a ZWJ emoji sequence. */
function isEmojiPart(point: number): boolean {
  return (
    (point >= 0x1f000 && point <= 0x1faff) ||
    (point >= 0x2600 && point <= 0x27bf) ||
    (point >= 0x2300 && point <= 0x23ff) ||
    point === 0xfe0f ||
    point === 0x2640 ||
    point === 0x2642 ||
    point === 0x2695 ||
    point === 0x2708
  );
}

/** Scripts whose spelling uses zero-width joiners and non-joiners: Arabic, Persian, Syriac, Indic, Sinhala, Myanmar. */
function isJoiningScript(point: number): boolean {
  return (
    (point >= 0x0600 && point <= 0x08ff) ||
    (point >= 0x0900 && point <= 0x0dff) ||
    (point >= 0x1000 && point <= 0x109f) ||
    (point >= 0xfb50 && point <= 0xfdff) ||
    (point >= 0xfe70 && point <= 0xfefe)
  );
}

const RIGHT_TO_LEFT = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]/;

function hasRightToLeftLetters(text: string, segments: ScannedText['segments']): boolean {
  return segments.some((segment) => RIGHT_TO_LEFT.test(text.slice(segment.start, segment.end)));
}

function isLatinLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}
