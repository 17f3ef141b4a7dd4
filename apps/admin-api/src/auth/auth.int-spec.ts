import { AdminApiHarness, type ApiResponse } from '../../test/admin-api-harness';

interface SessionBody {
  token: string;
  user: {
    id: string;
    email: string;
    name: string;
    isPlatformAdmin: boolean;
    memberships: { tenantId: string; tenantName: string; role: string }[];
  };
}

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: { field: string; reason: string }[];
}

const PASSWORD = 'violet-harbour-engine-42';
let sequence = 0;
const uniqueEmail = (label: string) => `${label}-${Date.now()}-${++sequence}@example.com`;

function signupBody(email: string, overrides: Record<string, unknown> = {}) {
  return { email, password: PASSWORD, name: 'Ada Lovelace', tenantName: 'Analytical Engines', ...overrides };
}

function sessionCookie(response: ApiResponse): string {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('gatehouse_session='));
  if (!header) throw new Error(`no session cookie in ${JSON.stringify(response.headers.getSetCookie())}`);
  return header;
}

describe('auth endpoints', () => {
  let api: AdminApiHarness;

  beforeAll(async () => {
    api = await AdminApiHarness.start('auth', {
      LOGIN_MAX_FAILURES_PER_EMAIL: '3',
      LOGIN_MAX_FAILURES_PER_IP: '50',
    });
  });

  afterAll(async () => {
    await api.close();
  });

  it('signs up, answers /auth/me with the contract user, and signs out so the token stops working', async () => {
    const email = uniqueEmail('ada');
    const signup = await api.request<SessionBody>('POST', '/auth/signup', {
      body: signupBody(email.toUpperCase()),
    });
    expect(signup.status).toBe(201);
    expect(Object.keys(signup.body).sort()).toEqual(['token', 'user']);
    expect(signup.body.user).toEqual({
      id: expect.any(String),
      email,
      name: 'Ada Lovelace',
      isPlatformAdmin: false,
      memberships: [{ tenantId: expect.any(String), tenantName: 'Analytical Engines', role: 'OWNER' }],
    });
    const token = signup.body.token;

    const me = await api.request<{ user: SessionBody['user'] }>('GET', '/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: signup.body.user });

    const logout = await api.request('POST', '/auth/logout', { token });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().join()).toMatch(/gatehouse_session=;.*Expires=Thu, 01 Jan 1970/);

    const after = await api.request<ErrorBody>('GET', '/auth/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('unauthenticated');
    const afterByCookie = await api.request('GET', '/auth/me', { headers: { cookie: `gatehouse_session=${token}` } });
    expect(afterByCookie.status).toBe(401);
  });

  it('sets an httpOnly, SameSite=Lax session cookie on sign-up and login that authenticates by itself', async () => {
    const email = uniqueEmail('cookie');
    const signup = await api.request('POST', '/auth/signup', { body: signupBody(email) });
    const signupCookie = sessionCookie(signup);
    expect(signupCookie).toMatch(/HttpOnly/);
    expect(signupCookie).toMatch(/SameSite=Lax/);
    expect(signupCookie).toMatch(/Path=\//);
    expect(signupCookie).toMatch(/Max-Age=\d+/);
    expect(signupCookie).not.toMatch(/Secure/);

    const login = await api.request<SessionBody>('POST', '/auth/login', { body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const loginCookie = sessionCookie(login);
    expect(loginCookie).toMatch(/HttpOnly/);
    expect(loginCookie).toMatch(/SameSite=Lax/);
    expect(loginCookie.split(';')[0]).toBe(`gatehouse_session=${login.body.token}`);

    const cookie = loginCookie.split(';')[0] ?? '';
    const me = await api.request<{ user: { email: string } }>('GET', '/auth/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email);

    // As the portal's pages send it: JSON, from the portal's origin (PORTAL_URL).
    const logout = await api.request('POST', '/auth/logout', {
      headers: { cookie, 'content-type': 'application/json', origin: 'http://localhost:3000' },
    });
    expect(logout.status).toBe(204);
    const after = await api.request('GET', '/auth/me', { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it('logs in with the right password, in any email case, and refuses a wrong password or email alike', async () => {
    const email = uniqueEmail('login');
    await api.request('POST', '/auth/signup', { body: signupBody(email) });

    const ok = await api.request<SessionBody>('POST', '/auth/login', {
      body: { email: ` ${email.toUpperCase()} `, password: PASSWORD },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe(email);
    expect(ok.body.user.memberships).toHaveLength(1);

    const wrongPassword = await api.request<ErrorBody>('POST', '/auth/login', {
      body: { email, password: 'not-the-password-at-all' },
    });
    const unknownEmail = await api.request<ErrorBody>('POST', '/auth/login', {
      body: { email: uniqueEmail('nobody'), password: PASSWORD },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body).toEqual({
      statusCode: 401,
      code: 'invalid_credentials',
      message: 'The email or password is not correct.',
    });
  });

  it('refuses a second account with the same email (any case) with 409 email_taken', async () => {
    const email = uniqueEmail('dup');
    expect((await api.request('POST', '/auth/signup', { body: signupBody(email) })).status).toBe(201);
    const tenantName = `Refused ${email}`;
    const again = await api.request<ErrorBody>('POST', '/auth/signup', {
      body: signupBody(email.toUpperCase(), { tenantName }),
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('email_taken');
    // Nothing of the refused sign-up is left behind: the tenant was rolled back with the user.
    expect(await api.db.tenant.count({ where: { name: tenantName } })).toBe(0);
  });

  it.each([
    ['too short', 'short-pw1', 'at least 12'],
    ['one repeated character', 'aaaaaaaaaaaaaaaa', 'more than one distinct character'],
    ['very common', 'Password1234', 'too common'],
  ])('refuses a %s password with 400 and the password field', async (_label, password, reason) => {
    const response = await api.request<ErrorBody>('POST', '/auth/signup', {
      body: signupBody(uniqueEmail('weak'), { password }),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.details).toEqual([{ field: 'password', reason: expect.stringContaining(reason) }]);
  });

  it('refuses the email as password', async () => {
    const email = uniqueEmail('same');
    const response = await api.request<ErrorBody>('POST', '/auth/signup', {
      body: signupBody(email, { password: email }),
    });
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ field: 'password', reason: expect.stringContaining('email') }]);
  });

  it('names each invalid field of a sign-up', async () => {
    const response = await api.request<ErrorBody>('POST', '/auth/signup', {
      body: { email: 'not-an-email', password: PASSWORD, name: '', tenantName: 'T' },
    });
    expect(response.status).toBe(400);
    expect(response.body.details?.map((detail) => detail.field).sort()).toEqual(['email', 'name']);
  });

  it('records the sign-up in the audit trail, in the same transaction', async () => {
    const email = uniqueEmail('audit');
    const signup = await api.request<SessionBody>('POST', '/auth/signup', { body: signupBody(email) });
    const event = await api.db.auditEvent.findFirst({
      where: { action: 'user.signup', targetId: signup.body.user.id },
    });
    expect(event).toMatchObject({
      actorUserId: signup.body.user.id,
      targetType: 'user',
      tenantId: signup.body.user.memberships[0]?.tenantId,
      after: { email, name: 'Ada Lovelace' },
    });
    expect(JSON.stringify(event?.after)).not.toMatch(/argon2|password/i);
  });

  it('stores an argon2id hash, never the password, and never returns it', async () => {
    const email = uniqueEmail('hash');
    const signup = await api.request('POST', '/auth/signup', { body: signupBody(email) });
    expect(JSON.stringify(signup.body)).not.toMatch(/argon2|passwordHash/);
    const row = await api.db.user.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('throttles failed logins per email and address with 429 and retry-after; a success resets the count', async () => {
    const email = uniqueEmail('throttle');
    await api.request('POST', '/auth/signup', { body: signupBody(email) });
    const fail = () => api.request<ErrorBody>('POST', '/auth/login', { body: { email, password: 'wrong-password-1' } });

    expect((await fail()).status).toBe(401);
    expect((await fail()).status).toBe(401);
    // A success forgives the email's failures...
    expect((await api.request('POST', '/auth/login', { body: { email, password: PASSWORD } })).status).toBe(200);
    for (let attempt = 0; attempt < 3; attempt++) expect((await fail()).status).toBe(401);

    // ...but three more failures in the window (the limit here) lock the email out from this address.
    const blocked = await fail();
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too_many_attempts');
    expect(blocked.body.message).toMatch(/Try again in \d+ minutes?/);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // Even the right password waits: the lock is checked before the password.
    const right = await api.request<ErrorBody>('POST', '/auth/login', { body: { email, password: PASSWORD } });
    expect(right.status).toBe(429);

    // Another email from the same address is not locked out by this one.
    const other = uniqueEmail('other');
    await api.request('POST', '/auth/signup', { body: signupBody(other) });
    expect((await api.request('POST', '/auth/login', { body: { email: other, password: PASSWORD } })).status).toBe(200);
  });

  it('keeps the password hash and session id out of /auth/me', async () => {
    const user = await api.tenantUser('VIEWER');
    const me = await api.request<{ user: Record<string, unknown> }>('GET', '/auth/me', { token: user.token });
    expect(me.status).toBe(200);
    expect(Object.keys(me.body.user).sort()).toEqual(['email', 'id', 'isPlatformAdmin', 'memberships', 'name']);
    expect(me.body.user['memberships']).toEqual([
      { tenantId: user.tenantId, tenantName: expect.any(String), role: 'VIEWER' },
    ]);
  });

  it('requires a session for /auth/me and /auth/logout', async () => {
    expect((await api.request('GET', '/auth/me')).status).toBe(401);
    expect((await api.request('POST', '/auth/logout')).status).toBe(401);
    expect((await api.request('GET', '/auth/me', { token: 'not-a-session' })).status).toBe(401);
  });

  it('answers 404 sso_not_configured for the SSO routes when OpenID Connect is not configured', async () => {
    for (const path of ['/auth/oidc/login', '/auth/oidc/callback?code=x']) {
      const response = await api.request<ErrorBody>('GET', path);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('sso_not_configured');
    }
  });
});

describe('auth endpoints with sign-up disabled', () => {
  let api: AdminApiHarness;

  beforeAll(async () => {
    api = await AdminApiHarness.start('auth-off', { SIGNUP_ENABLED: 'false' });
  });

  afterAll(async () => {
    await api.close();
  });

  it('refuses sign-up with 403 signup_disabled, even before looking at the body', async () => {
    const valid = await api.request<ErrorBody>('POST', '/auth/signup', { body: signupBody(uniqueEmail('off')) });
    expect(valid.status).toBe(403);
    expect(valid.body.code).toBe('signup_disabled');
    const invalid = await api.request<ErrorBody>('POST', '/auth/signup', { body: {} });
    expect(invalid.status).toBe(403);
  });

  it('still lets existing users log in', async () => {
    const response = await api.request<SessionBody>('POST', '/auth/login', {
      body: { email: 'admin@gatehouse.local', password: 'gatehouse-admin' },
    });
    expect(response.status).toBe(200);
    expect(response.body.user.isPlatformAdmin).toBe(true);
  });
});
