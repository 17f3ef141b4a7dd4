import { type TenantMappingEntry } from '@gatehouse/config';
import { withoutUnsafeNameCharacters } from '@gatehouse/contracts';

/** What the admin API takes from the provider's ID token and userinfo claims. */
export interface SsoIdentity {
  email: string;
  name: string;
  /** The value looked up in the tenant mapping: the email's domain, or the configured claim. */
  tenantKey: string | null;
}

export type IdentityResult = { identity: SsoIdentity } | { problem: 'sso_email_missing' | 'sso_email_unverified' };

/**
 * Reads the identity from the provider's claims. The email must be present and not marked unverified: the
 * account is matched by email, so an unverified address would let someone claim another person's account.
 */
export function ssoIdentity(claims: Record<string, unknown>, tenantClaim: string | null): IdentityResult {
  const email = typeof claims['email'] === 'string' ? claims['email'].trim().toLowerCase() : '';
  if (!email.includes('@')) return { problem: 'sso_email_missing' };
  if (claims['email_verified'] === false) return { problem: 'sso_email_unverified' };
  const given = [claims['given_name'], claims['family_name']].filter((part) => typeof part === 'string').join(' ');
  // The provider's claims cannot be sent back for correction: unsafe characters are dropped rather than refused.
  const name =
    (typeof claims['name'] === 'string' && withoutUnsafeNameCharacters(claims['name']).trim()) ||
    withoutUnsafeNameCharacters(given).trim() ||
    email.slice(0, email.indexOf('@'));
  const claimValue = tenantClaim === null ? email.slice(email.lastIndexOf('@') + 1) : claims[tenantClaim];
  const tenantKey = typeof claimValue === 'string' && claimValue.trim() ? claimValue.trim().toLowerCase() : null;
  return { identity: { email, name: name.slice(0, 100), tenantKey } };
}

/** The tenant a first sign-in joins, by the identity's tenant key; null when the mapping has no entry for it. */
export function mappedTenant(identity: SsoIdentity, mapping: TenantMappingEntry[]): string | null {
  if (identity.tenantKey === null) return null;
  return mapping.find((entry) => entry.key === identity.tenantKey)?.tenant ?? null;
}
