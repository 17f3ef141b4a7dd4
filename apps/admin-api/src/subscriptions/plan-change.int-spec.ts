import {
  type AdminSubscriptionResponse,
  type CreatedApiKeyResponse,
  type InvalidationMessage,
  type SubscriptionLimitUsageResponse,
  type SubscriptionResponse,
} from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { hashApiKey } from '@gatehouse/domain';
import { LimitsEngine, RedisKeys } from '@gatehouse/redis';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

type ErrorBody = { statusCode: number; code: string; message: string; details?: Record<string, unknown> };

function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}

async function waitFor<T>(probe: () => T | null | undefined | false, timeoutMs = 1_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('plan changes', () => {
  let api: AdminApiHarness;
  let admin: { id: string; token: string };
  let productId: string;
  let freePlanId: string;
  let proPlanId: string;
  let gateway: GatewaySnapshotRepository;
  let stopRecording: (() => Promise<void>) | undefined;
  const invalidations: InvalidationMessage[] = [];

  beforeAll(async () => {
    api = await AdminApiHarness.start('plan_change');
    admin = await api.admin();
    const product = await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, include: { plans: true } });
    productId = product.id;
    freePlanId = must(product.plans.find((plan) => plan.name === 'demo-free')).id;
    proPlanId = must(product.plans.find((plan) => plan.name === 'demo-pro')).id;
    gateway = new GatewaySnapshotRepository(api.db);
    stopRecording = await api.recordInvalidations(invalidations);
  });

  afterAll(async () => {
    await stopRecording?.();
    await api.close();
  });

  function requestPlan(user: TestUser, planId: string) {
    return api.request<SubscriptionResponse & ErrorBody>('POST', `/tenants/${user.tenantId}/subscriptions`, {
      token: user.token,
      body: { productId, planId, justification: 'more traffic' },
    });
  }

  function decide(id: string, verb: 'approve' | 'reject', body: unknown = {}) {
    return api.request<AdminSubscriptionResponse & ErrorBody>('POST', `/admin/subscriptions/${id}/${verb}`, {
      token: admin.token,
      body,
    });
  }

  async function statusOf(id: string): Promise<string> {
    return (await api.db.subscription.findUniqueOrThrow({ where: { id } })).status;
  }

  /** A tenant on demo-free, with a key scoped to that grant. */
  async function onFree(): Promise<{ owner: TestUser; freeId: string; secret: string }> {
    const owner = await api.tenantUser('OWNER');
    const free = await requestPlan(owner, freePlanId);
    expect(free.status).toBe(201);
    expect(free.body.status).toBe('APPROVED');
    const key = await api.request<CreatedApiKeyResponse>('POST', `/tenants/${owner.tenantId}/keys`, {
      token: owner.token,
      body: { name: 'scoped', subscriptionIds: [free.body.id] },
    });
    expect(key.status).toBe(201);
    return { owner, freeId: free.body.id, secret: key.body.secret };
  }

  /** What a gateway loading the key now would serve: its subscriptions to the demo product within its scope. */
  async function servedPlans(secret: string): Promise<string[]> {
    const record = must(await gateway.loadByKeyHash(hashApiKey(secret)), 'key record');
    const scope = new Set(record.scope);
    return record.subscriptions
      .filter(
        (subscription) => subscription.productId === productId && (scope.size === 0 || scope.has(subscription.id)),
      )
      .map((subscription) => subscription.plan.name);
  }

  it('refuses a second request for the plan the tenant holds, in a grammatical sentence', async () => {
    const { owner } = await onFree();
    const again = await requestPlan(owner, freePlanId);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('subscription_exists');
    expect(again.body.message).toBe('This tenant already has an approved subscription to Demo on plan demo-free.');
  });

  it('queues an upgrade while the old grant keeps working, then replaces it in one step on approval', async () => {
    const { owner, freeId, secret } = await onFree();
    const rule = await api.request('PUT', `/tenants/${owner.tenantId}/alert-rules/subscriptions/${freeId}`, {
      token: owner.token,
      body: { thresholds: [25, 75], enabled: true },
    });
    expect(rule.status).toBe(200);

    const change = await requestPlan(owner, proPlanId);
    expect(change.status).toBe(201);
    expect(change.body).toMatchObject({
      status: 'PENDING',
      planName: 'demo-pro',
      replacesSubscriptionId: freeId,
      replacesPlanName: 'demo-free',
    });
    expect(await statusOf(freeId)).toBe('APPROVED');
    expect(await servedPlans(secret)).toEqual(['demo-free']);

    // The queue says what the request changes from.
    const queue = await api.request<{ items: AdminSubscriptionResponse[] }>(
      'GET',
      `/admin/subscriptions?status=PENDING&tenantId=${owner.tenantId}`,
      { token: admin.token },
    );
    expect(queue.body.items).toEqual([
      expect.objectContaining({ id: change.body.id, replacesSubscriptionId: freeId, replacesPlanName: 'demo-free' }),
    ]);

    // A gateway loading the key while the approval commits sees exactly one grant, never both and never neither.
    let approving = true;
    const seen: string[][] = [];
    const watcher = (async () => {
      while (approving) seen.push(await servedPlans(secret));
    })();
    const before = invalidations.length;
    const approved = await decide(change.body.id, 'approve');
    approving = false;
    await watcher;
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'APPROVED', replacesSubscriptionId: freeId });
    expect(seen.length).toBeGreaterThan(0);
    for (const plans of seen) expect(plans).toHaveLength(1);

    const old = await api.db.subscription.findUniqueOrThrow({ where: { id: freeId } });
    expect(old.status).toBe('SUPERSEDED');
    expect(old.reason).toBe('Replaced by plan demo-pro.');
    // Counters carry on under the first grant's id: no fresh second budget.
    const fresh = await api.db.subscription.findUniqueOrThrow({ where: { id: change.body.id } });
    expect(fresh.limitsScopeId).toBe(freeId);
    // The key scoped to the old grant now reaches the new one.
    expect(await servedPlans(secret)).toEqual(['demo-pro']);
    const record = must(await gateway.loadByKeyHash(hashApiKey(secret)));
    expect(record.scope).toContain(change.body.id);
    expect(record.subscriptions.find((s) => s.id === change.body.id)?.limitsScopeId).toBe(freeId);

    // Both announced to the gateways, after the commit, well within a second.
    await waitFor(() =>
      [freeId, change.body.id].every((id) =>
        invalidations
          .slice(before)
          .some((m) => m.kind === 'subscription' && m.subscriptionId === id && m.tenantId === owner.tenantId),
      ),
    );

    // The alert rule set on the old grant now watches the new one.
    const rules = await api.db.alertRule.findMany({
      where: { tenantId: owner.tenantId, subscriptionId: { not: null } },
    });
    expect(rules.map((row) => [row.subscriptionId, row.thresholds])).toEqual([[change.body.id, [25, 75]]]);

    const audit = await api.db.auditEvent.findMany({ where: { targetId: freeId }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((event) => event.action)).toContain('subscription.supersede');
  });

  it('shows usage counted under the old plan against the new one (the same counters)', async () => {
    const { owner, freeId } = await onFree();
    // One call counted under demo-free, as the gateway counts it.
    const engine = new LimitsEngine(api.redis.redis, new RedisKeys(api.redis.prefix));
    const decision = await engine.admit({
      tenantId: owner.tenantId,
      timeZone: 'UTC',
      scopes: [{ kind: 'subscription', id: freeId, limits: { monthlyCalls: 10_000 } }],
      reserve: { tokens: 0, costMicros: 0n },
      failOpen: false,
    });
    expect(decision.admitted).toBe(true);

    const change = await requestPlan(owner, proPlanId);
    await decide(change.body.id, 'approve');
    const usage = await api.request<SubscriptionLimitUsageResponse>(
      'GET',
      `/tenants/${owner.tenantId}/subscriptions/${change.body.id}/limits`,
      { token: owner.token },
    );
    expect(usage.status).toBe(200);
    const calls = must(usage.body.quotas.monthlyCalls);
    // demo-pro's limit, with the call counted under demo-free.
    expect(Number(calls.limit)).toBe(1_000_000);
    expect(Number(calls.used) + Number(calls.reserved)).toBe(1);
  });

  it('leaves the old grant untouched when the change is rejected', async () => {
    const { owner, freeId, secret } = await onFree();
    const change = await requestPlan(owner, proPlanId);
    const before = invalidations.length;
    const rejected = await decide(change.body.id, 'reject', { reason: 'not now' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    const old = await api.db.subscription.findUniqueOrThrow({ where: { id: freeId } });
    expect(old).toMatchObject({ status: 'APPROVED', reason: null, decidedById: null });
    expect(await servedPlans(secret)).toEqual(['demo-free']);
    await waitFor(() => invalidations.slice(before).some((m) => m.kind === 'subscription'));
    expect(invalidations.slice(before).some((m) => m.kind === 'subscription' && m.subscriptionId === freeId)).toBe(
      false,
    );
  });

  it('refuses a second pending request for the product, and grants an auto-approve plan while one waits', async () => {
    const owner = await api.tenantUser('OWNER');
    const pro = await requestPlan(owner, proPlanId);
    expect(pro.body).toMatchObject({ status: 'PENDING', replacesSubscriptionId: null });

    const twice = await requestPlan(owner, proPlanId);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('subscription_exists');
    expect(twice.body.message).toBe('This tenant already has a pending subscription to Demo on plan demo-pro.');
    expect(twice.body.details).toMatchObject({ subscriptionId: pro.body.id, status: 'PENDING' });

    // demo-free approves itself: the tenant uses it while demo-pro waits, and demo-pro now changes from it.
    const free = await requestPlan(owner, freePlanId);
    expect(free.status).toBe(201);
    expect(free.body.status).toBe('APPROVED');
    expect(await statusOf(pro.body.id)).toBe('PENDING');
    const waiting = await api.request<SubscriptionResponse>(
      'GET',
      `/tenants/${owner.tenantId}/subscriptions/${pro.body.id}`,
      { token: owner.token },
    );
    expect(waiting.body).toMatchObject({ replacesSubscriptionId: free.body.id, replacesPlanName: 'demo-free' });

    const approved = await decide(pro.body.id, 'approve');
    expect(approved.body).toMatchObject({ status: 'APPROVED', replacesSubscriptionId: free.body.id });
    expect(await statusOf(free.body.id)).toBe('SUPERSEDED');
  });

  it('refuses another non-auto plan while a change waits, naming the waiting one', async () => {
    const { owner } = await onFree();
    const pro = await requestPlan(owner, proPlanId);
    expect(pro.status).toBe(201);
    const plan = await api.db.plan.create({
      data: { productId, name: `demo-team-${owner.tenantId.slice(0, 8)}`, autoApprove: false },
    });
    const other = await requestPlan(owner, plan.id);
    expect(other.status).toBe(409);
    expect(other.body.message).toBe(
      'This tenant already has a pending subscription to Demo on plan demo-pro; wait for its decision before asking for another plan.',
    );
  });

  it('downgrades at once to an auto-approve plan, replacing the approved grant in the same transaction', async () => {
    const owner = await api.tenantUser('OWNER');
    const pro = await requestPlan(owner, proPlanId);
    await decide(pro.body.id, 'approve');
    const free = await requestPlan(owner, freePlanId);
    expect(free.status).toBe(201);
    expect(free.body).toMatchObject({ status: 'APPROVED', replacesSubscriptionId: pro.body.id });
    expect(await statusOf(pro.body.id)).toBe('SUPERSEDED');
    const row = await api.db.subscription.findUniqueOrThrow({ where: { id: free.body.id } });
    expect(row.limitsScopeId).toBe(pro.body.id);
    const live = await api.db.subscription.count({
      where: { tenantId: owner.tenantId, productId, status: 'APPROVED' },
    });
    expect(live).toBe(1);
  });
});
