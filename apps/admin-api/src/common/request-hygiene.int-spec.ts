import { AdminApiHarness, SEED_ADMIN_EMAIL, SEED_ADMIN_PASSWORD } from '../../test/admin-api-harness';

type ErrorBody = { statusCode: number; code: string; message: string; details?: { field: string; reason: string }[] };

const MAX_BODY_BYTES = 4096;
const PORTAL_ORIGIN = 'http://portal.test:3000';

describe('request hygiene: media types, cookie-authenticated writes (CSRF), body size, NUL characters', () => {
  let api: AdminApiHarness;
  let admin: { id: string; token: string };
  let proPlanId: string;
  let productId: string;

  beforeAll(async () => {
    api = await AdminApiHarness.start('request-hygiene', {
      ADMIN_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      PORTAL_URL: PORTAL_ORIGIN,
    });
    admin = await api.admin();
    const product = await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, include: { plans: true } });
    productId = product.id;
    const pro = product.plans.find((plan) => plan.name === 'demo-pro');
    if (!pro) throw new Error('the seed has no demo-pro plan');
    proPlanId = pro.id;
  });

  afterAll(async () => {
    await api?.close();
  });

  async function pendingSubscription(): Promise<string> {
    const owner = await api.tenantUser('OWNER');
    const created = await api.request<{ id: string }>('POST', `/tenants/${owner.tenantId}/subscriptions`, {
      token: owner.token,
      body: { productId, planId: proPlanId, justification: 'for the demo' },
    });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  const statusOf = async (id: string) =>
    (await api.db.subscription.findUniqueOrThrow({ where: { id }, select: { status: true } })).status;

  /** A raw request, so each test says exactly which headers and body go out. */
  async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
    const response = await fetch(`${api.url}/api/v1${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as ErrorBody };
  }

  const adminCookie = () => `gatehouse_session=${admin.token}`;

  it('refuses a cross-site form posted with the session cookie (415) and leaves the subscription pending', async () => {
    const id = await pendingSubscription();
    const form = await send(
      'POST',
      `/admin/subscriptions/${id}/approve`,
      { cookie: adminCookie(), 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:9999' },
      'limits=',
    );
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({ statusCode: 415, code: 'unsupported_media_type' });

    // A form with no fields has no body, but still says what it is.
    const empty = await send('POST', `/admin/subscriptions/${id}/approve`, {
      cookie: adminCookie(),
      'content-type': 'text/plain',
    });
    expect(empty.status).toBe(415);
    const noType = await send('POST', `/admin/subscriptions/${id}/approve`, { cookie: adminCookie() });
    expect(noType.status).toBe(415);
    expect(await statusOf(id)).toBe('PENDING');
  });

  it('refuses a cookie-authenticated JSON write from a foreign origin, or from none, with 403', async () => {
    const id = await pendingSubscription();
    const json = { cookie: adminCookie(), 'content-type': 'application/json' };
    const foreign = await send('POST', `/admin/subscriptions/${id}/approve`, {
      ...json,
      origin: 'http://127.0.0.1:9999',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('cross_origin_request');
    const foreignReferer = await send('POST', `/admin/subscriptions/${id}/approve`, {
      ...json,
      referer: 'http://evil.test/page',
    });
    expect(foreignReferer.status).toBe(403);
    const unstated = await send('POST', `/admin/subscriptions/${id}/approve`, json, '{}');
    expect(unstated.status).toBe(403);
    expect(await statusOf(id)).toBe('PENDING');
  });

  it("accepts a cookie-authenticated JSON write from the portal's origin or the request's own", async () => {
    const json = { cookie: adminCookie(), 'content-type': 'application/json' };
    const fromPortal = await send(
      'POST',
      `/admin/subscriptions/${await pendingSubscription()}/approve`,
      { ...json, origin: PORTAL_ORIGIN },
      '{}',
    );
    expect(fromPortal.status).toBe(200);

    // Through a trusted proxy (loopback by default), the request's own origin is the one the proxy was asked for.
    const throughProxy = await send(
      'POST',
      `/admin/subscriptions/${await pendingSubscription()}/approve`,
      {
        ...json,
        origin: 'https://admin.example.com',
        referer: 'http://evil.test/',
        'x-forwarded-host': 'admin.example.com',
        'x-forwarded-proto': 'https',
      },
      '{}',
    );
    expect(throughProxy.status).toBe(200);

    const ownOrigin = await send(
      'POST',
      `/admin/subscriptions/${await pendingSubscription()}/approve`,
      { ...json, referer: `${api.url}/somewhere` },
      '{}',
    );
    expect(ownOrigin.status).toBe(200);
  });

  it('lets a bearer-token client write JSON without an Origin, as API clients do', async () => {
    const id = await pendingSubscription();
    const approved = await send(
      'POST',
      `/admin/subscriptions/${id}/approve`,
      { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json', cookie: 'gatehouse_session=stale' },
      '{}',
    );
    expect(approved.status).toBe(200);
    expect(await statusOf(id)).toBe('APPROVED');
  });

  it('refuses a form-encoded sign-in and sign-up (415): the cookie they set is never set from a form', async () => {
    const login = await send(
      'POST',
      '/auth/login',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ email: SEED_ADMIN_EMAIL, password: SEED_ADMIN_PASSWORD }).toString(),
    );
    expect(login.status).toBe(415);
    const signup = await send(
      'POST',
      '/auth/signup',
      { 'content-type': 'multipart/form-data; boundary=x' },
      '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n--x--\r\n',
    );
    expect(signup.status).toBe(415);
  });

  it('answers a body over ADMIN_MAX_BODY_BYTES with 413 naming the limit, and malformed JSON with 400', async () => {
    const tenant = await api.tenantUser('OWNER');
    const headers = { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' };
    const large = await send(
      'POST',
      `/tenants/${tenant.tenantId}/keys`,
      headers,
      JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES) }),
    );
    expect(large.status).toBe(413);
    expect(large.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    expect(large.body.message).toContain(String(MAX_BODY_BYTES));

    const malformed = await send('POST', `/tenants/${tenant.tenantId}/keys`, headers, '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_json');
  });

  it('refuses a NUL character in any string of the body, query or path with 400 naming the field', async () => {
    const tenant = await api.tenantUser('OWNER');
    const inBody = await api.request<ErrorBody>('POST', `/tenants/${tenant.tenantId}/keys`, {
      token: tenant.token,
      body: { name: 'ci\u0000key' },
    });
    expect(inBody.status).toBe(400);
    expect(inBody.body).toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'name', reason: 'must not contain a NUL character' }],
    });

    const signup = await api.request<ErrorBody>('POST', '/auth/signup', {
      body: { email: 'nul@example.com', password: 'violet-harbour-engine-42', name: 'Ada', tenantName: 'A\u0000B' },
    });
    expect(signup.status).toBe(400);
    expect(signup.body.details).toEqual([{ field: 'tenantName', reason: 'must not contain a NUL character' }]);

    const inQuery = await api.request<ErrorBody>('GET', '/admin/audit?action=a%00b', { token: admin.token });
    expect(inQuery.status).toBe(400);
    expect(inQuery.body.details).toEqual([{ field: 'action', reason: 'must not contain a NUL character' }]);

    const inPath = await api.request<ErrorBody>('GET', `/tenants/${tenant.tenantId}/keys/a%00b`, {
      token: tenant.token,
    });
    expect(inPath.status).toBe(400);
    expect(inPath.body.details).toEqual([{ field: '(path)', reason: 'must not contain a NUL character' }]);
  });

  it('refuses control and bidirectional formatting characters in names with 400 naming the field', async () => {
    const tenant = await api.tenantUser('OWNER');
    const reason = 'must not contain control characters or invisible formatting characters';
    const key = await api.request<ErrorBody>('POST', `/tenants/${tenant.tenantId}/keys`, {
      token: tenant.token,
      body: { name: 'invoice\u202Efdp.exe' },
    });
    expect(key.status).toBe(400);
    expect(key.body.details).toEqual([{ field: 'name', reason }]);

    const signup = await api.request<ErrorBody>('POST', '/auth/signup', {
      body: {
        email: 'bidi@example.com',
        password: 'violet-harbour-engine-42',
        name: 'Ada\u2067 admin',
        tenantName: 'Engines\u001B[2J',
      },
    });
    expect(signup.status).toBe(400);
    expect(signup.body.details).toEqual([
      { field: 'name', reason },
      { field: 'tenantName', reason },
    ]);

    const rename = await api.request<ErrorBody>('PATCH', `/tenants/${tenant.tenantId}`, {
      token: tenant.token,
      body: { name: 'Acme\u200F' },
    });
    expect(rename.status).toBe(400);
    expect(rename.body.details).toEqual([{ field: 'name', reason }]);

    // The zero-width joiner stays allowed: emoji sequences need it.
    const emoji = await api.request<{ name: string }>('POST', `/tenants/${tenant.tenantId}/keys`, {
      token: tenant.token,
      body: { name: 'ci 👩‍💻' },
    });
    expect(emoji.status).toBe(201);
    expect(emoji.body.name).toBe('ci 👩‍💻');
  });
});
