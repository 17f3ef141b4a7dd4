import { AdminApiHarness } from '../../../test/admin-api-harness';

// Configured but never contacted: the provider's metadata is discovered on the first login, not at boot, and
// the config route must answer without it.
const OIDC_ENV = {
  OIDC_ISSUER_URL: 'http://127.0.0.1:9/unreachable-issuer',
  OIDC_CLIENT_ID: 'portal-config-test',
  OIDC_CLIENT_SECRET: 'portal-config-test-secret',
  OIDC_REDIRECT_URL: 'http://127.0.0.1:3001/api/v1/auth/oidc/callback',
};

describe('GET /auth/oidc/config', () => {
  describe('without OpenID Connect', () => {
    let api: AdminApiHarness;

    beforeAll(async () => {
      api = await AdminApiHarness.start('oidc-config-off');
    });

    afterAll(async () => {
      await api.close();
    });

    it('answers { enabled: false } to anyone, with no session', async () => {
      const response = await api.request('GET', '/auth/oidc/config');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ enabled: false });
    });
  });

  describe('with OpenID Connect', () => {
    let api: AdminApiHarness;
    let named: AdminApiHarness;

    beforeAll(async () => {
      [api, named] = await Promise.all([
        AdminApiHarness.start('oidc-config-on', OIDC_ENV),
        AdminApiHarness.start('oidc-config-named', { ...OIDC_ENV, OIDC_DISPLAY_NAME: 'Okta' }),
      ]);
    });

    afterAll(async () => {
      await Promise.all([api.close(), named.close()]);
    });

    it('answers enabled with the default label, and nothing about the provider or client', async () => {
      const response = await api.request('GET', '/auth/oidc/config');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ enabled: true, label: 'SSO' });
      expect(JSON.stringify(response.body)).not.toContain(OIDC_ENV.OIDC_CLIENT_SECRET);
    });

    it('names the provider with OIDC_DISPLAY_NAME', async () => {
      const response = await named.request('GET', '/auth/oidc/config');
      expect(response.body).toEqual({ enabled: true, label: 'Okta' });
    });
  });
});
