import {
  type AdminSubscriptionResponse,
  type InvalidationMessage,
  type SubscriptionResponse,
} from '@gatehouse/contracts';
import { RedisKeys } from '@gatehouse/redis';
import { randomUUID } from 'node:crypto';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';
import { SubscriptionExpirySweeper } from './subscription-expiry.sweeper';

/** The value, or a test failure naming what was missing. */
function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}

type ErrorBody = { statusCode: number; code: string; message: string; details?: unknown };

async function waitFor<T>(
  probe: () => Promise<T | null | undefined> | T | null | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('subscriptions', () => {
  let api: AdminApiHarness;
  let admin: { id: string; token: string };
  let productId: string;
  let freePlanId: string;
  let proPlanId: string;
  let stopRecording: (() => Promise<void>) | undefined;
  const invalidations: InvalidationMessage[] = [];

  beforeAll(async () => {
    api = await AdminApiHarness.start('subscriptions');
    admin = await api.admin();
    const product = await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, include: { plans: true } });
    productId = product.id;
    freePlanId = must(product.plans.find((plan) => plan.name === 'demo-free')).id;
    proPlanId = must(product.plans.find((plan) => plan.name === 'demo-pro')).id;
    stopRecording = await api.recordInvalidations(invalidations);
  });

  afterAll(async () => {
    await stopRecording?.();
    await api.close();
  });

  function requestAccess(user: TestUser, planId: string, justification = 'for the demo') {
    return api.request<SubscriptionResponse & ErrorBody>('POST', `/tenants/${user.tenantId}/subscriptions`, {
      token: user.token,
      body: { productId, planId, justification },
    });
  }

  function decide<Body = AdminSubscriptionResponse & ErrorBody>(id: string, verb: string, body: unknown = {}) {
    return api.request<Body>('POST', `/admin/subscriptions/${id}/${verb}`, { token: admin.token, body });
  }

  async function pendingPro(): Promise<{ owner: TestUser; id: string }> {
    const owner = await api.tenantUser('OWNER');
    const created = await requestAccess(owner, proPlanId);
    expect(created.status).toBe(201);
    return { owner, id: created.body.id };
  }

  const invalidatedFor = (subscriptionId: string) =>
    waitFor(() => invalidations.find((m) => m.kind === 'subscription' && m.subscriptionId === subscriptionId));

  it('approves a demo-free request at once, with the plan limits, and tells the gateways', async () => {
    const member = await api.tenantUser('MEMBER');
    const response = await requestAccess(member, freePlanId);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      productId,
      planId: freePlanId,
      status: 'APPROVED',
      productName: expect.any(String),
      planName: 'demo-free',
      justification: 'for the demo',
      expiresAt: null,
      reason: null,
      limits: {
        rpm: 60,
        rpmBurst: null,
        tpm: 100_000,
        tpmBurst: null,
        concurrency: 4,
        dailyTokens: 200_000,
        monthlyTokens: 2_000_000,
        monthlyCalls: 10_000,
        monthlyBudgetUsd: '5',
        allowedModels: null,
      },
    });
    expect(response.body.decidedAt).not.toBeNull();
    const row = await api.db.subscription.findUniqueOrThrow({ where: { id: response.body.id } });
    expect(row.decidedById).toBeNull();
    expect(row.requestedById).toBe(member.id);
    expect(await invalidatedFor(response.body.id)).toEqual({
      kind: 'subscription',
      tenantId: member.tenantId,
      subscriptionId: response.body.id,
    });

    const duplicate = await requestAccess(member, freePlanId);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('subscription_exists');
    expect(duplicate.body.message).toMatch(/already has an approved subscription/);
  });

  it('queues a demo-pro request; approval with a budget override shows the rest of the plan limits', async () => {
    const { owner, id } = await pendingPro();
    const mine = await api.request<SubscriptionResponse>('GET', `/tenants/${owner.tenantId}/subscriptions/${id}`, {
      token: owner.token,
    });
    expect(mine.body).toMatchObject({ status: 'PENDING', decidedAt: null });

    const duplicate = await requestAccess(owner, proPlanId);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('subscription_exists');

    const queue = await api.request<{ items: AdminSubscriptionResponse[]; nextCursor: string | null }>(
      'GET',
      `/admin/subscriptions?status=PENDING&tenantId=${owner.tenantId}`,
      { token: admin.token },
    );
    expect(queue.status).toBe(200);
    expect(queue.body.items).toHaveLength(1);
    const tenant = await api.db.tenant.findUniqueOrThrow({ where: { id: owner.tenantId } });
    expect(queue.body.items[0]).toMatchObject({
      id,
      tenantId: owner.tenantId,
      tenantName: tenant.name,
      planName: 'demo-pro',
      justification: 'for the demo',
      planLimits: { rpm: 600, monthlyBudgetUsd: '100', dailyTokens: null },
      limitOverrides: null,
    });

    const approved = await decide(id, 'approve', { limits: { monthlyBudgetUsd: '10' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'APPROVED',
      decidedById: admin.id,
      limitOverrides: { monthlyBudgetUsd: '10' },
    });
    await invalidatedFor(id);

    const list = await api.request<{ items: SubscriptionResponse[] }>(
      'GET',
      `/tenants/${owner.tenantId}/subscriptions`,
      {
        token: owner.token,
      },
    );
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id,
      status: 'APPROVED',
      limits: {
        rpm: 600,
        rpmBurst: null,
        tpm: 1_000_000,
        tpmBurst: null,
        concurrency: 32,
        dailyTokens: null,
        monthlyTokens: 50_000_000,
        monthlyCalls: 1_000_000,
        monthlyBudgetUsd: '10',
        allowedModels: null,
      },
    });

    const event = await api.db.auditEvent.findFirstOrThrow({ where: { action: 'subscription.approve', targetId: id } });
    expect(event.actorUserId).toBe(admin.id);
    expect(event.tenantId).toBe(owner.tenantId);
    expect(event.before).toMatchObject({ status: 'PENDING', limits: { monthlyBudgetUsd: '100' } });
    expect(event.after).toMatchObject({ status: 'APPROVED', limits: { monthlyBudgetUsd: '10' } });

    // A pending queue no longer lists it.
    const after = await api.request<{ items: AdminSubscriptionResponse[] }>(
      'GET',
      `/admin/subscriptions?status=PENDING&tenantId=${owner.tenantId}`,
      { token: admin.token },
    );
    expect(after.body.items).toEqual([]);
  });

  it('lists the pending queue oldest first', async () => {
    const first = await pendingPro();
    const second = await pendingPro();
    const queue = await api.request<{ items: AdminSubscriptionResponse[] }>(
      'GET',
      '/admin/subscriptions?status=PENDING',
      {
        token: admin.token,
      },
    );
    const ids = queue.body.items.map((item) => item.id);
    expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
  });

  it('rejects with a reason, which the tenant sees; a rejected request cannot be approved', async () => {
    const { owner, id } = await pendingPro();
    const missing = await decide(id, 'reject', {});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('validation_failed');
    const tooLong = await decide(id, 'reject', { reason: 'x'.repeat(1001) });
    expect(tooLong.status).toBe(400);

    const rejected = await decide(id, 'reject', { reason: 'Use demo-free first.' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reason: 'Use demo-free first.' });
    const seen = await api.request<SubscriptionResponse>('GET', `/tenants/${owner.tenantId}/subscriptions/${id}`, {
      token: owner.token,
    });
    expect(seen.body).toMatchObject({ status: 'REJECTED', reason: 'Use demo-free first.' });

    const approve = await decide(id, 'approve');
    expect(approve.status).toBe(409);
    expect(approve.body).toMatchObject({
      code: 'invalid_transition',
      message: 'A rejected subscription cannot become approved',
    });
    // A rejected request does not block a new one.
    expect((await requestAccess(owner, proPlanId)).status).toBe(201);
  });

  it('revokes only an approved subscription, and tells the gateways', async () => {
    const { id } = await pendingPro();
    const early = await decide(id, 'revoke');
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      code: 'invalid_transition',
      message: 'A pending subscription cannot become revoked',
    });

    expect((await decide(id, 'approve')).status).toBe(200);
    const revoked = await decide(id, 'revoke', { reason: 'Abuse' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'REVOKED', reason: 'Abuse' });
    await waitFor(() => invalidations.filter((m) => m.kind === 'subscription' && m.subscriptionId === id).length >= 2);

    const again = await decide(id, 'revoke');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invalid_transition');
    expect((await decide(id, 'approve')).status).toBe(409);
    expect((await decide(randomUUID(), 'approve')).status).toBe(404);
  });

  it('validates approvals: future expiry, known limit names, models of the product', async () => {
    const { id } = await pendingPro();
    const past = await decide(id, 'approve', { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.code).toBe('expires_at_in_past');
    const unknownLimit = await decide(id, 'approve', { limits: { budget: '10' } });
    expect(unknownLimit.status).toBe(400);
    expect(unknownLimit.body.code).toBe('validation_failed');
    const badBudget = await decide(id, 'approve', { limits: { monthlyBudgetUsd: 10.0000001 } });
    expect(badBudget.status).toBe(400);
    expect(JSON.stringify(badBudget.body)).toMatch(/more than 6 decimal places/);
    const unknownModel = await decide(id, 'approve', { limits: { allowedModels: ['gpt-99'] } });
    expect(unknownModel.status).toBe(400);
    expect(unknownModel.body.code).toBe('unknown_model');

    // A budget typed as a JSON number is taken as the same decimal a string would give.
    const ok = await decide(id, 'approve', {
      limits: { allowedModels: ['demo-chat'], rpm: null, monthlyBudgetUsd: 25 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.limits).toMatchObject({
      allowedModels: ['demo-chat'],
      rpm: null,
      tpm: 1_000_000,
      monthlyBudgetUsd: '25',
    });
  });

  it('checks the product and plan of a request', async () => {
    const owner = await api.tenantUser('OWNER');
    const draft = await api.db.product.create({
      data: {
        slug: `draft-${randomUUID().slice(0, 8)}`,
        name: 'Draft',
        kind: 'LLM',
        status: 'DRAFT',
        plans: { create: { name: 'p' } },
      },
      include: { plans: true },
    });
    const other = await api.db.product.create({
      data: {
        slug: `other-${randomUUID().slice(0, 8)}`,
        name: 'Other',
        kind: 'LLM',
        status: 'PUBLISHED',
        plans: { create: [{ name: 'p' }, { name: 'old', status: 'RETIRED' }] },
      },
      include: { plans: true },
    });
    const post = (body: unknown) =>
      api.request<ErrorBody>('POST', `/tenants/${owner.tenantId}/subscriptions`, { token: owner.token, body });

    expect((await post({ productId: randomUUID(), planId: freePlanId })).body).toMatchObject({
      statusCode: 404,
      code: 'product_not_found',
    });
    expect((await post({ productId: draft.id, planId: must(draft.plans[0]).id })).body.code).toBe('product_not_found');
    expect((await post({ productId, planId: randomUUID() })).body).toMatchObject({
      statusCode: 404,
      code: 'plan_not_found',
    });
    expect((await post({ productId, planId: must(other.plans[0]).id })).body).toMatchObject({
      statusCode: 400,
      code: 'plan_not_in_product',
    });
    const retired = must(other.plans.find((plan) => plan.name === 'old'));
    expect((await post({ productId: other.id, planId: retired.id })).body).toMatchObject({
      statusCode: 400,
      code: 'plan_not_available',
    });
    expect((await post({ productId: 'nope', planId: freePlanId })).body.code).toBe('validation_failed');
  });

  it('keeps tenants apart and admin routes for admins', async () => {
    const { owner, id } = await pendingPro();
    const stranger = await api.tenantUser('OWNER');
    const theirs = await api.request<ErrorBody>('GET', `/tenants/${stranger.tenantId}/subscriptions/${id}`, {
      token: stranger.token,
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('subscription_not_found');
    const crossing = await api.request<ErrorBody>('GET', `/tenants/${owner.tenantId}/subscriptions/${id}`, {
      token: stranger.token,
    });
    expect(crossing.status).toBe(404);

    for (const [method, path] of [
      ['GET', '/admin/subscriptions?status=PENDING'],
      ['POST', `/admin/subscriptions/${id}/approve`],
      ['POST', `/admin/subscriptions/${id}/reject`],
      ['POST', `/admin/subscriptions/${id}/revoke`],
    ] as const) {
      const refused = await api.request<ErrorBody>(method, path, {
        token: owner.token,
        body: method === 'POST' ? { reason: 'x' } : undefined,
      });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('admin_only');
    }

    const viewer = await api.tenantUser('VIEWER', owner.tenantId);
    const viewerPost = await requestAccess(viewer, freePlanId);
    expect(viewerPost.status).toBe(403);
    expect((await api.request('GET', `/tenants/${owner.tenantId}/subscriptions`, { token: viewer.token })).status).toBe(
      200,
    );
  });

  it('shows an approved grant past its expiry as EXPIRED, and the sweep marks it with an audit event', async () => {
    const { owner, id } = await pendingPro();
    const approved = await decide(id, 'approve', { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(approved.body.status).toBe('APPROVED');
    await api.db.subscription.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1_000) } });

    const read = await api.request<SubscriptionResponse>('GET', `/tenants/${owner.tenantId}/subscriptions/${id}`, {
      token: owner.token,
    });
    expect(read.body.status).toBe('EXPIRED');
    const revoke = await decide(id, 'revoke');
    expect(revoke.status).toBe(409);
    expect(revoke.body.message).toBe('An expired subscription cannot become revoked');
    const expiredList = await api.request<{ items: AdminSubscriptionResponse[] }>(
      'GET',
      `/admin/subscriptions?status=EXPIRED&tenantId=${owner.tenantId}`,
      { token: admin.token },
    );
    expect(expiredList.body.items.map((item) => item.id)).toEqual([id]);

    const sweeper = api.app.get(SubscriptionExpirySweeper);
    const result = await sweeper.runOnce();
    expect(result.ran).toBe(true);
    expect(result.expired).toBeGreaterThanOrEqual(1);

    const row = await api.db.subscription.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('EXPIRED');
    const event = await api.db.auditEvent.findFirstOrThrow({ where: { action: 'subscription.expire', targetId: id } });
    expect(event.actorUserId).toBeNull();
    expect(event.before).toMatchObject({ status: 'APPROVED' });
    expect(event.after).toMatchObject({ status: 'EXPIRED' });
    const notification = await api.db.notification.findFirst({
      where: { tenantId: owner.tenantId, kind: 'subscription.expired' },
    });
    expect(notification).not.toBeNull();
    await waitFor(() => invalidations.filter((m) => m.kind === 'subscription' && m.subscriptionId === id).length >= 2);

    // Nothing left to do: a second run expires nothing, and the tenant may ask again.
    expect((await sweeper.runOnce()).expired).toBe(0);
    expect((await requestAccess(owner, proPlanId)).status).toBe(201);
  });

  it('runs the sweep on one instance at a time', async () => {
    const keys = new RedisKeys(api.redis.prefix);
    const lockKey = keys.global('lock', 'subscription-expiry-sweep');
    await api.redis.redis.set(lockKey, 'another-instance', 'PX', 5_000);
    const sweeper = api.app.get(SubscriptionExpirySweeper);
    expect((await sweeper.runOnce()).ran).toBe(false);
    await api.redis.redis.del(lockKey);
    expect((await sweeper.runOnce()).ran).toBe(true);
    expect(await api.redis.redis.get(lockKey)).toBeNull();
  });
});
