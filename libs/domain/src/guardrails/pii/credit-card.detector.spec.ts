import { cardNetwork, detectCreditCards, luhnValid } from './credit-card.detector';

const texts = (input: string) => detectCreditCards(input).map((finding) => finding.text);

/** The payload with the Luhn digit that makes it valid: look-alikes below fail for their stated reason only. */
function withCheckDigit(payload: string): string {
  for (let digit = 0; digit <= 9; digit++) if (luhnValid(payload + digit)) return payload + digit;
  throw new Error('unreachable');
}

describe('detectCreditCards', () => {
  it('finds card numbers of several networks, bare and grouped with spaces or dashes', () => {
    expect(texts('Visa 4111 1111 1111 1111, MC 5555-5555-5555-4444, Amex 378282246310005')).toEqual([
      '4111 1111 1111 1111',
      '5555-5555-5555-4444',
      '378282246310005',
    ]);
    expect(texts('Amex 3782 822463 10005 and Diners 3056 930902 5904')).toEqual([
      '3782 822463 10005',
      '3056 930902 5904',
    ]);
  });

  it('stops before an expiry date written right after the number', () => {
    expect(texts('Visa/MC: 4111 1111 1111 1111 08/28')).toEqual(['4111 1111 1111 1111']);
    expect(texts('card 4111-1111-1111-1111 08/28')).toEqual(['4111-1111-1111-1111']);
  });

  it.each([
    ['a wrong check digit', '4111 1111 1111 1112'],
    ['an unknown issuer range', '1234 5678 9012 3452'],
    ['a Luhn-valid number no network issues (starts with 1)', withCheckDigit('100000000000000')],
    ['a network length that does not exist (Visa with 15 digits)', withCheckDigit('41111111111111')],
    ['a Luhn-valid 16-digit order number starting with 9', `Order ${withCheckDigit('912345678901234')}`],
    ['odd grouping', '4111-11-1111111111'],
    ['mixed separators', '4111 1111-1111 1111'],
    ['a decimal number', '4111111111111111.50'],
    ['a longer number around a valid one', '94111111111111111'],
    ['digits glued to letters', 'ID4111111111111111'],
    ['a millisecond timestamp', 'at 1705314600123'],
  ])('leaves %s alone', (_reason, input) => {
    expect(texts(input)).toEqual([]);
  });

  it('knows networks by IIN range and length', () => {
    expect(cardNetwork('4111111111111111')).toBe('VISA');
    expect(cardNetwork('2221000000000009')).toBe('MASTERCARD');
    expect(cardNetwork('6011111111111117')).toBe('DISCOVER');
    expect(cardNetwork('3530111333300000')).toBe('JCB');
    expect(cardNetwork('6759649826438453')).toBe('MAESTRO');
    expect(cardNetwork('2200000000000004')).toBe('MIR');
    expect(cardNetwork('5111111111111')).toBeNull(); // Mastercard is 16 digits
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });
});
