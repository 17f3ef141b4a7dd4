import fc from 'fast-check';
import { PlaceholderRestorer, restoreText } from './placeholder-restorer';
import { PlaceholderVault } from './placeholder-vault';
import { redactPii } from './redact-pii';
import { PII_ENTITIES } from './pii-entity';

function vaultWith(entries: [Parameters<PlaceholderVault['placeholderFor']>[0], string][]): PlaceholderVault {
  const vault = new PlaceholderVault();
  for (const [entity, original] of entries) vault.placeholderFor(entity, original);
  return vault;
}

/** Streams `chunks` through a restorer, checking the hold-back after every push. */
function stream(vault: PlaceholderVault, chunks: readonly string[]): { output: string; maxHeld: number } {
  const restorer = new PlaceholderRestorer(vault);
  let output = '';
  let maxHeld = 0;
  for (const chunk of chunks) {
    output += restorer.push(chunk);
    maxHeld = Math.max(maxHeld, restorer.heldBackLength);
  }
  output += restorer.flush();
  return { output, maxHeld };
}

const vault = vaultWith([
  ['EMAIL', 'anna@example.com'],
  ['EMAIL', 'bob@example.com'],
  ['PHONE', '+44 20 7946 0958'],
  ['CREDIT_CARD', '4111 1111 1111 1111'],
  ['IP_ADDRESS', '10.0.0.1'],
  ['US_SSN', '536-22-1234'],
  ['SECRET', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
]);

/** Answers a model might give: placeholders at the edges, back to back, in brackets, near misses, other requests'. */
const FIXTURES = [
  'Sure, I will write to [EMAIL_1] today.',
  '[EMAIL_1]',
  '[EMAIL_1][EMAIL_2][PHONE_1]',
  'Call [PHONE_1] or mail [EMAIL_2].',
  '[[EMAIL_1]] and [EMAIL_1 ] and [EMAIL_] and [EMAIL_12] and [EMAIL_3] and [email_1]',
  'Card [CREDIT_CARD_1] from [IP_ADDRESS_1], SSN [US_SSN_1], key [SECRET_1].',
  'Arrays like a[0] and [1, 2, 3] pass unchanged, as does [ and ] alone and [EMAIL',
  'Unicode 🙂 [EMAIL_1] 🙂 and [PHONE_1]🙂',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ ]]]]]]]]]',
  'A placeholder of another request: [EMAIL_9] stays.',
  '',
  'no placeholders at all',
  'ends with the start of one [IP_ADDR',
  'ends with a whole one [SECRET_1]',
];

describe('restoreText', () => {
  it("puts this vault's originals back and leaves everything else as it was", () => {
    expect(restoreText('Sure, I will write to [EMAIL_1] and [EMAIL_2].', vault)).toBe(
      'Sure, I will write to anna@example.com and bob@example.com.',
    );
    expect(restoreText('[[EMAIL_1]] [EMAIL_3] [EMAIL_1 ] [email_1]', vault)).toBe(
      '[anna@example.com] [EMAIL_3] [EMAIL_1 ] [email_1]',
    );
    expect(restoreText('[EMAIL_1]', new PlaceholderVault())).toBe('[EMAIL_1]');
  });

  it('never restores a value of another request', () => {
    const first = redactPii('mine: anna@example.com', PII_ENTITIES);
    const second = redactPii('mine: bob@example.com', PII_ENTITIES);
    expect(first.text).toBe('mine: [EMAIL_1]');
    expect(second.text).toBe('mine: [EMAIL_1]');
    expect(restoreText('[EMAIL_1]', second.vault)).toBe('bob@example.com');
  });
});

describe('PlaceholderRestorer', () => {
  it('holds back only a tail that could still become a placeholder', () => {
    const restorer = new PlaceholderRestorer(vault);
    expect(restorer.push('Write to [EMA')).toBe('Write to ');
    expect(restorer.heldBackLength).toBe(4);
    expect(restorer.push('IL_1] now [x')).toBe('anna@example.com now [x');
    expect(restorer.heldBackLength).toBe(0);
    expect(restorer.push(' [PHONE')).toBe(' ');
    expect(restorer.flush()).toBe('[PHONE');
  });

  it('passes a stream through untouched when the request redacted nothing', () => {
    const restorer = new PlaceholderRestorer(new PlaceholderVault());
    expect(restorer.push('[EMA')).toBe('[EMA');
    expect(restorer.push('IL_1]')).toBe('IL_1]');
    expect(restorer.flush()).toBe('');
  });

  it('gives exactly the restored text for every fixture split at every position', () => {
    for (const fixture of FIXTURES) {
      const expected = restoreText(fixture, vault);
      for (let cut = 0; cut <= fixture.length; cut++) {
        const { output, maxHeld } = stream(vault, [fixture.slice(0, cut), fixture.slice(cut)]);
        expect(output).toBe(expected);
        expect(maxHeld).toBeLessThanOrEqual(vault.longestPlaceholderLength);
      }
    }
  });

  it('gives exactly the restored text for random splits into many chunks (property)', () => {
    const fixture = fc.oneof(
      fc.constantFrom(...FIXTURES),
      // Random answers built from placeholders, near misses and filler.
      fc
        .array(
          fc.oneof(
            fc.constantFrom('[EMAIL_1]', '[EMAIL_2]', '[PHONE_1]', '[SECRET_1]', '[US_SSN_1]', '[EMAIL_3]'),
            fc.constantFrom('[', ']', '[EMAIL', '_1]', 'EMAIL_1]', ' ', '🙂', '[[', 'x'),
            fc.string({ maxLength: 6 }),
          ),
          { maxLength: 30 },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(fixture, fc.array(fc.nat(), { maxLength: 12 }), (text, cuts) => {
        const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let previous = 0;
        for (const position of positions) {
          chunks.push(text.slice(previous, position));
          previous = position;
        }
        chunks.push(text.slice(previous));
        const { output, maxHeld } = stream(vault, chunks);
        expect(output).toBe(restoreText(text, vault));
        expect(maxHeld).toBeLessThanOrEqual(vault.longestPlaceholderLength);
      }),
      { numRuns: 2_000, seed: 15 },
    );
  });

  it('restores a single-character stream, holding back no more than the longest placeholder', () => {
    const text = 'Mail [EMAIL_1], card [CREDIT_CARD_1], [[SECRET_1]]. [IP_ADDRESS_';
    const { output, maxHeld } = stream(vault, [...text]);
    expect(output).toBe(restoreText(text, vault));
    expect(maxHeld).toBeLessThanOrEqual(vault.longestPlaceholderLength);
    expect(maxHeld).toBeGreaterThan(0);
  });
});
