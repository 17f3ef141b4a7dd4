import { detectIbans } from './iban.detector';

const texts = (input: string) => detectIbans(input).map((finding) => finding.text);

describe('detectIbans', () => {
  it('finds IBANs of several countries in paper and electronic form', () => {
    expect(texts('IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX')).toEqual(['DE89 3704 0044 0532 0130 00']);
    expect(texts('GB82WEST12345698765432; FR1420041010050500013M02606.')).toEqual([
      'GB82WEST12345698765432',
      'FR1420041010050500013M02606',
    ]);
    expect(texts('"iban": "GB33 BUKB 2020 1555 5555 55", NL91ABNA0417164300')).toEqual([
      'GB33 BUKB 2020 1555 5555 55',
      'NL91ABNA0417164300',
    ]);
    expect(texts('IBAN:NO9386011117947 and BE68539007547034')).toEqual(['NO9386011117947', 'BE68539007547034']);
  });

  it('finds an IBAN that follows another upper-case code', () => {
    expect(texts('REF AB12 DE89 3704 0044 0532 0130 00')).toEqual(['DE89 3704 0044 0532 0130 00']);
  });

  it.each([
    ['wrong check digits', 'DE88 3704 0044 0532 0130 00'],
    ['an unknown country', 'XX89 3704 0044 0532 0130 00'],
    ['one character short', 'DE89 3704 0044 0532 0130 0'],
    ['one character too many', 'DE893704004405320130001'],
    ['odd grouping', 'DE89 37040044 0532 0130 00'],
    ['a code glued to letters', 'XDE89370400440532013000'],
    ['lower-case words', 'de89 is not an iban'],
  ])('leaves %s alone', (_reason, input) => {
    expect(texts(input)).toEqual([]);
  });
});
