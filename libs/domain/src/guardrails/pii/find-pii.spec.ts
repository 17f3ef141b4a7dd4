import { findPii } from './find-pii';
import { PII_ENTITIES } from './pii-entity';

describe('findPii', () => {
  const text =
    'Hi, I am Anna (anna.schmidt@firma.de, +49 171 2345678). Card 4111 1111 1111 1111, ' +
    'IBAN DE89 3704 0044 0532 0130 00, from 203.0.113.7, SSN 536-22-1234, ' +
    'key sk_live_4eC39HqLyjWDarjtT1zdp7dc. Version 1.2.3.4 shipped on 2024-03-15.';

  it('returns every entity asked for, in text order, with spans that cut the text out of the input', () => {
    const findings = findPii(text, PII_ENTITIES);
    expect(findings.map((finding) => finding.entity)).toEqual([
      'EMAIL',
      'PHONE',
      'CREDIT_CARD',
      'IBAN',
      'IP_ADDRESS',
      'US_SSN',
      'SECRET',
    ]);
    for (const finding of findings) expect(text.slice(finding.start, finding.end)).toBe(finding.text);
  });

  it('runs only the detectors of the entities asked for', () => {
    expect(findPii(text, ['IBAN', 'EMAIL']).map((finding) => finding.entity)).toEqual(['EMAIL', 'IBAN']);
    expect(findPii(text, [])).toEqual([]);
    expect(findPii('', PII_ENTITIES)).toEqual([]);
  });

  it('counts offsets in UTF-16 code units, as String#slice does', () => {
    const input = '🙂🙂 mail: jonas@example.com';
    const [finding] = findPii(input, ['EMAIL']);
    expect(finding?.start).toBe(11); // two emoji are four code units
    expect(input.slice(finding?.start, finding?.end)).toBe('jonas@example.com');
  });

  it('keeps the longer finding when two overlap', () => {
    // An SMS gateway address: the phone detector sees `+14155552671`, the email detector the whole address.
    const input = 'Reply to +14155552671@sms.example.com today';
    expect(findPii(input, ['PHONE']).map((finding) => finding.text)).toEqual(['+14155552671']);
    expect(findPii(input, PII_ENTITIES).map((finding) => [finding.entity, finding.text])).toEqual([
      ['EMAIL', '14155552671@sms.example.com'],
    ]);
    // A GitHub token used as a URL's user is a secret, not a mailbox.
    const url = 'https://ghp_0123456789ABCDEFGHIJabcdefghij012345@github.com/acme/app.git';
    expect(findPii(url, PII_ENTITIES).map((finding) => finding.entity)).toEqual(['SECRET']);
  });

  it('never writes anything: what a detector saw stays in the findings', () => {
    const writes: unknown[] = [];
    const spies = [
      jest.spyOn(console, 'log').mockImplementation((...args) => writes.push(args)),
      jest.spyOn(console, 'info').mockImplementation((...args) => writes.push(args)),
      jest.spyOn(console, 'warn').mockImplementation((...args) => writes.push(args)),
      jest.spyOn(console, 'error').mockImplementation((...args) => writes.push(args)),
      jest.spyOn(console, 'debug').mockImplementation((...args) => writes.push(args)),
      jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => writes.push(chunk) > 0),
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => writes.push(chunk) > 0),
    ];
    try {
      findPii(text, PII_ENTITIES);
      findPii('not an email: a@b, nor a phone: +1 555 555 5555, nor a key: sk-xxxx', PII_ENTITIES);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(writes).toEqual([]);
  });

  describe('takes linear time on adversarial input', () => {
    // Inputs that make backtracking expressions explode: long runs of the characters each detector reads.
    const adversarial: Record<string, (size: number) => string> = {
      digits: (size) => '1'.repeat(size),
      'digit groups': (size) => '12 '.repeat(size / 3),
      'dotted digits': (size) => '1.'.repeat(size / 2),
      'hex and colons': (size) => 'a:'.repeat(size / 2),
      'at signs': (size) => 'a@'.repeat(size / 2),
      'a long local part': (size) => `${'a.'.repeat(size / 2)}@`,
      'a long domain': (size) => `a@${'b.'.repeat(size / 2)}`,
      'IBAN-like': (size) => 'DE89'.repeat(size / 4),
      'IBAN-like spaced': (size) => 'DE89 '.repeat(size / 5),
      'key prefixes': (size) => 'sk-'.repeat(size / 3),
      'JWT-like': (size) => 'eyJ.'.repeat(size / 4),
      base64: (size) => 'aB3+'.repeat(size / 4),
      'PEM headers': (size) => '-----BEGIN PRIVATE KEY-----\n'.repeat(size / 28),
      'phone punctuation': (size) => '(1) -'.repeat(size / 5),
      // Thousands of findings, some overlapping: resolving overlaps must not compare every pair.
      'many emails': (size) => 'a@b.co '.repeat(size / 7),
      'many addresses': (size) => '10.0.0.1 '.repeat(size / 9),
      'many overlapping findings': (size) => '+14155552671@sms.example.com '.repeat(size / 29),
    };

    function timeMs(input: string): number {
      const started = process.hrtime.bigint();
      for (let round = 0; round < 3; round++) findPii(input, PII_ENTITIES);
      return Number(process.hrtime.bigint() - started) / 3e6;
    }

    it.each(Object.entries(adversarial))('%s', (_name, make) => {
      const small = make(16_384);
      const large = make(65_536);
      timeMs(small); // warm up
      const smallMs = timeMs(small);
      const largeMs = timeMs(large);
      // Four times the input may take about four times as long, never sixteen (quadratic); the absolute bound keeps
      // a shared, busy machine from turning noise on a fast case into a failure.
      expect(largeMs).toBeLessThan(Math.max(8 * smallMs, 50));
    });
  });
});
