import { eventually } from '@gatehouse/testing';
import { type InvalidationMessage, type PlanResponse } from '@gatehouse/contracts';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

const FULL_LIMITS = {
  rpm: 120,
  rpmBurst: 20,
  tpm: 250_000,
  tpmBurst: 10_000,
  concurrency: 8,
  dailyTokens: 1_000_000,
  monthlyTokens: 9_000_000_000,
  monthlyCalls: 50_000,
  monthlyBudgetUsd: '42.125',
  allowedModels: ['demo-chat'],
};
const UNLIMITED = Object.fromEntries(Object.keys(FULL_LIMITS).map((name) => [name, null]));

describe('plans (admin API)', () => {
  let harness: AdminApiHarness;
  let admin: { id: string; token: string };
  let tenantUser: TestUser;
  let demoProductId: string;
  let stopRecording: () => Promise<void>;
  const messages: InvalidationMessage[] = [];

  beforeAll(async () => {
    harness = await AdminApiHarness.start('plans');
    admin = await harness.admin();
    tenantUser = await harness.tenantUser('OWNER');
    demoProductId = (await harness.db.product.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    stopRecording = await harness.recordInvalidations(messages);
  });

  afterAll(async () => {
    await stopRecording();
    await harness.close();
  });

  const createPlan = (body: unknown) =>
    harness.request<PlanResponse>('POST', '/admin/plans', { token: admin.token, body });

  it('creates a plan whose limits round-trip exactly, and announces it', async () => {
    const created = await createPlan({
      productId: demoProductId,
      name: 'demo-team',
      description: 'For teams',
      autoApprove: false,
      limits: FULL_LIMITS,
      limitModes: { monthlyBudgetUsd: 'monitor', rpm: 'enforce' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      productId: demoProductId,
      name: 'demo-team',
      description: 'For teams',
      status: 'ACTIVE',
      autoApprove: false,
      limits: FULL_LIMITS,
    });
    expect(created.body.limitModes).toMatchObject({ monthlyBudgetUsd: 'monitor', rpm: 'enforce', tpm: 'enforce' });

    const read = await harness.request<PlanResponse>('GET', `/admin/plans/${created.body.id}`, { token: admin.token });
    expect(read.body).toEqual(created.body);
    expect(await eventually(() => messages.some((m) => m.kind === 'plan' && m.planId === created.body.id))).toBe(true);

    const audit = await harness.db.auditEvent.findFirst({
      where: { action: 'plan.create', targetId: created.body.id },
    });
    expect(audit).not.toBeNull();
  });

  it('defaults to unlimited and shows every limit name', async () => {
    const created = await createPlan({ productId: demoProductId, name: 'demo-unlimited' });
    expect(created.status).toBe(201);
    expect(created.body.limits).toEqual(UNLIMITED);
    expect(created.body.autoApprove).toBe(false);
    // Quotas fail closed unless the plan says otherwise, and every limit is enforced.
    expect(created.body.quotaFailOpen).toBe(false);
    expect(new Set(Object.values(created.body.limitModes))).toEqual(new Set(['enforce']));
  });

  it('sets quotaFailOpen and limitModes on create and update, and announces each change', async () => {
    const created = await createPlan({
      productId: demoProductId,
      name: 'demo-fail-open',
      quotaFailOpen: true,
      limitModes: { monthlyTokens: 'monitor' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      quotaFailOpen: true,
      limitModes: { monthlyTokens: 'monitor', rpm: 'enforce' },
    });
    expect((await harness.db.plan.findUniqueOrThrow({ where: { id: created.body.id } })).quotaFailOpen).toBe(true);

    messages.length = 0;
    const closed = await harness.request<PlanResponse>('PATCH', `/admin/plans/${created.body.id}`, {
      token: admin.token,
      body: { quotaFailOpen: false, limitModes: { rpm: 'monitor' } },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      quotaFailOpen: false,
      limitModes: { rpm: 'monitor', monthlyTokens: 'enforce' },
    });
    expect(await eventually(() => messages.some((m) => m.kind === 'plan' && m.planId === created.body.id))).toBe(true);

    // Absent keeps: a PATCH of something else leaves both as they are.
    const renamed = await harness.request<PlanResponse>('PATCH', `/admin/plans/${created.body.id}`, {
      token: admin.token,
      body: { description: 'closed again' },
    });
    expect(renamed.body).toMatchObject({ quotaFailOpen: false, limitModes: { rpm: 'monitor' } });
    const audit = await harness.db.auditEvent.findFirst({
      where: { action: 'plan.update', targetId: created.body.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit?.before).toMatchObject({ quotaFailOpen: true });
    expect(audit?.after).toMatchObject({ quotaFailOpen: false });
  });

  it('refuses a mode for an unknown limit name, an unknown mode, and a non-boolean quotaFailOpen', async () => {
    const response = await createPlan({
      productId: demoProductId,
      name: 'demo-bad-modes',
      limitModes: { tokensPerDay: 'monitor', rpm: 'MONITOR' },
      quotaFailOpen: 'yes',
    });
    expect(response.status).toBe(400);
    const fields = (response.body as unknown as { details: { field: string }[] }).details.map((detail) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['limitModes.rpm', 'quotaFailOpen']));
    const unknownName = await createPlan({
      productId: demoProductId,
      name: 'demo-bad-modes',
      limitModes: { tokensPerDay: 'monitor' },
    });
    expect(unknownName.status).toBe(400);
    expect(unknownName.body).toMatchObject({ code: 'validation_failed' });
  });

  it('patches limits name by name: present replaces, null lifts, absent keeps', async () => {
    const created = await createPlan({ productId: demoProductId, name: 'demo-patch', limits: FULL_LIMITS });
    messages.length = 0;
    const patched = await harness.request<PlanResponse>('PATCH', `/admin/plans/${created.body.id}`, {
      token: admin.token,
      body: { autoApprove: true, limits: { rpm: 300, monthlyBudgetUsd: null, allowedModels: null } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.autoApprove).toBe(true);
    expect(patched.body.limits).toEqual({ ...FULL_LIMITS, rpm: 300, monthlyBudgetUsd: null, allowedModels: null });
    expect(await eventually(() => messages.some((m) => m.kind === 'plan' && m.planId === created.body.id))).toBe(true);
  });

  it('lists plans of a product', async () => {
    const list = await harness.request<{ items: PlanResponse[]; nextCursor: string | null }>(
      'GET',
      `/admin/plans?productId=${demoProductId}&limit=2`,
      { token: admin.token },
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const next = await harness.request<{ items: PlanResponse[] }>(
      'GET',
      `/admin/plans?productId=${demoProductId}&cursor=${list.body.nextCursor}`,
      { token: admin.token },
    );
    const names = [...list.body.items, ...next.body.items].map((plan) => plan.name);
    expect(names).toEqual(expect.arrayContaining(['demo-free', 'demo-pro', 'demo-team']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses allowed models that are not models of the product, with the field', async () => {
    const response = await createPlan({
      productId: demoProductId,
      name: 'demo-bad',
      limits: { allowedModels: ['demo-chat', 'gpt-4o'] },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'limits.allowedModels.1', reason: expect.stringContaining('gpt-4o') }],
    });
  });

  it('answers 400 with field details for invalid limits', async () => {
    const response = await createPlan({
      productId: demoProductId,
      name: 'Not Kebab',
      limits: { rpm: -1, monthlyBudgetUsd: 12.5000001, tokensPerDay: 5 },
    });
    expect(response.status).toBe(400);
    const fields = (response.body as unknown as { details: { field: string }[] }).details.map((detail) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'limits.rpm', 'limits.monthlyBudgetUsd', 'limits']));
  });

  it('answers 409 for a taken name and refuses to change a retired plan', async () => {
    const taken = await createPlan({ productId: demoProductId, name: 'demo-free' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'plan_name_taken' });

    const created = await createPlan({ productId: demoProductId, name: 'demo-old' });
    const retired = await harness.request<PlanResponse>('POST', `/admin/plans/${created.body.id}/retire`, {
      token: admin.token,
    });
    expect(retired.status).toBe(200);
    expect(retired.body.status).toBe('RETIRED');
    const again = await harness.request('POST', `/admin/plans/${created.body.id}/retire`, { token: admin.token });
    expect(again.status).toBe(409);
    const patch = await harness.request('PATCH', `/admin/plans/${created.body.id}`, {
      token: admin.token,
      body: { autoApprove: true },
    });
    expect(patch.status).toBe(409);

    // A retired plan leaves the public catalog.
    const catalog = await harness.request<{ plans: { name: string }[] }>('GET', `/catalog/products/${demoProductId}`, {
      token: tenantUser.token,
    });
    expect(catalog.body.plans.map((plan) => plan.name)).not.toContain('demo-old');
  });

  it('answers 400 for an unknown product and 404 for an unknown plan', async () => {
    const unknownProduct = await createPlan({ productId: '00000000-0000-4000-8000-000000000000', name: 'x' });
    expect(unknownProduct.status).toBe(400);
    expect(unknownProduct.body).toMatchObject({ details: [{ field: 'productId' }] });
    const missing = await harness.request('GET', '/admin/plans/00000000-0000-4000-8000-000000000000', {
      token: admin.token,
    });
    expect(missing.status).toBe(404);
  });

  it('is for platform admins only', async () => {
    const plan = await harness.db.plan.findFirstOrThrow({ where: { name: 'demo-free' } });
    for (const [method, path] of [
      ['GET', '/admin/plans'],
      ['POST', '/admin/plans'],
      ['GET', `/admin/plans/${plan.id}`],
      ['PATCH', `/admin/plans/${plan.id}`],
      ['POST', `/admin/plans/${plan.id}/retire`],
    ] as const) {
      const response = await harness.request(method, path, {
        token: tenantUser.token,
        body: method === 'GET' ? undefined : {},
      });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'admin_only' });
    }
  });
});
