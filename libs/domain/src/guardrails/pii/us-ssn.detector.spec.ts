import { detectUsSsns } from './us-ssn.detector';

const texts = (input: string) => detectUsSsns(input).map((finding) => finding.text);

describe('detectUsSsns', () => {
  it('finds dashed SSNs on their own and spaced or bare ones where they are named', () => {
    expect(texts('Please confirm 536-22-1234 matches the card.')).toEqual(['536-22-1234']);
    expect(texts('SSN 536 22 1234, ssn: 212558712')).toEqual(['536 22 1234', '212558712']);
    expect(texts('SSN#536-22-1234')).toEqual(['536-22-1234']);
    expect(texts('Social Security No. 212 55 8712')).toEqual(['212 55 8712']);
  });

  it.each([
    ['area 000', 'SSN 000-12-3456'],
    ['area 666', 'SSN 666-12-3456'],
    ['an ITIN (area 9xx)', 'ITIN 912-34-5678'],
    ['group 00', 'SSN 123-00-4567'],
    ['serial 0000', 'SSN 123-45-0000'],
    ['the wallet-insert number', 'SSN 078-05-1120'],
    ['a spaced number with no label', 'Call 536 22 1234 for details'],
    ['a bare number with no label', 'Reference 536221234'],
    ['a part number', 'SSN on file; Part 219-45-6789 ships next week'],
    ['an order number', 'Order #536-22-1234 confirmed'],
    ['a case number', 'Case number 401-22-7731 was closed'],
    ['a longer code', 'SKU 123-45-6789-B'],
    ['mixed separators', 'SSN 536-22 1234'],
  ])('leaves %s alone', (_reason, input) => {
    expect(texts(input)).toEqual([]);
  });
});
