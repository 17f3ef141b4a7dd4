import { adminApi, SEED_ADMIN, signInAdmin, signUpTenantOwner } from '../support/admin-api-client';
import { stackUrls } from '../support/stack';

/** The e2e stack's LOGIN_MAX_FAILURES_PER_EMAIL (the documented default). */
const MAX_FAILURES_PER_EMAIL = 5;

/** Calls the portal's `/api/v1` proxy as a client that sends whatever headers it likes. */
async function throughPortal<Body = Record<string, unknown>>(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: Body; headers: Headers }> {
  const response = await fetch(`${stackUrls.portal}/api/v1${path}`, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body, headers: response.headers };
}

let spoofed = 0;
/** A different documentation address (RFC 5737) on every call. */
const spoofedAddress = () => `203.0.113.${(++spoofed % 250) + 1}`;

/**
 * The client's address as admin-api sees it through the portal: whatever a client claims in `X-Forwarded-For` (or
 * `Forwarded`, `X-Real-IP`), the portal forwards the TCP peer, so the login throttle and the audit trail hold.
 */
describe('client address through the portal', () => {
  it('throttles wrong passwords per email even when each attempt claims another X-Forwarded-For', async () => {
    const owner = await signUpTenantOwner('spoof');
    for (let attempt = 1; attempt <= MAX_FAILURES_PER_EMAIL; attempt++) {
      const wrong = await throughPortal(
        'POST',
        '/auth/login',
        { 'x-forwarded-for': spoofedAddress(), 'x-real-ip': spoofedAddress(), forwarded: `for=${spoofedAddress()}` },
        { email: owner.email, password: 'not the password at all' },
      );
      expect(wrong.status).toBe(401);
    }
    const throttled = await throughPortal(
      'POST',
      '/auth/login',
      { 'x-forwarded-for': spoofedAddress() },
      { email: owner.email, password: owner.password },
    );
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('records the real client address in the audit trail for a write made through the portal', async () => {
    const owner = await signUpTenantOwner('audit-ip');
    const login = await throughPortal('POST', '/auth/login', { 'x-forwarded-for': spoofedAddress() }, SEED_ADMIN);
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .find((header) => header.startsWith('gatehouse_session='))
      ?.split(';')[0];
    if (!cookie) throw new Error('the portal passed on no session cookie');

    const created = await throughPortal<{ id: string }>(
      'POST',
      `/tenants/${owner.tenantId}/keys`,
      { cookie, origin: stackUrls.portal, 'x-forwarded-for': '198.51.100.23', 'x-real-ip': '198.51.100.24' },
      { name: 'spoofed address' },
    );
    expect(created.status).toBe(201);

    const audit = await adminApi<{ items: { actorIp: string | null; targetId: string | null }[] }>(
      'GET',
      `/admin/audit?action=api_key.create&targetId=${created.body.id}`,
      { token: await signInAdmin() },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((event) => event.actorIp)).toEqual(['127.0.0.1']);
  });
});
