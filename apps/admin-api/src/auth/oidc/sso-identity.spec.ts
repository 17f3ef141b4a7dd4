import { mappedTenant, ssoIdentity } from './sso-identity';

describe('ssoIdentity', () => {
  it('takes the email lower-cased, the name and the email domain as the tenant key', () => {
    expect(ssoIdentity({ sub: '1', email: 'Sso-User@Example.COM', name: 'Sso User' }, null)).toEqual({
      identity: { email: 'sso-user@example.com', name: 'Sso User', tenantKey: 'example.com' },
    });
  });

  it('builds a name from given and family names, else from the email', () => {
    expect(ssoIdentity({ email: 'a@b.io', given_name: 'Ada', family_name: 'Lovelace' }, null)).toMatchObject({
      identity: { name: 'Ada Lovelace' },
    });
    expect(ssoIdentity({ email: 'ada@b.io' }, null)).toMatchObject({ identity: { name: 'ada' } });
  });

  it("drops control and bidirectional characters from the provider's name, which cannot be sent back", () => {
    expect(ssoIdentity({ email: 'a@b.io', name: 'Eve\u202Egnp.exe\u0000' }, null)).toMatchObject({
      identity: { name: 'Evegnp.exe' },
    });
    expect(ssoIdentity({ email: 'bob@b.io', name: '\u200B\u2066' }, null)).toMatchObject({ identity: { name: 'bob' } });
  });

  it('uses a configured claim as the tenant key', () => {
    expect(ssoIdentity({ email: 'a@b.io', org: 'Research' }, 'org')).toMatchObject({
      identity: { tenantKey: 'research' },
    });
    expect(ssoIdentity({ email: 'a@b.io' }, 'org')).toMatchObject({ identity: { tenantKey: null } });
  });

  it('refuses claims without an email, or with one the provider says is unverified', () => {
    expect(ssoIdentity({ sub: '1' }, null)).toEqual({ problem: 'sso_email_missing' });
    expect(ssoIdentity({ email: 'a@b.io', email_verified: false }, null)).toEqual({
      problem: 'sso_email_unverified',
    });
  });
});

describe('mappedTenant', () => {
  const mapping = [
    { key: 'example.com', tenant: 'Example' },
    { key: 'other.org', tenant: '6f1c2f0e-8a53-4c57-9a53-3c2f7f7b0c11' },
  ];

  it('finds the tenant of the key', () => {
    expect(mappedTenant({ email: 'a@example.com', name: 'A', tenantKey: 'example.com' }, mapping)).toBe('Example');
  });

  it('answers null for an unmapped key or no key', () => {
    expect(mappedTenant({ email: 'a@else.net', name: 'A', tenantKey: 'else.net' }, mapping)).toBeNull();
    expect(mappedTenant({ email: 'a@else.net', name: 'A', tenantKey: null }, mapping)).toBeNull();
  });
});
