import { detectPhones } from './phone.detector';

const texts = (input: string, nationalRegions?: readonly string[]) =>
  detectPhones(input, nationalRegions ? { nationalRegions } : {}).map((finding) => finding.text);

describe('detectPhones', () => {
  it.each([
    ['+44 20 7946 0958', 'Call me at +44 20 7946 0958 tomorrow.'],
    ['+1 (415) 555-2671', 'Phone: +1 (415) 555-2671'],
    ['+14155552671', 'tel:+14155552671'],
    ['+49 (0)30 901820', 'Telefon +49 (0)30 901820'],
    ['0044 20 7946 0958', 'Ring 0044 20 7946 0958 from abroad'],
    ['+33 6 12 34 56 78', 'Portable : +33 6 12 34 56 78'],
    ['+55 11 91234-5678', 'Meu celular é +55 11 91234-5678.'],
    ['+91 98765 43210', 'WhatsApp +91 98765 43210'],
  ])('finds the international number %s for any country', (expected, input) => {
    expect(texts(input)).toEqual([expected]);
  });

  it.each([
    ['(415) 555-2671', 'Call (415) 555-2671 today', 'US'],
    ['415.555.2671', 'Contact 415.555.2671', 'US'],
    ['020 7946 0958', 'Office: 020 7946 0958', 'GB'],
    ['0171/2345678', 'Tel. 0171/2345678', 'DE'],
    ['06 12 34 56 78', 'Mon numéro : 06 12 34 56 78', 'FR'],
    ['02 1234 5678', 'Ufficio 02 1234 5678', 'IT'],
    ['612 345 678', 'Llámame al 612 345 678.', 'ES'],
    ['090-1234-5678', '携帯: 090-1234-5678', 'JP'],
    ['03-1234-5678', '電話番号は03-1234-5678です。', 'JP'],
  ])('finds the national number %s of a configured region (%s)', (expected, input) => {
    expect(texts(input)).toEqual([expected]);
  });

  it('takes a bare national number only when a word names it a phone number', () => {
    expect(texts('my phone is 4155552671')).toEqual(['4155552671']);
    expect(texts('account 4155552671')).toEqual([]);
    expect(texts('4155552671')).toEqual([]);
  });

  it('splits a list of numbers at the gaps that do not belong inside one', () => {
    expect(texts('Ruf an: 0221 123456 / 0171 2345678 danke')).toEqual(['0221 123456', '0171 2345678']);
  });

  it('keeps an area code set off by a spaced slash, as German numbers are written', () => {
    expect(texts('Tel. 030 / 12 34 56-78, Fax 030 / 12 34 56-99')).toEqual(['030 / 12 34 56-78', '030 / 12 34 56-99']);
  });

  it('recognises national formats only for the regions it is given', () => {
    expect(texts('Mobile 06 12 34 56 78', ['US'])).toEqual([]);
    expect(texts('Mobile +33 6 12 34 56 78', ['US'])).toEqual(['+33 6 12 34 56 78']);
  });

  it.each([
    ['an ISO date', 'Released on 2024-01-15 at 10:00'],
    ['a European date', 'Termin am 15.01.2024 um 14:30 Uhr'],
    ['a US date with time', 'Due 01/15/2024, 10:30:00 UTC'],
    ['a Unix timestamp', 'Created at 1705314600 (unix)'],
    ['a version', 'Windows build 10.0.19045.3803'],
    ['an IPv4 address', 'IP 192.168.100.200'],
    ['an order number', 'Order #4155552671 has shipped'],
    ['an order number with dashes', 'Order number 415-555-2671'],
    ['an invalid number for its country', 'Call +1 555 555 5555 in the movie'],
    ['an invalid area code', 'Phone: 123-456-7890 (example)'],
    ['a quantity grouped in thousands', 'The file is 2 147 483 648 bytes.'],
    ['an amount', 'Price $415 555 2671'],
    ['a percentage', 'Growth 0612 345 678 %'],
    ['a product code glued to letters', 'Model XR-2000-5551234'],
    ['a code with a check digit', 'Art.-Nr. 030-901820-1'],
    ['an ISBN', 'ISBN 978-3-16-148410-0'],
    ['an SSN-shaped number', '078-05-1120'],
    ['a ZIP+4 code', 'my zip code is 90210-1234'],
    ['a ZIP+4 code without a label', 'Beverly Hills, CA 90210-1234'],
    ['a number too long for E.164', '+49 171 2345678 9012 3'],
    ['short numbers in prose', 'We sold 1500 units in 2023 to 48 customers.'],
  ])('leaves %s alone', (_reason, input) => {
    expect(texts(input)).toEqual([]);
  });
});
