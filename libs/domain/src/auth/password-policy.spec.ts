import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it('accepts a long, unremarkable password', () => {
    expect(passwordProblem('violet-harbour-engine-42', { email: 'ada@example.com' })).toBeNull();
  });

  it('accepts exactly the minimum and the maximum length', () => {
    expect(passwordProblem('x7#kQ2!mZp0w')).toBeNull();
    expect(passwordProblem('ab'.repeat(PASSWORD_MAX_LENGTH / 2))).toBeNull();
  });

  it('refuses a password shorter than the minimum', () => {
    expect(passwordProblem('a'.repeat(3) + 'bcdefgh1')).toBe(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
    expect(passwordProblem('')).toBe(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  });

  it('counts characters, not UTF-16 code units', () => {
    // Six emoji are 12 code units but 6 characters.
    expect(passwordProblem('😀😁😂🤣😃😄')).toBe(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  });

  it('refuses a password longer than the maximum', () => {
    expect(passwordProblem('ab'.repeat(PASSWORD_MAX_LENGTH))).toBe(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  });

  it('refuses one character repeated', () => {
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toBe('Use more than one distinct character.');
  });

  it('refuses the email or its local part, in any case', () => {
    expect(passwordProblem('Ada.Lovelace@Example.com', { email: 'ada.lovelace@example.com' })).toBe(
      'The password may not be your email address.',
    );
    expect(passwordProblem('ada.lovelace.1815', { email: 'ada.lovelace.1815@example.com' })).toBe(
      'The password may not be your email address.',
    );
  });

  it('refuses very common passwords, in any case', () => {
    expect(passwordProblem('Password1234')).toBe('This password is too common; choose one that is harder to guess.');
    expect(passwordProblem('qwerty123456')).toBe('This password is too common; choose one that is harder to guess.');
  });
});
