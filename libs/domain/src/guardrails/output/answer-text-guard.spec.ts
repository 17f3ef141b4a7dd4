import fc from 'fast-check';
import { compileDenyList } from '../deny-list/deny-list';
import { type PiiEntity } from '../pii/pii-entity';
import { PlaceholderVault } from '../pii/placeholder-vault';
import { type DenyListRule, type PiiRule } from '../../policies';
import { type AnswerRuleFiring, AnswerRules } from './answer-rules';
import {
  ANSWER_GUARD_MAX_HOLDBACK,
  ANSWER_GUARD_STEP,
  ANSWER_GUARD_WINDOW,
  AnswerTextGuard,
  type AnswerTextGuardOptions,
  guardAnswerText,
} from './answer-text-guard';

type Mode = 'enforce' | 'monitor';

function piiRule(action: PiiRule['action'], entities: PiiEntity[], policy = 'global', mode: Mode = 'enforce'): PiiRule {
  return { source: { policy, rule: 'pii.output', mode }, action, entities, restore: false };
}

function denyRule(
  action: DenyListRule['action'],
  patterns: string[],
  policy = 'global',
  mode: Mode = 'enforce',
): DenyListRule {
  return { source: { policy, rule: 'denyList.output', mode }, action, list: compileDenyList(patterns) };
}

/** Streams `chunks` through a fresh guard: the output, whether it was cut, what fired, the most it held back. */
function stream(rules: AnswerRules, chunks: readonly string[], options: AnswerTextGuardOptions = {}) {
  const firings: AnswerRuleFiring[] = [];
  const guard = new AnswerTextGuard(rules, { ...options, onFinding: (found) => firings.push(...found) });
  let output = '';
  let maxHeld = 0;
  for (const chunk of chunks) {
    output += guard.push(chunk).text;
    maxHeld = Math.max(maxHeld, guard.heldBackLength);
  }
  const last = guard.finish();
  return { output: output + last.text, cut: last.cut, firings, maxHeld };
}

/** The whole text at once: what every chunking must give. */
function oneShot(rules: AnswerRules, text: string, options: AnswerTextGuardOptions = {}) {
  return stream(rules, [text], options);
}

function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(text.slice(from, point));
    from = point;
  }
  chunks.push(text.slice(from));
  return chunks;
}

const byJson = (firings: AnswerRuleFiring[]) => firings.map((firing) => JSON.stringify(firing)).sort();

const CARD = '4111 1111 1111 1111';
const EMAIL = 'jane.doe@example.com';
const IBAN = 'DE89 3704 0044 0532 0130 00';
const PHONE = '+44 20 7946 0958';
const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const CALLER_EMAIL = 'caller@example.org';

const redactAll = new AnswerRules(
  [piiRule('redact', ['CREDIT_CARD', 'EMAIL', 'IBAN', 'PHONE', 'SECRET'])],
  [denyRule('redact', ['(?i)project\\s+falcon'])],
);
const blockCards = new AnswerRules(
  [piiRule('block', ['CREDIT_CARD']), piiRule('redact', ['EMAIL'], 'tenant:t')],
  [denyRule('block', ['forbidden-[a-z]+'], 'tenant:t'), denyRule('log', ['weather'])],
);
const callerVault = (): PlaceholderVault => {
  const vault = new PlaceholderVault();
  vault.placeholderFor('EMAIL', CALLER_EMAIL);
  return vault;
};

/** Answers with findings at the edges, back to back, in the middle of long text, with placeholders to restore. */
const FIXTURES: { name: string; rules: AnswerRules; text: string; secrets: string[]; restore?: boolean }[] = [
  {
    name: 'every entity, redacted',
    rules: redactAll,
    text: `Card ${CARD}, mail ${EMAIL}; IBAN ${IBAN} and phone ${PHONE}. Key: ${SECRET} about Project  Falcon.`,
    secrets: [CARD, EMAIL, IBAN, PHONE, SECRET, 'Project  Falcon'],
  },
  {
    name: 'findings at both ends and back to back',
    rules: redactAll,
    text: `${EMAIL} ${CARD}${' '.repeat(3)}${SECRET}\n${'lorem ipsum '.repeat(12)}${IBAN}`,
    secrets: [EMAIL, CARD, SECRET, IBAN],
  },
  {
    name: 'a block after redactions, long text before it',
    rules: blockCards,
    text: `${'The weather is fine today. '.repeat(6)}Write to ${EMAIL}, then pay with ${CARD} or forbidden-things.`,
    secrets: [EMAIL, CARD, 'forbidden-things'],
  },
  {
    name: 'a deny list block first',
    rules: blockCards,
    text: `Mail ${EMAIL} about forbidden-fruit; card ${CARD}.`,
    secrets: [EMAIL, 'forbidden-fruit', CARD],
  },
  {
    name: "the caller's placeholders restored next to redactions",
    rules: redactAll,
    text: `Reply to [EMAIL_1] (not ${EMAIL}): [EMAIL_1][EMAIL_2] card ${CARD} [EMAIL_1]`,
    secrets: [EMAIL, CARD],
    restore: true,
  },
  {
    name: 'near misses glued to other characters, which only the text before a chunk shows',
    rules: redactAll,
    text: `Order 9${CARD} and token x${SECRET} then ${'filler words go on. '.repeat(5)}card ${CARD} end`,
    secrets: [`card ${CARD}`],
  },
  {
    name: 'no findings, unicode and near misses',
    rules: redactAll,
    text: `Numbers 4111 1111 1111 1112 and a@b 🙂🙂 [EMAIL_ ${'x'.repeat(80)} done`,
    secrets: [],
  },
];

describe('AnswerTextGuard', () => {
  describe.each(FIXTURES)('$name', ({ rules, text, secrets, restore }) => {
    const options = (): AnswerTextGuardOptions => ({ restore: restore === true ? callerVault() : null });
    const whole = oneShot(rules, text, options());

    it('lets out none of what it redacts or blocks, at once', () => {
      for (const secret of secrets) expect(whole.output).not.toContain(secret);
      if (restore === true) expect(whole.output).toContain(CALLER_EMAIL);
    });

    it('gives the same output and reports, split at any single position', () => {
      for (let at = 0; at <= text.length; at++) {
        const split = stream(rules, [text.slice(0, at), text.slice(at)], options());
        expect({ at, output: split.output, cut: split.cut }).toEqual({ at, output: whole.output, cut: whole.cut });
        expect(byJson(split.firings)).toEqual(byJson(whole.firings));
      }
    });

    it('gives the same output and reports in random chunkings', () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
          const chunked = stream(rules, splitAt(text, cuts), options());
          expect(chunked.output).toBe(whole.output);
          expect(chunked.cut).toBe(whole.cut);
          expect(byJson(chunked.firings)).toEqual(byJson(whole.firings));
          for (const secret of secrets) expect(chunked.output).not.toContain(secret);
        }),
        { numRuns: 150 },
      );
    });

    it('gives the same output one character at a time', () => {
      expect(stream(rules, [...text], options()).output).toBe(whole.output);
    });
  });

  it('redacts a card number streamed 3 characters at a time, holding back only the window', () => {
    const text = `Your card ${CARD} is on file. ${'More text follows here. '.repeat(5)}`;
    const rules = new AnswerRules([piiRule('redact', ['CREDIT_CARD'])], []);
    const firings: AnswerRuleFiring[] = [];
    const guard = new AnswerTextGuard(rules, { onFinding: (found) => firings.push(...found) });
    const outputs: string[] = [];
    for (const chunk of chunksOf(text, 3)) {
      outputs.push(guard.push(chunk).text);
      // The window, the rest of the word it ends in (the longest here is 'follows') and less than a step.
      expect(guard.heldBackLength).toBeLessThan(ANSWER_GUARD_WINDOW + 'follows'.length + ANSWER_GUARD_STEP);
    }
    outputs.push(guard.finish().text);
    const expected = text.replace(CARD, '[CREDIT_CARD_1]');
    expect(outputs.join('')).toBe(expected);
    // The stream went out while it came, not at the end.
    const beforeEnd = outputs.slice(0, -1).join('').length;
    expect(beforeEnd).toBeGreaterThan(expected.length - ANSWER_GUARD_WINDOW - 'follows'.length - ANSWER_GUARD_STEP);
    for (const output of outputs) expect(output).not.toMatch(/4111|1111 1/);
    expect(firings).toEqual([{ rule: 'pii.output', entity: 'CREDIT_CARD', action: 'redact', policy: 'global' }]);
  });

  it('cuts mid-stream: the text before the finding goes out, then nothing, and later chunks are dropped', () => {
    const rules = new AnswerRules([piiRule('block', ['CREDIT_CARD'], 'tenant:t')], []);
    const guard = new AnswerTextGuard(rules);
    let output = '';
    let cut = false;
    for (const chunk of chunksOf(`Here it is: ${CARD} and ${'then much more. '.repeat(8)}`, 5)) {
      const result = guard.push(chunk);
      output += result.text;
      cut ||= result.cut;
    }
    expect(cut).toBe(true);
    expect(guard.cut).toBe(true);
    expect(output).toBe('Here it is: ');
    expect(guard.push('more').text).toBe('');
    expect(guard.finish()).toEqual({ text: '', cut: true });
  });

  it("restores the caller's placeholders without checking them again, and never restores its own redactions", () => {
    const rules = new AnswerRules([piiRule('redact', ['EMAIL'])], []);
    // The model invents an address: it gets a placeholder of its own, numbered past the caller's [EMAIL_1] (so one
    // placeholder never stands for two values), and is never turned into the caller's address.
    const result = guardAnswerText(`To [EMAIL_1], cc ${EMAIL}.`, rules, { restore: callerVault() });
    expect(result).toEqual({ text: `To ${CALLER_EMAIL}, cc [EMAIL_2].`, cut: false });
  });

  it('restores alone, holding back only what may become a placeholder', () => {
    const guard = new AnswerTextGuard(new AnswerRules([], []), { restore: callerVault() });
    expect(guard.push('Write to [EMA').text).toBe('Write to ');
    expect(guard.push('IL_1] now').text).toBe(`${CALLER_EMAIL} now`);
    expect(guard.finish().text).toBe('');
  });

  it('holds a long trailing token back until it ends, but never more than the cap', () => {
    const rules = new AnswerRules([piiRule('redact', ['SECRET'])], []);
    const token = `eyJ${'a'.repeat(200)}`;
    const guard = new AnswerTextGuard(rules);
    expect(guard.push(`${'word '.repeat(20)}${token}`).text).toBe('word '.repeat(20));
    expect(guard.heldBackLength).toBe(token.length);

    const endless = new AnswerTextGuard(rules);
    for (const chunk of chunksOf('x'.repeat(5_000), 7)) {
      endless.push(chunk);
      expect(endless.heldBackLength).toBeLessThan(ANSWER_GUARD_MAX_HOLDBACK + ANSWER_GUARD_STEP);
    }
  });

  it('reports log and monitor findings without changing the text, and what the stricter scope does', () => {
    const rules = new AnswerRules(
      [
        piiRule('log', ['EMAIL', 'PHONE']),
        piiRule('redact', ['EMAIL'], 'tenant:t'),
        piiRule('block', ['PHONE'], 'product:p', 'monitor'),
      ],
      [denyRule('redact', ['secret plan'], 'tenant:t', 'monitor')],
    );
    const text = `Mail ${EMAIL} or call ${PHONE} about the secret plan.`;
    const result = oneShot(rules, text);
    expect(result.output).toBe(`Mail [EMAIL_1] or call ${PHONE} about the secret plan.`);
    expect(byJson(result.firings)).toEqual(
      byJson([
        { rule: 'pii.output', entity: 'EMAIL', action: 'redact', policy: 'tenant:t' },
        { rule: 'pii.output', entity: 'PHONE', action: 'log', policy: 'global' },
        { rule: 'pii.output', entity: 'PHONE', action: 'monitor', policy: 'product:p' },
        { rule: 'denyList.output', entity: null, action: 'monitor', policy: 'tenant:t' },
      ]),
    );
  });

  it('replaces overlapping deny and PII findings as one span', () => {
    const rules = new AnswerRules([piiRule('redact', ['EMAIL'])], [denyRule('redact', ['contact [a-z.]+@'])]);
    expect(guardAnswerText(`Use contact ${EMAIL} now`, rules).text).toBe('Use [REDACTED] now');
  });

  it('gives one value one placeholder across the texts of an answer that share a vault', () => {
    const rules = new AnswerRules([piiRule('redact', ['EMAIL'])], []);
    const redactions = new PlaceholderVault();
    expect(guardAnswerText(`a ${EMAIL}`, rules, { redactions }).text).toBe('a [EMAIL_1]');
    expect(guardAnswerText(`b x@example.net ${EMAIL}`, rules, { redactions }).text).toBe('b [EMAIL_2] [EMAIL_1]');
  });
});
