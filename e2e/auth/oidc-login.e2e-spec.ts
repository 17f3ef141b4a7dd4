import { authUserSchema, meResponseSchema } from '@gatehouse/contracts';
import { OIDC_MAPPED_TENANT, OIDC_PROVIDER_PORT, OIDC_TEST_USER_EMAIL } from '../support/oidc';
import { e2ePorts, stackUrls } from '../support/stack';

/** Cookies per origin, as a browser would keep them (paths are ignored: every cookie name here is distinct). */
class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const origin = new URL(url).origin;
    const cookies = this.byOrigin.get(origin) ?? new Map<string, string>();
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some(
        (attribute) =>
          /^\s*max-age=0\s*$/i.test(attribute) ||
          (/^\s*expires=/i.test(attribute) && Date.parse(attribute.split('=')[1] ?? '') <= Date.now()),
      );
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.byOrigin.set(origin, cookies);
  }

  header(url: string): string {
    const cookies = this.byOrigin.get(new URL(url).origin) ?? new Map<string, string>();
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(url: string, name: string): string | undefined {
    return this.byOrigin.get(new URL(url).origin)?.get(name);
  }
}

/**
 * Follows redirects like a browser (GET, cookies per origin) until one leaves for `stopAt`'s origin, and returns
 * every hop. fetch's own redirect handling would drop the cookies each hop sets.
 */
async function followRedirects(start: string, jar: CookieJar, stopAt: string, maxHops = 15) {
  const hops: { url: string; status: number; location: string | null }[] = [];
  let url = start;
  for (let hop = 0; hop < maxHops; hop++) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.store(url, response);
    const location = response.headers.get('location');
    hops.push({ url, status: response.status, location });
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`the flow stopped at ${url} with ${response.status}: ${await response.text()}`);
    }
    url = new URL(location, url).toString();
    if (new URL(url).origin === new URL(stopAt).origin) return { hops, finalUrl: url };
  }
  throw new Error(`more than ${maxHops} redirects: ${JSON.stringify(hops)}`);
}

describe('single sign-on with OpenID Connect', () => {
  const portalUrl = `http://localhost:${e2ePorts.portal}`;

  it('signs in through the provider, lands on the portal with a session, and joins the mapped tenant', async () => {
    const jar = new CookieJar();
    const { hops, finalUrl } = await followRedirects(`${stackUrls.adminApi}/api/v1/auth/oidc/login`, jar, portalUrl);

    // admin-api → the provider's authorization endpoint, with PKCE and state.
    const authorization = new URL(hops[0]?.location ?? '');
    expect(authorization.origin).toBe(`http://127.0.0.1:${OIDC_PROVIDER_PORT}`);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('code_challenge')).toBeTruthy();
    expect(authorization.searchParams.get('state')).toBeTruthy();
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${stackUrls.adminApi}/api/v1/auth/oidc/callback`);

    // ... → the callback → the portal, with the session cookie set on admin-api's origin.
    expect(hops.some((hop) => hop.url.startsWith(`${stackUrls.adminApi}/api/v1/auth/oidc/callback?`))).toBe(true);
    // /t: the portal sends a signed-in person on to their first workspace.
    expect(finalUrl).toBe(`${portalUrl}/t`);
    const sessionToken = jar.get(stackUrls.adminApi, 'gatehouse_session');
    expect(sessionToken).toBeTruthy();
    // The one-time state cookie is gone once used.
    expect(jar.get(stackUrls.adminApi, 'gatehouse_oidc')).toBeUndefined();

    const me = await fetch(`${stackUrls.adminApi}/api/v1/auth/me`, {
      headers: { cookie: `gatehouse_session=${sessionToken}` },
    });
    expect(me.status).toBe(200);
    const { user } = meResponseSchema.parse(await me.json());
    expect(authUserSchema.strict().parse(user)).toEqual({
      id: expect.any(String),
      email: OIDC_TEST_USER_EMAIL,
      name: 'Sso User',
      isPlatformAdmin: false,
      memberships: [{ tenantId: expect.any(String), tenantName: OIDC_MAPPED_TENANT, role: 'MEMBER' }],
    });

    // A second sign-in finds the same user and membership: nothing is provisioned twice.
    const again = new CookieJar();
    await followRedirects(`${stackUrls.adminApi}/api/v1/auth/oidc/login`, again, portalUrl);
    const secondMe = await fetch(`${stackUrls.adminApi}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${again.get(stackUrls.adminApi, 'gatehouse_session')}` },
    });
    expect(meResponseSchema.parse(await secondMe.json()).user).toEqual(user);
  });

  it('refuses a callback that does not carry the state cookie of its own login', async () => {
    const response = await fetch(
      `${stackUrls.adminApi}/api/v1/auth/oidc/callback?code=forged&state=forged&iss=${encodeURIComponent(`http://127.0.0.1:${OIDC_PROVIDER_PORT}`)}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin).toBe(portalUrl);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('sso_error')).toBe('sso_failed');
    expect(response.headers.getSetCookie().join()).not.toMatch(/gatehouse_session=[^;]/);
  });
});
