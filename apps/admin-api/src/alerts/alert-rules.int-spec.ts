import { type AlertFiringListResponse, type AlertRuleListResponse, type AlertRuleResponse } from '@gatehouse/contracts';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: { field: string; reason: string }[];
}

const RECEIVER = 'http://127.0.0.1:9/hooks/gatehouse';
const SECRET = 'whsec_0123456789abcdef';

describe('budget alert rules (admin API)', () => {
  let api: AdminApiHarness;
  let productId: string;
  let freePlanId: string;

  beforeAll(async () => {
    api = await AdminApiHarness.start('alert-rules', { WEBHOOK_ALLOW_LOOPBACK: 'true' });
    const product = await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, include: { plans: true } });
    productId = product.id;
    const free = product.plans.find((plan) => plan.name === 'demo-free');
    if (!free) throw new Error('the seed has no demo-free plan');
    freePlanId = free.id;
  });

  afterAll(async () => {
    await api?.close();
  });

  /** An approved subscription of the owner's tenant (the free plan approves itself). */
  async function subscribe(owner: TestUser): Promise<string> {
    const created = await api.request<{ id: string; status: string }>(
      'POST',
      `/tenants/${owner.tenantId}/subscriptions`,
      { token: owner.token, body: { productId, planId: freePlanId } },
    );
    expect(created.status).toBe(201);
    return created.body.id;
  }

  const listRules = (user: TestUser) =>
    api.request<AlertRuleListResponse>('GET', `/tenants/${user.tenantId}/alert-rules`, { token: user.token });

  const putTenantRule = (user: TestUser, body: unknown, tenantId = user.tenantId) =>
    api.request<AlertRuleResponse & ErrorBody>('PUT', `/tenants/${tenantId}/alert-rules/tenant`, {
      token: user.token,
      body,
    });

  const putSubscriptionRule = (user: TestUser, subscriptionId: string, body: unknown) =>
    api.request<AlertRuleResponse & ErrorBody>(
      'PUT',
      `/tenants/${user.tenantId}/alert-rules/subscriptions/${subscriptionId}`,
      { token: user.token, body },
    );

  const deleteSubscriptionRule = (user: TestUser, subscriptionId: string) =>
    api.request<ErrorBody | undefined>(
      'DELETE',
      `/tenants/${user.tenantId}/alert-rules/subscriptions/${subscriptionId}`,
      { token: user.token },
    );

  const auditOf = (tenantId: string, action: string) =>
    api.db.auditEvent.findMany({ where: { tenantId, action }, orderBy: { seq: 'asc' } });

  it('shows the default tenant-wide rule to a viewer before the tenant has any rule', async () => {
    const owner = await api.tenantUser('OWNER');
    const viewer = await api.tenantUser('VIEWER', owner.tenantId);
    const list = await listRules(viewer);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      items: [
        {
          id: null,
          subscriptionId: null,
          thresholds: [50, 80, 100],
          enabled: true,
          hasWebhook: false,
          createdAt: null,
          updatedAt: null,
        },
      ],
      nextCursor: null,
    });
    // Showing the defaults writes nothing.
    expect(await api.db.alertRule.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });

  it('lets the owner create and update the tenant-wide rule, sorted, audited, one rule throughout', async () => {
    const owner = await api.tenantUser('OWNER');
    const created = await putTenantRule(owner, { thresholds: [100, 25, 120, 75], enabled: true });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      subscriptionId: null,
      thresholds: [25, 75, 100, 120],
      enabled: true,
      hasWebhook: false,
    });

    const updated = await putTenantRule(owner, { thresholds: [90], enabled: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, thresholds: [90], enabled: false });

    const list = await listRules(owner);
    expect(list.body.items).toEqual([updated.body]);
    const stored = await api.db.alertRule.findMany({ where: { tenantId: owner.tenantId } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ thresholds: [90], enabled: false, subscriptionId: null });

    const events = await auditOf(owner.tenantId, 'alert_rule.update');
    expect(events.map((event) => [event.targetType, event.targetId, event.actorUserId])).toEqual([
      ['alert_rule', created.body.id, owner.id],
      ['alert_rule', created.body.id, owner.id],
    ]);
    expect(events[0]?.before).toBeNull();
    expect(events[0]?.after).toEqual({ subscriptionId: null, thresholds: [25, 75, 100, 120], enabled: true });
    expect(events[1]?.before).toEqual({ subscriptionId: null, thresholds: [25, 75, 100, 120], enabled: true });
    expect(events[1]?.after).toEqual({ subscriptionId: null, thresholds: [90], enabled: false });
  });

  it('keeps the webhook through a threshold update, and the thresholds through a webhook update', async () => {
    const owner = await api.tenantUser('OWNER');
    const hook = await api.request('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
      body: { url: RECEIVER, secret: SECRET },
    });
    expect(hook.status).toBe(200);
    const secretColumns = { webhookSecretCiphertext: true, webhookSecretIv: true, webhookSecretAuthTag: true };
    const sealed = await api.db.alertRule.findFirstOrThrow({
      where: { tenantId: owner.tenantId },
      select: { id: true, ...secretColumns },
    });

    const put = await putTenantRule(owner, { thresholds: [60, 95], enabled: true });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: sealed.id, thresholds: [60, 95], hasWebhook: true });
    const webhook = await api.request<{ url: string }>('GET', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
    });
    expect(webhook.status).toBe(200);
    expect(webhook.body.url).toBe(RECEIVER);
    const after = await api.db.alertRule.findFirstOrThrow({ where: { id: sealed.id }, select: secretColumns });
    expect(after).toEqual({
      webhookSecretCiphertext: sealed.webhookSecretCiphertext,
      webhookSecretIv: sealed.webhookSecretIv,
      webhookSecretAuthTag: sealed.webhookSecretAuthTag,
    });

    // The other way round: setting the webhook again leaves the owner's thresholds alone.
    const again = await api.request('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
      body: { url: `${RECEIVER}/v2` },
    });
    expect(again.status).toBe(200);
    const list = await listRules(owner);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: sealed.id, thresholds: [60, 95], enabled: true, hasWebhook: true });
    // Never the URL or the secret in the rule list.
    expect(JSON.stringify(list.body)).not.toContain('127.0.0.1');
  });

  it('sets the webhook on the rule that already holds the thresholds', async () => {
    const owner = await api.tenantUser('OWNER');
    await putTenantRule(owner, { thresholds: [10], enabled: true });
    await api.request('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
      body: { url: RECEIVER, secret: SECRET },
    });
    const rules = await api.db.alertRule.findMany({ where: { tenantId: owner.tenantId } });
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ thresholds: [10], webhookUrl: RECEIVER });
  });

  it("creates, updates and deletes a subscription's own rule, keeping a tenant-wide rule in place", async () => {
    const owner = await api.tenantUser('OWNER');
    const subscriptionId = await subscribe(owner);

    const created = await putSubscriptionRule(owner, subscriptionId, { thresholds: [30, 60], enabled: true });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ subscriptionId, thresholds: [30, 60], enabled: true, hasWebhook: false });

    // The worker only creates the defaults for a tenant with no rule at all: the API made them along.
    let list = await listRules(owner);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items[0]).toMatchObject({
      id: expect.any(String),
      subscriptionId: null,
      thresholds: [50, 80, 100],
    });
    expect(list.body.items[1]).toEqual(created.body);

    const updated = await putSubscriptionRule(owner, subscriptionId, { thresholds: [200, 100], enabled: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, thresholds: [100, 200], enabled: false });
    expect(await api.db.alertRule.count({ where: { tenantId: owner.tenantId, subscriptionId } })).toBe(1);

    const removed = await deleteSubscriptionRule(owner, subscriptionId);
    expect(removed.status).toBe(204);
    list = await listRules(owner);
    expect(list.body.items.map((rule) => rule.subscriptionId)).toEqual([null]);

    const missing = await deleteSubscriptionRule(owner, subscriptionId);
    expect(missing.status).toBe(404);
    expect(missing.body?.code).toBe('alert_rule_not_found');

    const updates = await auditOf(owner.tenantId, 'alert_rule.update');
    expect(updates.map((event) => event.after)).toEqual([
      { subscriptionId: null, thresholds: [50, 80, 100], enabled: true },
      { subscriptionId, thresholds: [30, 60], enabled: true },
      { subscriptionId, thresholds: [100, 200], enabled: false },
    ]);
    const deletes = await auditOf(owner.tenantId, 'alert_rule.delete');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({
      targetType: 'alert_rule',
      targetId: created.body.id,
      actorUserId: owner.id,
      before: { subscriptionId, thresholds: [100, 200], enabled: false },
      after: null,
    });
  });

  it('refuses writes to viewers and members, and lets them read', async () => {
    const owner = await api.tenantUser('OWNER');
    const subscriptionId = await subscribe(owner);
    await putSubscriptionRule(owner, subscriptionId, { thresholds: [50], enabled: true });
    const body = { thresholds: [10], enabled: true };
    for (const role of ['VIEWER', 'MEMBER'] as const) {
      const caller = await api.tenantUser(role, owner.tenantId);
      const responses = [
        await putTenantRule(caller, body),
        await putSubscriptionRule(caller, subscriptionId, body),
        await deleteSubscriptionRule(caller, subscriptionId),
      ];
      expect(responses.map((response) => [response.status, response.body?.code])).toEqual([
        [403, 'insufficient_role'],
        [403, 'insufficient_role'],
        [403, 'insufficient_role'],
      ]);
      expect((await listRules(caller)).status).toBe(200);
      const firings = await api.request('GET', `/tenants/${owner.tenantId}/alert-firings`, { token: caller.token });
      expect(firings.status).toBe(200);
    }
    const rules = await api.db.alertRule.findMany({ where: { tenantId: owner.tenantId } });
    expect(rules.map((rule) => [rule.subscriptionId, rule.thresholds])).toEqual(
      expect.arrayContaining([
        [null, [50, 80, 100]],
        [subscriptionId, [50]],
      ]),
    );
    expect(rules).toHaveLength(2);
    expect(await auditOf(owner.tenantId, 'alert_rule.delete')).toEqual([]);
  });

  it("answers 404 for another tenant's subscription and tenant, and changes nothing of theirs", async () => {
    const victim = await api.tenantUser('OWNER');
    const victimSubscription = await subscribe(victim);
    await putSubscriptionRule(victim, victimSubscription, { thresholds: [40], enabled: true });
    const intruder = await api.tenantUser('OWNER');
    await subscribe(intruder);

    const put = await putSubscriptionRule(intruder, victimSubscription, { thresholds: [1], enabled: false });
    expect(put.status).toBe(404);
    expect(put.body.code).toBe('subscription_not_found');
    const remove = await deleteSubscriptionRule(intruder, victimSubscription);
    expect(remove.status).toBe(404);
    expect(remove.body?.code).toBe('alert_rule_not_found');
    const malformed = await putSubscriptionRule(intruder, 'not-a-uuid', { thresholds: [1], enabled: true });
    expect(malformed.status).toBe(404);
    expect(malformed.body.code).toBe('subscription_not_found');

    const foreignTenant = await putTenantRule(intruder, { thresholds: [1], enabled: false }, victim.tenantId);
    expect(foreignTenant.status).toBe(404);
    expect(foreignTenant.body.code).toBe('tenant_not_found');
    const foreignList = await api.request<ErrorBody>('GET', `/tenants/${victim.tenantId}/alert-rules`, {
      token: intruder.token,
    });
    expect(foreignList.status).toBe(404);

    const victimRules = await api.db.alertRule.findMany({ where: { tenantId: victim.tenantId } });
    expect(victimRules.map((rule) => [rule.subscriptionId, rule.thresholds, rule.enabled])).toEqual(
      expect.arrayContaining([
        [null, [50, 80, 100], true],
        [victimSubscription, [40], true],
      ]),
    );
    expect(await api.db.alertRule.count({ where: { tenantId: intruder.tenantId } })).toBe(0);
  });

  it('refuses invalid bodies with 400 and a reason per field', async () => {
    const owner = await api.tenantUser('OWNER');
    const subscriptionId = await subscribe(owner);
    const cases: [unknown, string, RegExp][] = [
      [{ thresholds: [50, 80, 50], enabled: true }, 'thresholds.2', /50 is listed twice/],
      [{ thresholds: [], enabled: true }, 'thresholds', /at least one threshold/],
      [{ thresholds: [0], enabled: true }, 'thresholds.0', /at least 1/],
      [{ thresholds: [1001], enabled: true }, 'thresholds.0', /at most 1000/],
      [{ thresholds: [50.5], enabled: true }, 'thresholds.0', /whole number/],
      [{ thresholds: ['50'], enabled: true }, 'thresholds.0', /number of percent/],
      [{ thresholds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], enabled: true }, 'thresholds', /at most 10 thresholds/],
      [{ thresholds: 50, enabled: true }, 'thresholds', /list of percentages/],
      [{ thresholds: [50] }, 'enabled', /true or false/],
      [{ thresholds: [50], enabled: true, webhookUrl: 'http://example.com' }, '(body)', /webhookUrl/],
    ];
    for (const [body, field, reason] of cases) {
      for (const response of [
        await putTenantRule(owner, body),
        await putSubscriptionRule(owner, subscriptionId, body),
      ]) {
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('validation_failed');
        const detail = response.body.details?.find((candidate) => candidate.field === field);
        expect({ body, detail }).toEqual({ body, detail: { field, reason: expect.stringMatching(reason) } });
      }
    }
    expect(await api.db.alertRule.count({ where: { tenantId: owner.tenantId } })).toBe(0);
  });

  it('lists the firings newest first, one page at a time, and only the tenant’s own', async () => {
    const owner = await api.tenantUser('OWNER');
    const viewer = await api.tenantUser('VIEWER', owner.tenantId);
    const subscriptionId = await subscribe(owner);
    const tenantRule = await putTenantRule(owner, { thresholds: [50, 80, 100], enabled: true });
    const ruleId = tenantRule.body.id as string;
    const base = Date.parse('2026-06-10T12:00:00.000Z');
    const firing = (minutes: number, threshold: number, subject = 'tenant') => ({
      alertRuleId: ruleId,
      tenantId: owner.tenantId,
      subject,
      metric: subject === 'tenant' ? 'monthlyBudgetUsd' : 'monthlyTokens',
      threshold,
      period: '2026-06',
      spentUsd: subject === 'tenant' ? '0.85' : '900',
      budgetUsd: subject === 'tenant' ? '1' : '1000',
      firedAt: new Date(base + minutes * 60_000),
    });
    await api.db.alertFiring.createMany({
      data: [firing(0, 50), firing(5, 80), firing(10, 80, subscriptionId), firing(15, 100)],
    });
    // Another tenant's firing must not show.
    const other = await api.tenantUser('OWNER');
    const otherRule = await putTenantRule(other, { thresholds: [50], enabled: true });
    await api.db.alertFiring.create({
      data: { ...firing(20, 50), alertRuleId: otherRule.body.id as string, tenantId: other.tenantId },
    });

    const first = await api.request<AlertFiringListResponse>(
      'GET',
      `/tenants/${owner.tenantId}/alert-firings?limit=3`,
      {
        token: viewer.token,
      },
    );
    expect(first.status).toBe(200);
    expect(first.body.items.map((item) => [item.subject, item.threshold])).toEqual([
      ['tenant', 100],
      [subscriptionId, 80],
      ['tenant', 80],
    ]);
    expect(first.body.items[1]).toEqual({
      id: expect.any(String),
      ruleId,
      subject: subscriptionId,
      metric: 'monthlyTokens',
      threshold: 80,
      period: '2026-06',
      used: '900',
      limit: '1000',
      firedAt: '2026-06-10T12:10:00.000Z',
    });
    expect(first.body.items[0]).toMatchObject({ used: '0.85', limit: '1' });
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const second = await api.request<AlertFiringListResponse>(
      'GET',
      `/tenants/${owner.tenantId}/alert-firings?limit=3&cursor=${first.body.nextCursor}`,
      { token: viewer.token },
    );
    expect(second.status).toBe(200);
    expect(second.body.items.map((item) => [item.subject, item.threshold])).toEqual([['tenant', 50]]);
    expect(second.body.nextCursor).toBeNull();

    const tooMany = await api.request<ErrorBody>('GET', `/tenants/${owner.tenantId}/alert-firings?limit=500`, {
      token: viewer.token,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details?.[0]?.field).toBe('limit');
  });
});
