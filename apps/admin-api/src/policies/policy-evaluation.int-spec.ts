import { randomUUID } from 'node:crypto';
import {
  type DryRunResponse,
  type EffectivePolicyResponse,
  type PolicyActivityResponse,
  type PolicyVersionDetailResponse,
  type PolicyVersionRefResponse,
} from '@gatehouse/contracts';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

interface ErrorBody {
  code: string;
  message: string;
  details?: { field: string; reason: string }[];
}

const GLOBAL = `apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: global
spec:
  access:
    denyModels: { models: [demo-embed] }
`;

function tenantDocument(tenantId: string, access: string, mode = 'enforce'): string {
  return `apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: "tenant:${tenantId}"
mode: ${mode}
spec:
  access:
${access}`;
}

describe('policy evaluation: effective policy, versions and dry-run (admin API)', () => {
  let harness: AdminApiHarness;
  let admin: { id: string; token: string };
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let demoProductId: string;

  beforeAll(async () => {
    harness = await AdminApiHarness.start('policy-evaluation');
    admin = await harness.admin();
    owner = await harness.tenantUser('OWNER');
    viewer = await harness.tenantUser('VIEWER', owner.tenantId);
    stranger = await harness.tenantUser('OWNER');
    demoProductId = (await harness.db.product.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    // The tenant's zone is read by hours rules: 09:30 UTC is 10:30 in Paris in winter.
    await harness.db.tenant.update({ where: { id: owner.tenantId }, data: { timeZone: 'Europe/Paris' } });
    expect((await put('/admin/policies/global', { yaml: GLOBAL })).status).toBe(200);
  });

  afterAll(async () => {
    await harness.close();
  });

  function put(path: string, body: unknown, token = admin.token) {
    return harness.request<PolicyVersionRefResponse & ErrorBody>('PUT', path, { token, body });
  }
  const dryRun = (path: string, body: unknown, token = admin.token) =>
    harness.request<DryRunResponse & ErrorBody>('POST', path, { token, body });

  it('shows the effective policy of a tenant and product: each rule with its document, in the order checked', async () => {
    const own = tenantDocument(owner.tenantId, '    allowModels: { models: [demo-chat], mode: monitor }\n');
    expect((await put(`/tenants/${owner.tenantId}/policy`, { yaml: own }, owner.token)).status).toBe(200);

    const effective = await harness.request<EffectivePolicyResponse>(
      'GET',
      `/tenants/${owner.tenantId}/policy/effective?product=demo`,
      { token: viewer.token },
    );
    expect(effective.status).toBe(200);
    expect(effective.body).toEqual({
      tenantId: owner.tenantId,
      product: 'demo',
      sources: [
        { policy: 'global', version: 1 },
        { policy: `tenant:${owner.tenantId}`, version: 1 },
      ],
      rules: [
        {
          policy: 'global',
          version: 1,
          rule: 'access.denyModels',
          mode: 'enforce',
          settings: { models: ['demo-embed'] },
        },
        {
          policy: `tenant:${owner.tenantId}`,
          version: 1,
          rule: 'access.allowModels',
          mode: 'monitor',
          settings: { models: ['demo-chat'] },
        },
      ],
    });

    // Another tenant's effective policy is not there for this one's members; an unknown parameter is a 400.
    const foreign = await harness.request<ErrorBody>('GET', `/tenants/${stranger.tenantId}/policy/effective`, {
      token: owner.token,
    });
    expect(foreign.status).toBe(404);
    const unknown = await harness.request<ErrorBody>('GET', `/tenants/${owner.tenantId}/policy/effective?x=1`, {
      token: owner.token,
    });
    expect(unknown.status).toBe(400);
  });

  it("answers one version's text, for a diff between versions", async () => {
    const path = `/tenants/${owner.tenantId}/policy`;
    const second = tenantDocument(owner.tenantId, '    denyModels: { models: [demo-chat] }\n');
    expect((await put(path, { yaml: second, message: 'No chat' }, owner.token)).body.version).toBe(2);

    const first = await harness.request<PolicyVersionDetailResponse>('GET', `${path}/versions/1`, {
      token: owner.token,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, mode: 'enforce', message: null });
    expect(first.body.yaml).toContain('allowModels');
    const viaAdmin = await harness.request<PolicyVersionDetailResponse>(
      'GET',
      `/admin/policies/tenant:${owner.tenantId}/versions/2`,
      { token: admin.token },
    );
    expect(viaAdmin.body).toMatchObject({ version: 2, message: 'No chat', yaml: second });
    expect((await harness.request('GET', `${path}/versions/9`, { token: owner.token })).status).toBe(404);
    expect((await harness.request('GET', `${path}/versions/x`, { token: owner.token })).status).toBe(400);
    expect(
      (await harness.request('GET', `/tenants/${stranger.tenantId}/policy/versions/1`, { token: owner.token })).status,
    ).toBe(404);
  });

  it('dry-runs a candidate against given calls: candidate and current decisions side by side, nothing saved', async () => {
    const versions = await harness.db.policyVersion.count();
    const hours = tenantDocument(
      owner.tenantId,
      `    hours: { windows: [{ days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00" }] }
    sourceIps: { ranges: [10.0.0.0/8, "2001:db8::/32"], mode: monitor }
`,
    );
    const result = await dryRun(
      `/tenants/${owner.tenantId}/policy/dry-run`,
      {
        yaml: hours,
        requests: [
          // Monday 2026-12-07 09:30 UTC = 10:30 in Paris: in hours, from the office.
          { model: 'demo-chat', clientIp: '10.1.2.3', at: '2026-12-07T09:30:00Z' },
          // 17:30 UTC = 18:30 in Paris: after hours; from outside (monitored, reported, not refused).
          { model: 'demo-chat', clientIp: '192.0.2.7', at: '2026-12-07T17:30:00Z' },
          // The global deny stands whatever the tenant's document says.
          { model: 'demo-embed', clientIp: '2001:db8::1', at: '2026-12-07T09:30:00Z' },
        ],
      },
      owner.token,
    );
    expect(result.status).toBe(200);
    expect(result.body.valid).toBe(true);
    expect(result.body.requests).toEqual([
      {
        index: 0,
        candidate: { decision: 'allow', policy: null, rule: null, message: null },
        // In force now: version 2 denies demo-chat.
        current: expect.objectContaining({ decision: 'deny', rule: 'access.denyModels' }),
      },
      {
        index: 1,
        candidate: expect.objectContaining({
          decision: 'deny',
          policy: `tenant:${owner.tenantId}`,
          rule: 'access.hours',
          message: expect.stringContaining('mon 18:30, Europe/Paris'),
        }),
        current: expect.objectContaining({ decision: 'deny' }),
      },
      {
        index: 2,
        candidate: expect.objectContaining({ decision: 'deny', policy: 'global', rule: 'access.denyModels' }),
        current: expect.objectContaining({ decision: 'deny', policy: 'global' }),
      },
    ]);
    const monitoredOnly = await dryRun(
      `/tenants/${owner.tenantId}/policy/dry-run`,
      {
        yaml: tenantDocument(owner.tenantId, '    sourceIps: { ranges: [10.0.0.0/8] }\n', 'monitor'),
        requests: [{ model: 'demo-chat', clientIp: '192.0.2.7' }],
      },
      owner.token,
    );
    expect(monitoredOnly.body.requests[0]?.candidate).toMatchObject({ decision: 'monitor', rule: 'access.sourceIps' });
    expect(await harness.db.policyVersion.count()).toBe(versions);
  });

  it('counts what the candidate would do to the calls recorded in a window, per tenant and rule', async () => {
    const day = '2026-12-01';
    const recorded = (model: string, hour: number, errorCode: string | null = null) => ({
      requestId: `dry-run-${randomUUID()}`,
      tenantId: owner.tenantId,
      productId: demoProductId,
      model,
      statusCode: errorCode === null ? 200 : 403,
      errorCode,
      latencyMs: 5,
      createdAt: new Date(`${day}T${String(hour).padStart(2, '0')}:15:00Z`),
    });
    await harness.db.usageEvent.createMany({
      data: [
        recorded('demo-chat', 8), // 09:15 Paris, in hours
        recorded('demo-chat', 19), // 20:15 Paris, after hours
        recorded('demo-chat', 20),
        recorded('demo-embed', 10, 'policy_access_denied'), // refused by the global deny already
        { ...recorded('demo-chat', 19), tenantId: stranger.tenantId }, // another tenant's call
      ],
    });
    const candidate = tenantDocument(
      owner.tenantId,
      `    hours: { windows: [{ days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00" }] }
    sourceIps: { ranges: [10.0.0.0/8] }
`,
    );
    const window = { from: `${day}T00:00:00Z`, to: '2026-12-02T00:00:00Z' };
    const result = await dryRun(`/tenants/${owner.tenantId}/policy/dry-run`, { yaml: candidate, window }, owner.token);
    expect(result.status).toBe(200);
    expect(result.body.window).toMatchObject({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
      evaluated: 4,
      truncated: false,
      notEvaluated: ['access.sourceIps'],
    });
    expect(result.body.window?.byRule).toEqual([
      {
        tenantId: owner.tenantId,
        policy: `tenant:${owner.tenantId}`,
        rule: 'access.hours',
        decision: 'deny',
        count: 2,
        newlyRefused: 2,
        samples: [expect.objectContaining({ model: 'demo-chat' }), expect.objectContaining({ model: 'demo-chat' })],
      },
      {
        tenantId: owner.tenantId,
        policy: 'global',
        rule: 'access.denyModels',
        decision: 'deny',
        count: 1,
        newlyRefused: 0,
        samples: [expect.objectContaining({ model: 'demo-embed', at: '2026-12-01T10:15:00.000Z' })],
      },
    ]);

    // A platform admin's dry-run of the global document sees every tenant's calls.
    const platform = await dryRun('/admin/policies/dry-run', {
      yaml: GLOBAL.replace('[demo-embed]', '[demo-embed, demo-chat]'),
      window,
    });
    const tenants = new Set(platform.body.window?.byRule.map((entry) => entry.tenantId));
    expect(tenants).toEqual(new Set([owner.tenantId, stranger.tenantId]));
    expect(platform.body.window?.evaluated).toBeGreaterThanOrEqual(5);
  });

  it("reads a recorded call's key labels as the key has them now", async () => {
    const created = await harness.request<{ id: string }>('POST', `/tenants/${owner.tenantId}/keys`, {
      token: owner.token,
      body: { name: 'labelled', metadata: { team: 'search' } },
    });
    expect(created.status).toBe(201);
    const at = new Date('2026-11-25T10:00:00Z');
    const base = {
      tenantId: owner.tenantId,
      productId: demoProductId,
      model: 'demo-chat',
      statusCode: 200,
      latencyMs: 5,
    };
    await harness.db.usageEvent.createMany({
      data: [
        { ...base, requestId: `labels-${randomUUID()}`, apiKeyId: created.body.id, createdAt: at },
        { ...base, requestId: `labels-${randomUUID()}`, apiKeyId: null, createdAt: at },
      ],
    });
    const result = await dryRun(
      `/tenants/${owner.tenantId}/policy/dry-run`,
      {
        yaml: tenantDocument(owner.tenantId, '    keyMetadata: { labels: { team: search } }\n'),
        window: { from: '2026-11-25T00:00:00Z', to: '2026-11-26T00:00:00Z' },
      },
      owner.token,
    );
    expect(result.body.window).toMatchObject({ evaluated: 2, notEvaluated: ['access.sourceIps'] });
    expect(result.body.window?.byRule).toEqual([
      expect.objectContaining({ rule: 'access.keyMetadata', decision: 'deny', count: 1, newlyRefused: 1 }),
    ]);
  });

  it('answers an invalid candidate with its problems and a bad request with a 400 naming the field', async () => {
    const invalid = await dryRun(
      `/tenants/${owner.tenantId}/policy/dry-run`,
      {
        yaml: tenantDocument(owner.tenantId, '    denyModels: { models: [demo-chat], severity: high }\n'),
        requests: [{ model: 'demo-chat' }],
      },
      owner.token,
    );
    expect(invalid.status).toBe(200);
    expect(invalid.body).toMatchObject({ valid: false, requests: [], window: null });
    expect(invalid.body.errors).toEqual([
      expect.objectContaining({ field: 'spec.access.denyModels.severity', line: 8 }),
    ]);

    const cases: [string, unknown, string][] = [
      ['an admin call without tenant', { yaml: GLOBAL, requests: [{ model: 'demo-chat' }] }, 'requests[0].tenantId'],
      [
        'an unknown tenant',
        { yaml: GLOBAL, requests: [{ tenantId: randomUUID(), model: 'demo-chat' }] },
        'requests[0].tenantId',
      ],
      [
        'an unknown model',
        { yaml: GLOBAL, requests: [{ tenantId: owner.tenantId, model: 'nope' }] },
        'requests[0].model',
      ],
      [
        'a window backwards',
        { yaml: GLOBAL, window: { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' } },
        'window.to',
      ],
      [
        'a window too long',
        { yaml: GLOBAL, window: { from: '2026-10-01T00:00:00Z', to: '2026-12-01T00:00:00Z' } },
        'window',
      ],
    ];
    for (const [name, body, field] of cases) {
      const response = await dryRun('/admin/policies/dry-run', body);
      expect({ name, status: response.status, field: response.body.details?.[0]?.field }).toEqual({
        name,
        status: 400,
        field,
      });
    }
    // The tenant route evaluates its own tenant's calls only, is not there for other tenants, and is for owners.
    const foreignCall = await dryRun(
      `/tenants/${owner.tenantId}/policy/dry-run`,
      {
        yaml: tenantDocument(owner.tenantId, '    denyModels: { models: [demo-chat] }\n'),
        requests: [{ tenantId: stranger.tenantId, model: 'demo-chat' }],
      },
      owner.token,
    );
    expect(foreignCall.status).toBe(400);
    const foreignRoute = await dryRun(`/tenants/${stranger.tenantId}/policy/dry-run`, { yaml: GLOBAL }, owner.token);
    expect(foreignRoute.status).toBe(404);
    const notOwner = await dryRun(`/tenants/${owner.tenantId}/policy/dry-run`, { yaml: GLOBAL }, viewer.token);
    expect(notOwner.status).toBe(403);
    const notAdmin = await dryRun('/admin/policies/dry-run', { yaml: GLOBAL }, owner.token);
    expect(notAdmin.status).toBe(403);
  });

  it('counts what the access rules refused and reported in a window, per tenant, document and rule', async () => {
    const at = new Date('2026-11-20T12:00:00Z');
    const event = (tenantId: string, policyActions: string[]) => ({
      requestId: `activity-${randomUUID()}`,
      tenantId,
      model: 'demo-chat',
      statusCode: policyActions.some((action) => action.startsWith('block:')) ? 403 : 200,
      latencyMs: 5,
      policyActions,
      createdAt: at,
    });
    const own = `tenant:${owner.tenantId}`;
    await harness.db.usageEvent.createMany({
      data: [
        event(owner.tenantId, [`monitor:access.denyModels@${own}`]),
        event(owner.tenantId, [`monitor:access.denyModels@${own}`, 'monitor:subscription.rpm']),
        event(owner.tenantId, ['block:access.hours@global']),
        event(owner.tenantId, []),
        event(stranger.tenantId, ['block:access.hours@global']),
      ],
    });
    const window = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z';
    const mine = await harness.request<PolicyActivityResponse>(
      'GET',
      `/tenants/${owner.tenantId}/policy/activity?${window}`,
      {
        token: viewer.token,
      },
    );
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-21T00:00:00.000Z',
      items: [
        {
          tenantId: owner.tenantId,
          policy: own,
          rule: 'access.denyModels',
          detail: null,
          decision: 'monitor',
          count: 2,
        },
        { tenantId: owner.tenantId, policy: 'global', rule: 'access.hours', detail: null, decision: 'block', count: 1 },
      ],
    });
    const all = await harness.request<PolicyActivityResponse>('GET', `/admin/policies/activity?${window}`, {
      token: admin.token,
    });
    expect(all.body.items).toHaveLength(3);
    const narrowed = await harness.request<PolicyActivityResponse>(
      'GET',
      `/admin/policies/activity?${window}&tenantId=${stranger.tenantId}`,
      { token: admin.token },
    );
    expect(narrowed.body.items).toEqual([
      {
        tenantId: stranger.tenantId,
        policy: 'global',
        rule: 'access.hours',
        detail: null,
        decision: 'block',
        count: 1,
      },
    ]);
    const foreign = await harness.request(
      'GET',
      `/tenants/${owner.tenantId}/policy/activity?tenantId=${stranger.tenantId}`,
      {
        token: owner.token,
      },
    );
    expect(foreign.status).toBe(400);
    expect((await harness.request('GET', '/admin/policies/activity', { token: owner.token })).status).toBe(403);
  });

  it('counts the content rules’ decisions too: redactions, logs, errors of guardrail services, per rule and tenant', async () => {
    const at = new Date('2026-11-22T12:00:00Z');
    const event = (tenantId: string, policyActions: string[]) => ({
      requestId: `activity-${randomUUID()}`,
      tenantId,
      model: 'demo-chat',
      statusCode: policyActions.some((action) => action.startsWith('block:')) ? 400 : 200,
      latencyMs: 5,
      policyActions,
      createdAt: at,
    });
    const own = `tenant:${owner.tenantId}`;
    await harness.db.usageEvent.createMany({
      data: [
        event(owner.tenantId, [`redact:pii.input.EMAIL@${own}`, `redact:pii.input.PHONE@${own}`]),
        event(owner.tenantId, [`redact:pii.input.EMAIL@${own}`, 'monitor:subscription.rpm']),
        event(owner.tenantId, ['error:injection.external@global', 'block:injection@global']),
        event(owner.tenantId, ['block:injection@global']),
        event(owner.tenantId, [`log:denyList.input@${own}`, 'monitor:validation@global']),
        event(owner.tenantId, ['block:pii.output.CREDIT_CARD@global', 'redact:denyList.output@global']),
        event(stranger.tenantId, [`block:denyList.input@tenant:${stranger.tenantId}`]),
      ],
    });
    const window = 'from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z';
    const mine = await harness.request<PolicyActivityResponse>(
      'GET',
      `/tenants/${owner.tenantId}/policy/activity?${window}`,
      { token: viewer.token },
    );
    expect(mine.status).toBe(200);
    const item = (policy: string, rule: string, detail: string | null, decision: string, count = 1) => ({
      tenantId: owner.tenantId,
      policy,
      rule,
      detail,
      decision,
      count,
    });
    const expected = [
      item(own, 'pii.input', 'EMAIL', 'redact', 2),
      item('global', 'injection', null, 'block', 2),
      item(own, 'pii.input', 'PHONE', 'redact'),
      item('global', 'injection', 'external', 'error'),
      item(own, 'denyList.input', null, 'log'),
      item('global', 'validation', null, 'monitor'),
      item('global', 'pii.output', 'CREDIT_CARD', 'block'),
      item('global', 'denyList.output', null, 'redact'),
    ];
    expect(mine.body.items).toHaveLength(expected.length);
    expect(mine.body.items).toEqual(expect.arrayContaining(expected));
    expect(mine.body.items.slice(0, 2).map((entry) => entry.count)).toEqual([2, 2]);

    const all = await harness.request<PolicyActivityResponse>('GET', `/admin/policies/activity?${window}`, {
      token: admin.token,
    });
    expect(all.body.items).toContainEqual({
      tenantId: stranger.tenantId,
      policy: `tenant:${stranger.tenantId}`,
      rule: 'denyList.input',
      detail: null,
      decision: 'block',
      count: 1,
    });
    expect(all.body.items).toHaveLength(expected.length + 1);
  });
});
