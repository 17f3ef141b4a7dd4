import { compileDenyList } from '../guardrails/deny-list/deny-list';
import { MAX_STORED_BODY_CHARS, storedBody } from './stored-body';

describe('storedBody', () => {
  it('replaces every built-in PII entity, whatever the policy asks, then the deny lists', () => {
    const stored = storedBody(
      JSON.stringify({ content: 'mail jane.doe@example.com, card 4111 1111 1111 1111, project Falcon' }),
      [compileDenyList(['(?i)falcon'])],
    );
    expect(stored.text).toBe('{"content":"mail [EMAIL_1], card [CREDIT_CARD_1], project [REDACTED]"}');
    expect(stored.truncated).toBe(false);
  });

  it('redacts before it cuts, so the cap never leaves half a value, and marks the cut', () => {
    const text = `${'a '.repeat(MAX_STORED_BODY_CHARS / 2 - 4)}x jane.doe@example.com tail`;
    const stored = storedBody(text, []);
    expect(stored.text).toHaveLength(MAX_STORED_BODY_CHARS);
    expect(stored.text).not.toContain('jane');
    expect(stored.text.endsWith('x [EMAIL')).toBe(true);
    expect(stored.truncated).toBe(true);
    expect(storedBody('short', [], true).truncated).toBe(true);
  });
});
