/** The e2e tier's OpenID Connect provider (support/oidc-provider.mjs) and how admin-api is configured to it. */
export const OIDC_PROVIDER_PORT = 18091;
export const OIDC_ISSUER_URL = `http://127.0.0.1:${OIDC_PROVIDER_PORT}`;
export const OIDC_CLIENT_ID = 'gatehouse-e2e';
export const OIDC_CLIENT_SECRET = 'gatehouse-e2e-client-secret';
export const OIDC_TEST_USER_EMAIL = 'sso-user@example.com';
/** The tenant a first SSO sign-in from example.com joins; the mapping creates it if it does not exist. */
export const OIDC_MAPPED_TENANT = 'Example SSO';

/** The provider's process environment and admin-api's OIDC_* variables, for an admin API on `adminApiPort`. */
export function oidcEnvironment(adminApiPort: number) {
  const redirectUrl = `http://127.0.0.1:${adminApiPort}/api/v1/auth/oidc/callback`;
  return {
    provider: {
      OIDC_PROVIDER_PORT: String(OIDC_PROVIDER_PORT),
      OIDC_CLIENT_ID,
      OIDC_CLIENT_SECRET,
      OIDC_REDIRECT_URL: redirectUrl,
      OIDC_TEST_USER_EMAIL,
    },
    adminApi: {
      OIDC_ISSUER_URL,
      OIDC_CLIENT_ID,
      OIDC_CLIENT_SECRET,
      OIDC_REDIRECT_URL: redirectUrl,
      OIDC_TENANT_MAPPING: `example.com=${OIDC_MAPPED_TENANT}`,
    },
  };
}
