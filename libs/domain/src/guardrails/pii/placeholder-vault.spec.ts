import { inspect } from 'node:util';
import { PlaceholderVault } from './placeholder-vault';

describe('PlaceholderVault', () => {
  it('numbers placeholders per entity and gives one original one placeholder', () => {
    const vault = new PlaceholderVault();
    expect(vault.placeholderFor('EMAIL', 'a@example.com')).toBe('[EMAIL_1]');
    expect(vault.placeholderFor('PHONE', '+44 20 7946 0958')).toBe('[PHONE_1]');
    expect(vault.placeholderFor('EMAIL', 'b@example.com')).toBe('[EMAIL_2]');
    expect(vault.placeholderFor('EMAIL', 'a@example.com')).toBe('[EMAIL_1]');
    expect(vault.originalOf('[EMAIL_2]')).toBe('b@example.com');
    expect(vault.originalOf('[EMAIL_3]')).toBeUndefined();
    expect(vault.size).toBe(3);
    expect(vault.longestPlaceholderLength).toBe('[EMAIL_1]'.length);
  });

  it('skips a placeholder the caller wrote themselves', () => {
    const vault = new PlaceholderVault();
    expect(vault.placeholderFor('EMAIL', 'a@example.com', (p) => p === '[EMAIL_1]')).toBe('[EMAIL_2]');
  });

  it('keeps each request apart: a new vault starts at 1 and knows none of another one', () => {
    const first = new PlaceholderVault();
    first.placeholderFor('EMAIL', 'a@example.com');
    const second = new PlaceholderVault();
    expect(second.originalOf('[EMAIL_1]')).toBeUndefined();
    expect(second.placeholderFor('EMAIL', 'b@example.com')).toBe('[EMAIL_1]');
    expect(first.originalOf('[EMAIL_1]')).toBe('a@example.com');
  });

  it('never prints or serialises its originals', () => {
    const vault = new PlaceholderVault();
    vault.placeholderFor('SECRET', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc');
    expect(JSON.stringify({ vault })).toBe('{"vault":{"placeholders":1}}');
    expect(inspect(vault)).not.toContain('sk_live');
    expect(`${String(Object.keys(vault))}`).toBe('');
  });
});
