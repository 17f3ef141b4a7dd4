import { nameSchema, UNSAFE_NAME_MESSAGE } from './names';

describe('nameSchema', () => {
  const schema = nameSchema(100);

  it.each([
    ['a bidirectional override', 'invoice\u202Efdp.exe'],
    ['a right-to-left isolate', 'a\u2067b\u2069'],
    ['a left-to-right mark', 'a\u200Eb'],
    ['a NUL character', 'a\u0000b'],
    ['a C0 control (escape)', 'a\u001B[31mred'],
    ['a C1 control', 'a\u0085b'],
    ['a line separator', 'a\u2028b'],
    ['a zero-width space', 'ad\u200Bmin'],
    ['a byte-order mark inside', 'na\uFEFFme'],
  ])('refuses %s', (_label, value) => {
    const result = schema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([UNSAFE_NAME_MESSAGE]);
  });

  it.each([
    ['plain text', 'Analytical Engines'],
    ['accents and other scripts', 'Zoë Ωmega 東京 مرحبا'],
    ['an emoji sequence with zero-width joiners', 'Team 👩‍💻👨‍👩‍👧'],
    ['a zero-width non-joiner (Persian)', 'می‌خواهم'],
  ])('accepts %s', (_label, value) => {
    expect(schema.parse(value)).toBe(value);
  });

  it('trims, and refuses an empty or too long name', () => {
    expect(schema.parse('  Ada  ')).toBe('Ada');
    expect(schema.safeParse('   ').success).toBe(false);
    expect(nameSchema(3).safeParse('abcd').success).toBe(false);
  });
});
