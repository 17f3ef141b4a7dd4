import { type MeResponse } from '@gatehouse/contracts';
import { fetchInPage, saveScreenshot, useBrowser } from '../support/browser';
import { OIDC_CLIENT_ID, OIDC_ISSUER_URL, OIDC_MAPPED_TENANT, OIDC_TEST_USER_EMAIL } from '../support/oidc';
import { e2ePorts, stackUrls } from '../support/stack';

/**
 * Single sign-on from the portal's sign-in page, in a real browser, through the e2e stack's OpenID Connect provider
 * (support/oidc-provider.mjs signs in its fixed user and grants consent without showing a form).
 */
describe('single sign-on from the portal in a browser', () => {
  const browser = useBrowser();

  it('offers SSO on /login and /signup, and the button signs the person in on their workspace', async () => {
    const { page } = browser;

    await page.goto('/signup');
    expect(await page.getByRole('link', { name: 'Sign up with SSO' }).isVisible()).toBe(true);

    await page.goto('/login');
    const button = page.getByRole('link', { name: 'Sign in with SSO' });
    expect(await button.isVisible()).toBe(true);
    // The email form is still there, unchanged.
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
    await saveScreenshot(page, 'auth/login-with-sso');

    const toProvider = page.waitForRequest((request) => request.url().startsWith(`${OIDC_ISSUER_URL}/`));
    const callback = page.waitForResponse((response) =>
      response.url().startsWith(`${stackUrls.adminApi}/api/v1/auth/oidc/callback?`),
    );
    await button.click();

    // The provider's authorization endpoint, for this client, with PKCE and state.
    const authorization = new URL((await toProvider).url());
    expect(authorization.searchParams.get('client_id')).toBe(OIDC_CLIENT_ID);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('code_challenge')).toBeTruthy();
    expect(authorization.searchParams.get('state')).toBeTruthy();

    // admin-api's callback sets the session and sends the browser to the portal's /t.
    const answered = await callback;
    expect(answered.status()).toBe(302);
    const landing = new URL(answered.headers().location ?? '', answered.url());
    expect(landing.pathname).toBe('/t');
    expect(landing.port).toBe(String(e2ePorts.portal));
    await page.waitForURL((url) => url.origin === landing.origin);

    // The stack's PORTAL_URL names localhost while this browser uses 127.0.0.1 (as does the callback, which set the
    // host-only session cookie), and cookies are per host: the workspace is opened on the portal host that holds
    // the session. In a deployment PORTAL_URL and the browser's portal origin are one and the same.
    await page.goto('/t');
    await page.waitForURL((url) => /^\/t\/[^/]+/.test(url.pathname));
    const me = await fetchInPage<MeResponse>(page, 'GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(OIDC_TEST_USER_EMAIL);
    const membership = me.body.user.memberships[0];
    expect(membership).toMatchObject({ tenantName: OIDC_MAPPED_TENANT });
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/t/${membership?.tenantId ?? '(none)'}(/|$)`));
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await saveScreenshot(page, 'auth/sso-workspace');
  });
});
