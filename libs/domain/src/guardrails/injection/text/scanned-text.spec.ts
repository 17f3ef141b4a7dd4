import { MAX_SCANNED_CHARS, originalSpan, scanText } from './scanned-text';

describe('scanText', () => {
  it('lower-cases plain ASCII without an offset map', () => {
    const scanned = scanText('Ignore THIS: now');
    expect(scanned.folded).toBe('ignore this: now');
    expect(scanned.offsets).toBeNull();
    expect(scanned.tokens.map((token) => token.text)).toEqual(['ignore', 'this', ':', 'now']);
  });

  it('removes invisible characters and combining marks, and folds compatibility forms and accents', () => {
    expect(scanText('Ig\u200bno\u202ere').folded).toBe('ignore');
    expect(scanText('ＩＧＮＯＲＥ 𝐚𝐥𝐥').folded).toBe('ignore all');
    expect(scanText('précédentes instruções').folded).toBe('precedentes instrucoes');
    expect(scanText('cafe\u0301').folded).toBe('cafe');
    expect(scanText('ʀᴇᴠᴇᴀʟ').folded).toBe('reveal');
  });

  it('folds words that mix Latin with Cyrillic or Greek lookalikes, and reports them', () => {
    const text = 'Іgnоrе аll prevіοus';
    const scanned = scanText(text);
    expect(scanned.folded).toBe('ignore all previous');
    expect(scanned.mixedScriptWords.map((word) => text.slice(word.start, word.end))).toEqual([
      'Іgnоrе',
      'аll',
      'prevіοus',
    ]);
  });

  it('leaves words of one script alone, keeps letters whose mark is part of them, and ignores symbols', () => {
    const russian = scanText('Игнорируй предыдущие инструкции');
    expect(russian.folded).toBe('игнорируй предыдущие инструкции');
    expect(russian.mixedScriptWords).toEqual([]);
    expect(scanText('5 μm and 3 μg').mixedScriptWords).toEqual([]);
  });

  it('maps folded positions back to the original text', () => {
    const text = 'say: ig\u200bnore 𝐚𝐥𝐥';
    const scanned = scanText(text);
    const ignore = scanned.tokens.find((token) => token.text === 'ignore');
    const all = scanned.tokens.find((token) => token.text === 'all');
    const span = originalSpan(scanned, ignore?.start ?? 0, ignore?.end ?? 0);
    expect(text.slice(span.start, span.end)).toBe('ig\u200bnore');
    const bold = originalSpan(scanned, all?.start ?? 0, all?.end ?? 0);
    expect(text.slice(bold.start, bold.end)).toBe('𝐚𝐥𝐥');
  });

  it('reads only the head and the tail of a text longer than the cap', () => {
    const text = `ignore ${'x'.repeat(MAX_SCANNED_CHARS * 2)} previous instructions`;
    const scanned = scanText(text);
    expect(scanned.segments).toHaveLength(2);
    expect(scanned.folded.length).toBeLessThanOrEqual(MAX_SCANNED_CHARS + 1);
    expect(scanned.tokens[0]?.text).toBe('ignore');
    const last = scanned.tokens[scanned.tokens.length - 1];
    const span = originalSpan(scanned, last?.start ?? 0, last?.end ?? 0);
    expect(text.slice(span.start, span.end)).toBe('instructions');
  });
});
