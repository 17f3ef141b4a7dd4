import { findPii } from './find-pii';
import { PII_ENTITIES } from './pii-entity';
import { PlaceholderVault } from './placeholder-vault';
import { redactFindings, redactPii } from './redact-pii';

describe('redactPii', () => {
  it('replaces findings by numbered placeholders and reports counts and offsets, not originals', () => {
    const input = 'Mail anna@example.com or anna@example.com, else bob@example.com; call +44 20 7946 0958.';
    const result = redactPii(input, ['EMAIL', 'PHONE']);
    expect(result.text).toBe('Mail [EMAIL_1] or [EMAIL_1], else [EMAIL_2]; call [PHONE_1].');
    expect(result.counts).toEqual({ EMAIL: 3, PHONE: 1 });
    expect(result.findings).toEqual([
      { entity: 'EMAIL', start: 5, end: 21, placeholder: '[EMAIL_1]' },
      { entity: 'EMAIL', start: 25, end: 41, placeholder: '[EMAIL_1]' },
      { entity: 'EMAIL', start: 48, end: 63, placeholder: '[EMAIL_2]' },
      { entity: 'PHONE', start: 70, end: 86, placeholder: '[PHONE_1]' },
    ]);
    expect(JSON.stringify(result.findings)).not.toContain('@');
    expect(result.vault.originalOf('[EMAIL_2]')).toBe('bob@example.com');
  });

  it('numbers across the texts of one request when they share a vault', () => {
    const vault = new PlaceholderVault();
    const system = redactPii('Escalate to ops@example.com.', ['EMAIL'], vault);
    const user = redactPii('I am anna@example.com; cc ops@example.com', ['EMAIL'], vault);
    expect(system.text).toBe('Escalate to [EMAIL_1].');
    expect(user.text).toBe('I am [EMAIL_2]; cc [EMAIL_1]');
    expect(user.counts).toEqual({ EMAIL: 2 });
  });

  it('does not hand out a placeholder that the caller typed', () => {
    const result = redactPii('Template: [EMAIL_1] — mine is anna@example.com', ['EMAIL']);
    expect(result.text).toBe('Template: [EMAIL_1] — mine is [EMAIL_2]');
  });

  it('leaves a text without findings as it is', () => {
    const input = 'Nothing to see: version 1.2.3.4, order #4155552671.';
    const result = redactPii(input, PII_ENTITIES);
    expect(result.text).toBe(input);
    expect(result.findings).toEqual([]);
    expect(result.counts).toEqual({});
    expect(result.vault.size).toBe(0);
  });

  it('redacts findings already at hand', () => {
    const input = 'SSN 536-22-1234';
    expect(redactFindings(input, findPii(input, ['US_SSN'])).text).toBe('SSN [US_SSN_1]');
  });
});
