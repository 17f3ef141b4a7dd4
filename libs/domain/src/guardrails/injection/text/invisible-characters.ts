/**
 * Characters that render as nothing (or only steer the direction of the text around them). They are removed from the
 * text the phrase signals read, so `ig\u200bnore` still reads `ignore`; the hidden-characters signal judges whether
 * their presence is itself suspicious.
 */
export function isInvisibleCodePoint(point: number): boolean {
  return (
    isZeroWidth(point) ||
    isBidiControl(point) ||
    isTagCharacter(point) ||
    point === 0x00ad || // soft hyphen
    (point >= 0xfe00 && point <= 0xfe0f) || // variation selectors (emoji presentation)
    (point >= 0xe0100 && point <= 0xe01ef)
  );
}

/** Zero-width spaces, joiners and invisible operators. */
export function isZeroWidth(point: number): boolean {
  return (
    point === 0x200b ||
    point === 0x200c ||
    point === 0x200d ||
    (point >= 0x2060 && point <= 0x2064) ||
    point === 0xfeff ||
    point === 0x180e ||
    point === 0x034f ||
    point === 0x115f ||
    point === 0x1160 ||
    point === 0x3164 ||
    point === 0xffa0
  );
}

/** Embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069) and the direction marks (LRM, RLM, ALM). */
export function isBidiControl(point: number): boolean {
  return (
    (point >= 0x202a && point <= 0x202e) ||
    (point >= 0x2066 && point <= 0x2069) ||
    point === 0x200e ||
    point === 0x200f ||
    point === 0x061c
  );
}

/** Unicode tag characters: an invisible copy of ASCII (U+E0020..U+E007E), plus the language tag and cancel tag. */
export function isTagCharacter(point: number): boolean {
  return point === 0xe0001 || (point >= 0xe0020 && point <= 0xe007f);
}
