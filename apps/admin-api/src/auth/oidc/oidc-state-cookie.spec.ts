import { OIDC_STATE_TTL_MS, OidcStateSealer } from './oidc-state-cookie';

describe('OidcStateSealer', () => {
  const sealer = new OidcStateSealer('a-session-secret-of-at-least-32-characters');
  const state = { code_verifier: 'verifier-123', state: 'state-456' };

  it('opens what it sealed', () => {
    expect(sealer.open(sealer.seal(state))).toEqual(state);
  });

  it('does not show the sealed value in the cookie', () => {
    expect(sealer.seal(state)).not.toContain('verifier-123');
  });

  it('refuses an expired cookie', () => {
    const sealed = sealer.seal(state, 1_000);
    expect(sealer.open(sealed, 1_000 + OIDC_STATE_TTL_MS - 1)).toEqual(state);
    expect(sealer.open(sealed, 1_000 + OIDC_STATE_TTL_MS)).toBeUndefined();
  });

  it('refuses an altered cookie, a foreign one and garbage', () => {
    const sealed = sealer.seal(state);
    const [iv, ciphertext, tag] = sealed.split('.') as [string, string, string];
    const flipped = ciphertext.startsWith('A') ? `B${ciphertext.slice(1)}` : `A${ciphertext.slice(1)}`;
    expect(sealer.open(`${iv}.${flipped}.${tag}`)).toBeUndefined();
    expect(new OidcStateSealer('another-session-secret-of-32-characters!').open(sealed)).toBeUndefined();
    expect(sealer.open('not-a-cookie')).toBeUndefined();
    expect(sealer.open(undefined)).toBeUndefined();
  });
});
