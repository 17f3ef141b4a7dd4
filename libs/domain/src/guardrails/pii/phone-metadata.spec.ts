import { PhoneNumberType, PhoneNumberUtil } from 'google-libphonenumber';
import { regionOfInternationalNumber } from './phone-metadata';

describe('phone metadata', () => {
  const util = PhoneNumberUtil.getInstance();

  it("agrees with libphonenumber's isValidNumber on numbers near every region's examples", () => {
    // Each region's example numbers with one to three digits redrawn, a digit added or dropped, or a national
    // prefix put after the country code: valid and invalid numbers of every country.
    let state = 1;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const digit = () => String(Math.floor(random() * 10));
    let compared = 0;
    const disagreements: string[] = [];
    for (const region of util.getSupportedRegions()) {
      for (const type of [PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE]) {
        const example = util.getExampleNumberForType(region, type);
        if (!example) continue;
        const national = util.getNationalSignificantNumber(example).split('');
        for (let round = 0; round < 8; round++) {
          const digits = [...national];
          for (let change = Math.floor(random() * 3); change > 0; change--) {
            digits[Math.floor(random() * digits.length)] = digit();
          }
          if (random() < 0.1) digits.push(digit());
          if (random() < 0.1) digits.pop();
          if (random() < 0.05) digits.unshift('0');
          const number = `${example.getCountryCode()}${digits.join('')}`;
          let expected: boolean;
          try {
            expected = util.isValidNumber(util.parse(`+${number}`, 'ZZ'));
          } catch {
            expected = false;
          }
          compared++;
          if ((regionOfInternationalNumber(number) !== null) !== expected) disagreements.push(`+${number}`);
        }
      }
    }
    expect(compared).toBeGreaterThan(5_000);
    // libphonenumber also rewrites national prefixes with per-country rules (Belarus' `8 0`, Argentina's `15`);
    // the detector only strips a plain prefix, so a handful of such numbers differ.
    expect(disagreements.length / compared).toBeLessThan(0.001);
  });
});
