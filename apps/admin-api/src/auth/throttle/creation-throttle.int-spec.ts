import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import { eventually, TcpProxy } from '@gatehouse/testing';
import { AdminApiHarness, type ApiResponse, type TestUser } from '../../../test/admin-api-harness';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: { retryAfterSeconds?: number };
}

const WINDOW_SECONDS = 2;
const PASSWORD = 'violet-harbour-engine-42';
let sequence = 0;
const uniqueEmail = (label: string) => `${label}-${Date.now()}-${++sequence}@example.com`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectThrottled(response: ApiResponse<ErrorBody>): void {
  expect(response.status).toBe(429);
  expect(response.body.code).toBe('too_many_requests');
  expect(response.body.message).toMatch(/Try again in \d+ seconds?/);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(response.body.details?.retryAfterSeconds).toBe(retryAfter);
}

/** Waits until every window that the test's attempts opened has reset. */
const nextWindow = () => sleep(WINDOW_SECONDS * 1000 + 300);

describe('creation throttles', () => {
  let api: AdminApiHarness;

  beforeAll(async () => {
    api = await AdminApiHarness.start('creation-throttle', {
      THROTTLE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      THROTTLE_SIGNUPS_PER_IP: '2',
      THROTTLE_KEY_CREATIONS_PER_TENANT: '3',
      THROTTLE_INVITATIONS_PER_TENANT: '2',
      THROTTLE_ACCESS_REQUESTS_PER_TENANT: '2',
    });
  });

  afterAll(async () => {
    await api.close();
  });

  const signup = () =>
    api.request<ErrorBody>('POST', '/auth/signup', {
      body: { email: uniqueEmail('signup'), password: PASSWORD, name: 'Ada', tenantName: 'Engines' },
    });
  const createKey = (user: TestUser) =>
    api.request<ErrorBody>('POST', `/tenants/${user.tenantId}/keys`, { token: user.token, body: { name: 'ci' } });
  const invite = (user: TestUser) =>
    api.request<ErrorBody>('POST', `/tenants/${user.tenantId}/invitations`, {
      token: user.token,
      body: { email: uniqueEmail('invitee'), role: 'MEMBER' },
    });

  it('limits sign-ups per client address, with 429 and retry-after, and admits again after the window', async () => {
    // At once, as a sign-up takes longer than the test's window; the slot is reserved before the work.
    const results = await Promise.all([signup(), signup(), signup()]);
    expect(results.filter((response) => response.status === 201)).toHaveLength(2);
    const refused = results.find((response) => response.status !== 201);
    if (!refused) throw new Error('every sign-up went through');
    expectThrottled(refused);
    await nextWindow();
    expect((await signup()).status).toBe(201);
  });

  it('limits key creations per tenant, and one tenant does not use up another tenant’s window', async () => {
    const busy = await api.tenantUser('OWNER');
    const other = await api.tenantUser('OWNER');
    const results = await Promise.all(Array.from({ length: 6 }, () => createKey(busy)));
    // Reserved before the work: exactly the limit gets through, however many arrive at once.
    expect(results.filter((response) => response.status === 201)).toHaveLength(3);
    for (const refused of results.filter((response) => response.status !== 201)) expectThrottled(refused);
    expect(await api.db.apiKey.count({ where: { tenantId: busy.tenantId } })).toBe(3);

    expect((await createKey(other)).status).toBe(201);
    await nextWindow();
    expect((await createKey(busy)).status).toBe(201);
  });

  it('limits invitations per tenant, per tenant', async () => {
    const owner = await api.tenantUser('OWNER');
    const other = await api.tenantUser('OWNER');
    expect((await invite(owner)).status).toBe(201);
    expect((await invite(owner)).status).toBe(201);
    expectThrottled(await invite(owner));
    expect((await invite(other)).status).toBe(201);
    await nextWindow();
    expect((await invite(owner)).status).toBe(201);
  });

  it('limits access requests per tenant, counting refused requests too', async () => {
    const product = await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, include: { plans: true } });
    const planId = product.plans.find((plan) => plan.name === 'demo-free')?.id;
    const member = await api.tenantUser('MEMBER');
    const other = await api.tenantUser('MEMBER');
    const request = (user: TestUser) =>
      api.request<ErrorBody>('POST', `/tenants/${user.tenantId}/subscriptions`, {
        token: user.token,
        body: { productId: product.id, planId, justification: 'for the demo' },
      });
    expect((await request(member)).status).toBe(201);
    expect((await request(member)).status).toBe(409);
    expectThrottled(await request(member));
    expect((await request(other)).status).toBe(201);
    await nextWindow();
    expect((await request(member)).status).toBe(409);
  });
});

describe('the live-key cap', () => {
  let api: AdminApiHarness;

  beforeAll(async () => {
    api = await AdminApiHarness.start('key-cap', { MAX_LIVE_KEYS_PER_TENANT: '5' });
  });

  afterAll(async () => {
    await api.close();
  });

  it('holds under concurrent creations, counts only live keys, and answers 429 api_key_limit_reached', async () => {
    const owner = await api.tenantUser('OWNER');
    const other = await api.tenantUser('OWNER');
    const create = (user: TestUser, body: Record<string, unknown> = { name: 'ci' }) =>
      api.request<ErrorBody & { id: string }>('POST', `/tenants/${user.tenantId}/keys`, { token: user.token, body });

    const results = await Promise.all(Array.from({ length: 20 }, () => create(owner)));
    const created = results.filter((response) => response.status === 201);
    expect(created).toHaveLength(5);
    for (const refused of results.filter((response) => response.status !== 201)) {
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('api_key_limit_reached');
      expect(refused.body.message).toMatch(/revoke a key/);
    }
    expect(await api.db.apiKey.count({ where: { tenantId: owner.tenantId } })).toBe(5);

    // Another tenant has a cap of its own.
    expect((await create(other)).status).toBe(201);

    // A revoked key and an expired key are not live: each frees a place.
    const [first, second] = created.map((response) => response.body.id);
    expect(
      (await api.request('DELETE', `/tenants/${owner.tenantId}/keys/${first}`, { token: owner.token })).status,
    ).toBe(204);
    await api.db.apiKey.update({ where: { id: second }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await create(owner)).status).toBe(201);
    expect((await create(owner)).status).toBe(201);
    expect((await create(owner)).status).toBe(429);
  });
});

describe('creation throttles while Redis is unreachable', () => {
  let api: AdminApiHarness;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(DEFAULT_REDIS_URL);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
    api = await AdminApiHarness.start('creation-throttle-outage', { REDIS_URL: proxy.url(DEFAULT_REDIS_URL) });
  });

  afterAll(async () => {
    await api?.close();
    await proxy?.close();
  });

  it('fails closed with 503 and creates nothing, then admits again once Redis is back', async () => {
    const owner = await api.tenantUser('OWNER');
    const createKey = () =>
      api.request<ErrorBody>('POST', `/tenants/${owner.tenantId}/keys`, { token: owner.token, body: { name: 'ci' } });

    proxy.cut();
    const refused = await createKey();
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('service_unavailable');
    const signup = await api.request<ErrorBody>('POST', '/auth/signup', {
      body: { email: uniqueEmail('outage'), password: PASSWORD, name: 'Ada', tenantName: 'Engines' },
    });
    expect(signup.status).toBe(503);
    expect(await api.db.apiKey.count({ where: { tenantId: owner.tenantId } })).toBe(0);

    proxy.restore();
    expect(await eventually(async () => (await createKey()).status === 201, 15_000)).toBe(true);
  });
});
