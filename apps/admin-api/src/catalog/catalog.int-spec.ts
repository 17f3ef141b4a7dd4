import { eventually } from '@gatehouse/testing';
import {
  type AdminModelResponse,
  type AdminProductResponse,
  type CatalogProductResponse,
  type InvalidationMessage,
  type ModelPriceResponse,
} from '@gatehouse/contracts';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

/** The value, or a failed test when it is missing. */
function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

describe('catalog (admin API)', () => {
  let harness: AdminApiHarness;
  let admin: { id: string; token: string };
  let tenantUser: TestUser;
  let mockProviderId: string;
  let stopRecording: () => Promise<void>;
  const messages: InvalidationMessage[] = [];

  beforeAll(async () => {
    harness = await AdminApiHarness.start('catalog');
    admin = await harness.admin();
    tenantUser = await harness.tenantUser('VIEWER');
    mockProviderId = (await harness.db.provider.findUniqueOrThrow({ where: { name: 'mock' } })).id;
    stopRecording = await harness.recordInvalidations(messages);
  });

  afterAll(async () => {
    await stopRecording();
    await harness.close();
  });

  const asAdmin = <Body>(method: string, path: string, body?: unknown) =>
    harness.request<Body>(method, path, { token: admin.token, body });
  const catalog = () =>
    harness.request<Page<CatalogProductResponse>>('GET', '/catalog/products', { token: tenantUser.token });
  const modelBody = (name: string) => ({
    name,
    targets: [{ providerId: mockProviderId, upstreamModel: 'mock-chat', weight: 3 }],
    price: { inputPer1M: '1.25', outputPer1M: '5', cachedInputPer1M: '0.125' },
  });

  it('shows tenants the seeded demo product in the contract shape', async () => {
    const response = await catalog();
    expect(response.status).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    const demo = response.body.items.find((product) => product.slug === 'demo');
    expect(demo).toEqual({
      id: expect.any(String),
      slug: 'demo',
      name: 'Demo',
      description: expect.any(String),
      kind: 'LLM',
      models: [
        {
          id: expect.any(String),
          name: 'demo-chat',
          inputPricePer1M: '0.5',
          outputPricePer1M: '1.5',
          cachedInputPricePer1M: '0.25',
        },
        {
          id: expect.any(String),
          name: 'demo-embed',
          inputPricePer1M: '0.02',
          outputPricePer1M: '0',
          cachedInputPricePer1M: null,
        },
      ],
      plans: [
        {
          id: expect.any(String),
          name: 'demo-free',
          description: expect.any(String),
          autoApprove: true,
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
        },
        {
          id: expect.any(String),
          name: 'demo-pro',
          description: expect.any(String),
          autoApprove: false,
          limits: {
            rpm: 600,
            rpmBurst: null,
            tpm: 1_000_000,
            tpmBurst: null,
            concurrency: 32,
            dailyTokens: null,
            monthlyTokens: 50_000_000,
            monthlyCalls: 1_000_000,
            monthlyBudgetUsd: '100',
            allowedModels: null,
          },
        },
      ],
    });

    const one = await harness.request<CatalogProductResponse>('GET', `/catalog/products/${present(demo).id}`, {
      token: tenantUser.token,
    });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(demo);
    expect((await harness.request('GET', '/catalog/products')).status).toBe(401);
  });

  it('takes a product from draft to published (visible) to retired (gone)', async () => {
    const created = await asAdmin<AdminProductResponse>('POST', '/admin/products', {
      slug: 'acme-llm',
      name: 'Acme LLM',
      description: 'Acme models',
      kind: 'LLM',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'acme-llm',
      status: 'DRAFT',
      kind: 'LLM',
      models: [],
      plans: [],
      http: null,
    });
    const productId = created.body.id;

    const draftInCatalog = await harness.request('GET', `/catalog/products/${productId}`, { token: tenantUser.token });
    expect(draftInCatalog.status).toBe(404);

    const early = await asAdmin('POST', `/admin/products/${productId}/publish`);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      code: 'product_not_publishable',
      message: expect.stringMatching(/at least one model/),
    });

    const model = await asAdmin<AdminModelResponse>(
      'POST',
      `/admin/products/${productId}/models`,
      modelBody('acme-chat'),
    );
    expect(model.status).toBe(201);
    expect(model.body).toMatchObject({
      name: 'acme-chat',
      inputPricePer1M: '1.25',
      outputPricePer1M: '5',
      cachedInputPricePer1M: '0.125',
      targets: [{ providerId: mockProviderId, upstreamModel: 'mock-chat', weight: 3, priority: 0, enabled: true }],
    });

    messages.length = 0;
    const published = await asAdmin<AdminProductResponse>('POST', `/admin/products/${productId}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('PUBLISHED');
    expect(await eventually(() => messages.some((m) => m.kind === 'product' && m.productId === productId))).toBe(true);

    const visible = (await catalog()).body.items.find((product) => product.id === productId);
    expect(visible?.models).toEqual([
      {
        id: model.body.id,
        name: 'acme-chat',
        inputPricePer1M: '1.25',
        outputPricePer1M: '5',
        cachedInputPricePer1M: '0.125',
      },
    ]);

    const twice = await asAdmin('POST', `/admin/products/${productId}/publish`);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'invalid_product_transition' });

    const retired = await asAdmin<AdminProductResponse>('POST', `/admin/products/${productId}/retire`);
    expect(retired.body.status).toBe('RETIRED');
    expect((await catalog()).body.items.some((product) => product.id === productId)).toBe(false);
    expect((await harness.request('GET', `/catalog/products/${productId}`, { token: tenantUser.token })).status).toBe(
      404,
    );

    const actions = await harness.db.auditEvent.findMany({ where: { targetId: productId }, select: { action: true } });
    expect(actions.map((event) => event.action)).toEqual(
      expect.arrayContaining(['product.create', 'product.publish', 'product.retire']),
    );
  });

  it('versions prices: a change closes the current price and opens a new one', async () => {
    const product = await asAdmin<AdminProductResponse>('POST', '/admin/products', {
      slug: 'priced',
      name: 'Priced',
      kind: 'LLM',
    });
    messages.length = 0;
    const model = await asAdmin<AdminModelResponse>(
      'POST',
      `/admin/products/${product.body.id}/models`,
      modelBody('priced-chat'),
    );
    // A model's first price and every price change reload the gateways' catalog, which carries the prices.
    const productAnnounced = () =>
      eventually(() => messages.some((m) => m.kind === 'product' && m.productId === product.body.id));
    expect(await productAnnounced()).toBe(true);
    messages.length = 0;
    const changed = await asAdmin<AdminModelResponse>(
      'PUT',
      `/admin/products/${product.body.id}/models/${model.body.id}/price`,
      { inputPer1M: '2', outputPer1M: '8.5' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ inputPricePer1M: '2', outputPricePer1M: '8.5', cachedInputPricePer1M: null });
    expect(await productAnnounced()).toBe(true);

    const history = await asAdmin<Page<ModelPriceResponse>>(
      'GET',
      `/admin/products/${product.body.id}/models/${model.body.id}/prices`,
    );
    expect(history.body.items).toHaveLength(2);
    const [current, previous] = history.body.items;
    expect(current).toMatchObject({ inputPer1M: '2', outputPer1M: '8.5', effectiveTo: null });
    expect(previous).toMatchObject({ inputPer1M: '1.25', outputPer1M: '5', cachedInputPer1M: '0.125' });
    // The old version ends exactly where the new one starts: usage before the change keeps the old price.
    expect(present(previous).effectiveTo).toBe(present(current).effectiveFrom);

    const rows = await harness.db.modelPrice.findMany({ where: { modelRouteId: model.body.id } });
    expect(rows).toHaveLength(2);
    expect(rows.filter((row) => row.effectiveTo === null)).toHaveLength(1);

    const float = await asAdmin('PUT', `/admin/products/${product.body.id}/models/${model.body.id}/price`, {
      inputPer1M: 2.5,
      outputPer1M: '1e3',
    });
    expect(float.status).toBe(400);
    expect(float.body).toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'inputPer1M' }, { field: 'outputPer1M' }],
    });
  });

  it('edits models: targets replaced, alias renamed only in drafts, deletion guarded', async () => {
    const product = await asAdmin<AdminProductResponse>('POST', '/admin/products', {
      slug: 'edits',
      name: 'Edits',
      kind: 'LLM',
    });
    const productId = product.body.id;
    const first = await asAdmin<AdminModelResponse>(
      'POST',
      `/admin/products/${productId}/models`,
      modelBody('edits-a'),
    );
    const plan = await asAdmin<{ id: string }>('POST', '/admin/plans', {
      productId,
      name: 'edits-plan',
      limits: { allowedModels: ['edits-a'] },
    });
    expect(plan.status).toBe(201);

    const renamed = await asAdmin<AdminModelResponse>('PATCH', `/admin/products/${productId}/models/${first.body.id}`, {
      name: 'edits-b',
      targets: [
        { providerId: mockProviderId, upstreamModel: 'mock-chat', priority: 0 },
        { providerId: mockProviderId, upstreamModel: 'mock-chat-2', priority: 1 },
      ],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('edits-b');
    expect(renamed.body.targets.map((target) => target.upstreamModel)).toEqual(['mock-chat', 'mock-chat-2']);
    // The plan's allowed models followed the rename.
    const planAfter = await asAdmin<{ limits: { allowedModels: string[] } }>('GET', `/admin/plans/${plan.body.id}`);
    expect(planAfter.body.limits.allowedModels).toEqual(['edits-b']);

    const inUse = await asAdmin('DELETE', `/admin/products/${productId}/models/${first.body.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ code: 'model_in_use' });
    await asAdmin('PATCH', `/admin/plans/${plan.body.id}`, { limits: { allowedModels: null } });

    await asAdmin('POST', `/admin/products/${productId}/publish`);
    const immutable = await asAdmin('PATCH', `/admin/products/${productId}/models/${first.body.id}`, {
      name: 'edits-c',
    });
    expect(immutable.status).toBe(409);
    expect(immutable.body).toMatchObject({ code: 'model_name_immutable' });
    const last = await asAdmin('DELETE', `/admin/products/${productId}/models/${first.body.id}`);
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({ code: 'product_needs_model' });

    const second = await asAdmin<AdminModelResponse>(
      'POST',
      `/admin/products/${productId}/models`,
      modelBody('edits-z'),
    );
    const removed = await asAdmin('DELETE', `/admin/products/${productId}/models/${second.body.id}`);
    expect(removed.status).toBe(204);
    const after = await asAdmin<AdminProductResponse>('GET', `/admin/products/${productId}`);
    expect(after.body.models.map((model) => model.name)).toEqual(['edits-b']);
  });

  it('refuses duplicates and bad references with clear errors', async () => {
    const slug = await asAdmin('POST', '/admin/products', { slug: 'demo', name: 'Again', kind: 'LLM' });
    expect(slug.status).toBe(409);
    expect(slug.body).toMatchObject({ code: 'product_slug_taken' });

    const demo = await harness.db.product.findUniqueOrThrow({ where: { slug: 'demo' } });
    const alias = await asAdmin('POST', `/admin/products/${demo.id}/models`, modelBody('demo-chat'));
    expect(alias.status).toBe(409);
    expect(alias.body).toMatchObject({ code: 'model_name_taken' });

    const unknownProvider = await asAdmin('POST', `/admin/products/${demo.id}/models`, {
      ...modelBody('demo-new'),
      targets: [{ providerId: '00000000-0000-4000-8000-000000000000', upstreamModel: 'x' }],
    });
    expect(unknownProvider.status).toBe(400);
    expect(unknownProvider.body).toMatchObject({ details: [{ field: 'targets.0.providerId' }] });

    const invalid = await asAdmin('POST', '/admin/products', { slug: 'Not_Kebab', name: '', kind: 'SOAP' });
    expect(invalid.status).toBe(400);
    const fields = (invalid.body as { details: { field: string }[] }).details.map((detail) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['slug', 'name', 'kind']));
  });

  it('creates HTTP products on an http provider only', async () => {
    const needsUpstream = await asAdmin('POST', '/admin/products', { slug: 'weather', name: 'Weather', kind: 'HTTP' });
    expect(needsUpstream.status).toBe(400);
    expect(needsUpstream.body).toMatchObject({ details: [{ field: 'http' }] });

    const wrongType = await asAdmin('POST', '/admin/products', {
      slug: 'weather',
      name: 'Weather',
      kind: 'HTTP',
      http: { providerId: mockProviderId },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ details: [{ field: 'http.providerId' }] });

    const provider = await asAdmin<{ id: string }>('POST', '/admin/providers', {
      name: 'weather-api',
      type: 'http',
      baseUrl: 'https://weather.example.com',
    });
    const created = await asAdmin<AdminProductResponse>('POST', '/admin/products', {
      slug: 'weather',
      name: 'Weather',
      kind: 'HTTP',
      http: { providerId: provider.body.id, upstreamPath: '/v2' },
    });
    expect(created.status).toBe(201);
    expect(created.body.http).toEqual({ providerId: provider.body.id, upstreamPath: '/v2' });
    const model = await asAdmin('POST', `/admin/products/${created.body.id}/models`, modelBody('weather-model'));
    expect(model.status).toBe(409);
    expect(model.body).toMatchObject({ code: 'product_not_llm' });
    const published = await asAdmin<AdminProductResponse>('POST', `/admin/products/${created.body.id}/publish`);
    expect(published.body.status).toBe('PUBLISHED');
  });

  it('lists products for admins, paginated', async () => {
    const first = await asAdmin<Page<AdminProductResponse>>('GET', '/admin/products?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const drafts = await asAdmin<Page<AdminProductResponse>>('GET', '/admin/products?status=DRAFT');
    expect(drafts.body.items.every((product) => product.status === 'DRAFT')).toBe(true);
  });

  it('keeps admin routes for platform admins', async () => {
    const demo = await harness.db.product.findUniqueOrThrow({ where: { slug: 'demo' } });
    for (const [method, path] of [
      ['GET', '/admin/products'],
      ['POST', '/admin/products'],
      ['GET', `/admin/products/${demo.id}`],
      ['PATCH', `/admin/products/${demo.id}`],
      ['POST', `/admin/products/${demo.id}/publish`],
      ['POST', `/admin/products/${demo.id}/retire`],
      ['POST', `/admin/products/${demo.id}/models`],
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
