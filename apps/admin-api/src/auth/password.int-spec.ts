import { createHash } from 'node:crypto';
import { AdminApiHarness, type ApiResponse } from '../../test/admin-api-harness';
import { type MailMessage, Mailer } from '../mail/mailer';
import { PASSWORD_RESET_ACCEPTED } from './password.service';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: { field: string; reason: string }[];
}

const PASSWORD = 'violet-harbour-engine-42';
const NEW_PASSWORD = 'amber-lantern-orchard-77';
const PORTAL_URL = 'http://portal.test:3000';
let sequence = 0;
const uniqueEmail = (label: string) => `${label}-${Date.now()}-${++sequence}@example.com`;

describe('password change, sign out everywhere and password reset', () => {
  let api: AdminApiHarness;
  let sent: jest.SpyInstance<Promise<void>, [MailMessage]>;

  beforeAll(async () => {
    api = await AdminApiHarness.start('password', {
      PORTAL_URL,
      LOGIN_MAX_FAILURES_PER_EMAIL: '3',
      THROTTLE_PASSWORD_RESETS_PER_EMAIL: '3',
    });
    // The development mailer, recorded: what it is given is what a person would receive.
    sent = jest.spyOn(api.app.get(Mailer), 'send');
  });

  afterAll(async () => {
    sent.mockRestore();
    await api.close();
  });

  async function signup(): Promise<string> {
    const email = uniqueEmail('account');
    const response = await api.request('POST', '/auth/signup', {
      body: { email, password: PASSWORD, name: 'Ada', tenantName: 'Engines' },
    });
    expect(response.status).toBe(201);
    return email;
  }

  async function login(email: string, password = PASSWORD): Promise<ApiResponse<{ token: string }>> {
    return api.request<{ token: string }>('POST', '/auth/login', { body: { email, password } });
  }

  async function session(email: string, password = PASSWORD): Promise<string> {
    const response = await login(email, password);
    expect(response.status).toBe(200);
    return response.body.token;
  }

  const me = (token: string) => api.request('GET', '/auth/me', { token });

  async function auditActions(email: string): Promise<{ action: string; after: unknown }[]> {
    const user = await api.db.user.findUniqueOrThrow({ where: { email } });
    return api.db.auditEvent.findMany({
      where: { targetId: user.id },
      orderBy: { createdAt: 'asc' },
      select: { action: true, after: true },
    });
  }

  /** The reset link mailed to `email` (the newest of `count` messages to it), and its token. */
  async function resetLinkFor(email: string, count = 1): Promise<{ link: string; token: string }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const messages = sent.mock.calls.map(([message]) => message).filter((message) => message.to === email);
      const message = messages[count - 1];
      if (message) {
        const link = /(\S+\/reset-password#token=(\S+))/.exec(message.text);
        if (!link?.[1] || !link[2]) throw new Error(`no reset link in ${message.text}`);
        return { link: link[1], token: link[2] };
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${email}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('changes the password: the other sessions end, this one stays, and only the new password signs in', async () => {
    const email = await signup();
    const current = await session(email);
    const other = await session(email);
    const change = (body: Record<string, unknown>) =>
      api.request<ErrorBody>('POST', '/auth/password', { token: current, body });

    const wrong = await change({ currentPassword: 'not-the-password-1', newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('invalid_current_password');
    expect(wrong.body.details).toEqual([{ field: 'currentPassword', reason: expect.any(String) }]);
    const weak = await change({ currentPassword: PASSWORD, newPassword: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body.details?.[0]?.field).toBe('newPassword');
    expect((await me(other)).status).toBe(200);

    expect((await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(204);
    expect((await me(other)).status).toBe(401);
    expect((await me(current)).status).toBe(200);
    expect((await login(email)).status).toBe(401);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);

    const events = await auditActions(email);
    expect(events.map((event) => event.action)).toContain('user.password_change');
    expect(JSON.stringify(events)).not.toMatch(/argon2|amber-lantern|violet-harbour/);
  });

  it('counts a wrong current password as a failed sign-in, so it cannot be used to guess', async () => {
    const email = await signup();
    const token = await session(email);
    const attempt = () =>
      api.request<ErrorBody>('POST', '/auth/password', {
        token,
        body: { currentPassword: 'guess-number-0001', newPassword: NEW_PASSWORD },
      });
    for (let tries = 0; tries < 3; tries++) expect((await attempt()).status).toBe(400);
    const blocked = await attempt();
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Sign-in for that email from this address is locked as well: it is the same count.
    expect((await login(email)).status).toBe(429);
  });

  it('signs out everywhere: every session ends, this one included, and the cookie is cleared', async () => {
    const email = await signup();
    const first = await session(email);
    const second = await session(email);
    const response = await api.request('POST', '/auth/sessions/revoke-all', { token: first });
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie().join()).toMatch(/gatehouse_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(401);
    expect((await session(email)).length).toBeGreaterThan(0);
    expect((await auditActions(email)).map((event) => event.action)).toContain('user.sessions_revoke_all');
    expect((await api.request('POST', '/auth/sessions/revoke-all')).status).toBe(401);
  });

  it('resets a password by mail: one 202 for every email, a single-use link, and every session ends', async () => {
    const email = await signup();
    const before = await session(email);

    const requested = await api.request('POST', '/auth/password-reset', { body: { email: email.toUpperCase() } });
    expect(requested.status).toBe(202);
    expect(requested.body).toEqual(PASSWORD_RESET_ACCEPTED);
    const unknown = await api.request('POST', '/auth/password-reset', { body: { email: uniqueEmail('nobody') } });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(requested.body);

    const { link, token } = await resetLinkFor(email);
    expect(link).toBe(`${PORTAL_URL}/reset-password#token=${token}`);
    const stored = await api.db.passwordResetToken.findMany({
      where: { user: { email } },
      omit: { tokenHash: false },
    });
    expect(stored.map((row) => row.tokenHash)).toEqual([createHash('sha256').update(token).digest('hex')]);

    const confirm = (body: Record<string, unknown>) =>
      api.request<ErrorBody>('POST', '/auth/password-reset/confirm', { body });
    // A refused password leaves the link working.
    const weak = await confirm({ token, newPassword: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body.details?.[0]?.field).toBe('newPassword');

    expect((await confirm({ token, newPassword: NEW_PASSWORD })).status).toBe(204);
    expect((await me(before)).status).toBe(401);
    expect((await login(email)).status).toBe(401);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);

    const reused = await confirm({ token, newPassword: 'another-fresh-secret-99' });
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('reset_token_used');
    const made = await confirm({ token: 'made-up-token', newPassword: 'another-fresh-secret-99' });
    expect(made.status).toBe(400);
    expect(made.body.code).toBe('reset_token_invalid');

    const actions = (await auditActions(email)).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['user.password_reset_request', 'user.password_reset']));
    expect(JSON.stringify(await auditActions(email))).not.toContain(token);
  });

  it('refuses an expired link, and a newer link replaces an older one', async () => {
    const email = await signup();
    const request = () => api.request('POST', '/auth/password-reset', { body: { email } });
    const confirm = (token: string) =>
      api.request<ErrorBody>('POST', '/auth/password-reset/confirm', { body: { token, newPassword: NEW_PASSWORD } });

    expect((await request()).status).toBe(202);
    const first = await resetLinkFor(email, 1);
    expect((await request()).status).toBe(202);
    const second = await resetLinkFor(email, 2);
    expect((await confirm(first.token)).body.code).toBe('reset_token_invalid');

    await api.db.passwordResetToken.updateMany({
      where: { user: { email } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await confirm(second.token);
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe('reset_token_expired');
    expect((await login(email)).status).toBe(200);
  });

  it('throttles reset requests per email, whether or not the email has an account', async () => {
    for (const email of [await signup(), uniqueEmail('nobody')]) {
      for (let attempt = 0; attempt < 3; attempt++) {
        expect((await api.request('POST', '/auth/password-reset', { body: { email } })).status).toBe(202);
      }
      const blocked = await api.request<ErrorBody>('POST', '/auth/password-reset', { body: { email } });
      expect(blocked.status).toBe(429);
      expect(blocked.body.code).toBe('too_many_requests');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
