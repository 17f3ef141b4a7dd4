import { type OpenAiErrorBody } from '@gatehouse/contracts';
import { GatewayHarness } from '../../test/gateway-harness';
import { type OpenAiModel, type OpenAiModelList } from '../models/models.service';

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not within ${withinMs} ms`);
}

const ids = (list: OpenAiModelList) => list.data.map((model) => model.id);

describe('gateway GET /v1/models', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gateway-models');
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('lists the demo models only once an approved subscription exists', async () => {
    const tenantId = await gateway.tenant();
    const key = await gateway.key(tenantId);
    const before = await gateway.get<OpenAiModelList>('/v1/models', key.key);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ object: 'list', data: [] });
    expect(before.headers.get('x-request-id')).toMatch(/^req_/);

    const pending = await gateway.subscribeToDemo(tenantId, { planName: 'demo-pro', status: 'PENDING' });
    await gateway.publish({ kind: 'subscription', tenantId, subscriptionId: pending });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ids((await gateway.get<OpenAiModelList>('/v1/models', key.key)).body)).toEqual([]);

    const approved = await gateway.subscribeToDemo(tenantId);
    await gateway.publish({ kind: 'subscription', tenantId, subscriptionId: approved });
    await eventually(
      async () => ids((await gateway.get<OpenAiModelList>('/v1/models', key.key)).body).length === 2,
      1000,
    );
    const after = await gateway.get<OpenAiModelList>('/v1/models', key.key);
    expect(after.body.data).toEqual([
      { id: 'demo-chat', object: 'model', created: expect.any(Number), owned_by: 'demo' },
      { id: 'demo-embed', object: 'model', created: expect.any(Number), owned_by: 'demo' },
    ]);

    const one = await gateway.get<OpenAiModel>('/v1/models/demo-chat', key.key);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(after.body.data[0]);
  });

  it('answers 404 model_not_found for a model no product offers, 403 model_not_allowed without a grant', async () => {
    const key = await gateway.key(await gateway.tenant());
    const missing = await gateway.get<OpenAiErrorBody>('/v1/models/no-such-model', key.key);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'model_not_found',
      type: 'invalid_request_error',
      param: 'model',
    });
    const forbidden = await gateway.get<OpenAiErrorBody>('/v1/models/demo-chat', key.key);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ code: 'model_not_allowed', type: 'permission_error' });
  });

  it("honours the plan's allowedModels as overridden on the subscription", async () => {
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: { allowedModels: ['demo-chat'] } });
    const key = await gateway.key(tenantId);
    expect(ids((await gateway.get<OpenAiModelList>('/v1/models', key.key)).body)).toEqual(['demo-chat']);
    expect((await gateway.get('/v1/models/demo-embed', key.key)).status).toBe(403);
  });

  it('stops listing a subscription at its expiry, even while the snapshot is cached', async () => {
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { expiresAt: new Date(Date.now() + 500) });
    const key = await gateway.key(tenantId);
    expect(ids((await gateway.get<OpenAiModelList>('/v1/models', key.key)).body)).toEqual(['demo-chat', 'demo-embed']);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(ids((await gateway.get<OpenAiModelList>('/v1/models', key.key)).body)).toEqual([]);
  });

  it('limits a scoped key to the subscriptions of its scope', async () => {
    const product = await gateway.db.product.create({
      data: {
        slug: 'other',
        name: 'Other',
        kind: 'LLM',
        status: 'PUBLISHED',
        modelRoutes: { create: [{ alias: 'other-chat' }] },
        plans: { create: [{ name: 'other-free' }] },
      },
      select: { id: true, plans: { select: { id: true } } },
    });
    const [plan] = product.plans;
    if (plan === undefined) throw new Error('plan not created');
    await gateway.publish({ kind: 'product', productId: product.id });
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId);
    const other = await gateway.db.subscription.create({
      data: { tenantId, productId: product.id, planId: plan.id, status: 'APPROVED' },
      select: { id: true },
    });
    const scoped = await gateway.key(tenantId, { subscriptionIds: [other.id] });
    const unscoped = await gateway.key(tenantId);
    expect(ids((await gateway.get<OpenAiModelList>('/v1/models', scoped.key)).body)).toEqual(['other-chat']);
    expect(ids((await gateway.get<OpenAiModelList>('/v1/models', unscoped.key)).body)).toEqual([
      'demo-chat',
      'demo-embed',
      'other-chat',
    ]);
    const refused = await gateway.get<OpenAiErrorBody>('/v1/models/demo-chat', scoped.key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/not scoped/);
    await eventually(async () => (await gateway.get('/v1/models/other-chat', scoped.key)).status === 200, 1000);
  });
});
