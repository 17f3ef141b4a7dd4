import {
  type AuditEventResponse,
  type AuditVerifyResult,
  type CatalogProductListResponse,
  type CreatedApiKeyResponse,
  type ApiKeyListResponse,
  type MeResponse,
  type SubscriptionResponse,
} from '@gatehouse/contracts';
import { adminApi, signInAdmin, signUpTenantOwner } from '../support/admin-api-client';

/**
 * The control-plane journey through the admin API alone: a tenant signs up, creates a key, requests
 * demo-pro; the admin approves it with a lower budget; the tenant sees it; the admin revokes it; the
 * audit log shows each step and its chain verifies.
 */
describe('access journey through the admin API', () => {
  it('goes from sign-up to an approved, then revoked, subscription with an audit trail that verifies', async () => {
    const tenant = await signUpTenantOwner('journey');

    const me = await adminApi<MeResponse>('GET', '/auth/me', { token: tenant.token });
    expect(me.status).toBe(200);
    expect(me.body.user.memberships).toEqual([expect.objectContaining({ tenantId: tenant.tenantId, role: 'OWNER' })]);

    // A key: the secret comes back once, and never in a list.
    const created = await adminApi<CreatedApiKeyResponse>('POST', `/tenants/${tenant.tenantId}/keys`, {
      token: tenant.token,
      body: { name: 'journey key' },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^gh_live_/);
    expect(created.body.secret.startsWith(created.body.prefix)).toBe(true);
    const keys = await adminApi<ApiKeyListResponse>('GET', `/tenants/${tenant.tenantId}/keys`, {
      token: tenant.token,
    });
    expect(keys.body.items.map((key) => key.id)).toEqual([created.body.id]);
    expect(JSON.stringify(keys.body)).not.toContain(created.body.secret);

    // The catalog shows demo with both plans; the tenant requests demo-pro.
    const catalog = await adminApi<CatalogProductListResponse>('GET', '/catalog/products', { token: tenant.token });
    const demo = catalog.body.items.find((product) => product.slug === 'demo');
    expect(demo?.models.map((model) => model.name).sort()).toEqual(['demo-chat', 'demo-embed']);
    const pro = demo?.plans.find((plan) => plan.name === 'demo-pro');
    expect(pro?.autoApprove).toBe(false);
    if (!demo || !pro) throw new Error('the seeded demo catalog is missing');

    const requested = await adminApi<SubscriptionResponse>('POST', `/tenants/${tenant.tenantId}/subscriptions`, {
      token: tenant.token,
      body: { productId: demo.id, planId: pro.id, justification: 'Evaluating the pro limits for our support bot' },
    });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({ productId: demo.id, planId: pro.id, status: 'PENDING' });

    // The admin sees it in the queue and approves it with a lower budget.
    const adminToken = await signInAdmin();
    const queue = await adminApi<{ items: { id: string }[] }>('GET', '/admin/subscriptions?status=PENDING', {
      token: adminToken,
    });
    expect(queue.body.items.map((item) => item.id)).toContain(requested.body.id);
    const approved = await adminApi<SubscriptionResponse>('POST', `/admin/subscriptions/${requested.body.id}/approve`, {
      token: adminToken,
      body: { limits: { monthlyBudgetUsd: '25' } },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('APPROVED');

    // The tenant sees it approved, with that budget and the plan's other limits.
    const seen = await adminApi<{ items: SubscriptionResponse[] }>('GET', `/tenants/${tenant.tenantId}/subscriptions`, {
      token: tenant.token,
    });
    const mine = seen.body.items.find((subscription) => subscription.id === requested.body.id);
    expect(mine?.status).toBe('APPROVED');
    expect(mine?.limits).toMatchObject({ monthlyBudgetUsd: '25', rpm: pro.limits['rpm'] });

    // Revoked by the admin.
    const revoked = await adminApi<SubscriptionResponse>('POST', `/admin/subscriptions/${requested.body.id}/revoke`, {
      token: adminToken,
      body: { reason: 'End of the evaluation' },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('REVOKED');

    // Every step is in the audit log, which verifies.
    const audit = await adminApi<{ items: AuditEventResponse[] }>(
      'GET',
      `/admin/audit?tenantId=${tenant.tenantId}&limit=100`,
      { token: adminToken },
    );
    expect(audit.status).toBe(200);
    const actions = audit.body.items.map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(['user.signup', 'api_key.create', 'subscription.approve', 'subscription.revoke']),
    );
    expect(audit.body.items.filter((event) => event.targetId === requested.body.id).length).toBeGreaterThanOrEqual(3);

    const verify = await adminApi<AuditVerifyResult>('GET', '/admin/audit/verify', { token: adminToken });
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.count).toBeGreaterThan(4);
  });
});
