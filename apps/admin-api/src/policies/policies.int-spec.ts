import {
  type AuditVerifyResult,
  type InvalidationMessage,
  type PolicyListResponse,
  type PolicyResponse,
  type PolicyValidationResponse,
  type PolicyVersionRefResponse,
} from '@gatehouse/contracts';
import { eventually } from '@gatehouse/testing';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

interface ErrorBody {
  code: string;
  details?: { field: string; reason: string; line: number | null }[];
}

/** A document of `name` that denies `models` (on line 7). */
function document(name: string, models: string[] = ['demo-embed'], extra = ''): string {
  return `apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: "${name}"
spec:
  access:
    denyModels: { models: [${models.join(', ')}] }
${extra}`;
}

describe('policy documents (admin API)', () => {
  let harness: AdminApiHarness;
  let admin: { id: string; token: string };
  let owner: TestUser;
  let stranger: TestUser;
  let stopRecording: () => Promise<void>;
  const messages: InvalidationMessage[] = [];

  beforeAll(async () => {
    harness = await AdminApiHarness.start('policies');
    admin = await harness.admin();
    owner = await harness.tenantUser('OWNER');
    stranger = await harness.tenantUser('OWNER');
    stopRecording = await harness.recordInvalidations(messages);
  });

  afterAll(async () => {
    await stopRecording();
    await harness.close();
  });

  const put = (name: string, body: unknown, token = admin.token) =>
    harness.request<PolicyVersionRefResponse & ErrorBody>('PUT', `/admin/policies/${name}`, { token, body });
  const read = (name: string) =>
    harness.request<PolicyResponse>('GET', `/admin/policies/${name}`, { token: admin.token });
  const versionCount = () => harness.db.policyVersion.count();
  const auditCount = () => harness.db.auditEvent.count({ where: { targetType: 'policy' } });

  it('publishes the JSON Schema of the documents to platform admins', async () => {
    const schema = await harness.request<{ properties: Record<string, unknown> }>('GET', '/admin/policies/schema', {
      token: admin.token,
    });
    expect(schema.status).toBe(200);
    expect(Object.keys(schema.body.properties)).toEqual(
      expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'mode', 'spec']),
    );
  });

  it('saves every change as a new version, shows the text in force and the history, and announces it', async () => {
    const first = await put('global', { yaml: document('global'), message: 'No embeddings' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ name: 'global', version: 1 });
    expect(await eventually(() => messages.some((m) => m.kind === 'policy' && m.name === 'global'))).toBe(true);
    expect(messages.find((m) => m.kind === 'policy')).toEqual({ kind: 'policy', name: 'global', tenantId: null });

    const monitored = `${document('global', ['demo-embed', 'demo-chat'])}mode: monitor\n`;
    const second = await put('global', { yaml: monitored });
    expect(second.body).toEqual({ name: 'global', version: 2 });

    const shown = await read('global');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ name: 'global', activeVersion: 2, yaml: monitored });
    expect(shown.body.versions).toEqual([
      {
        version: 2,
        createdAt: expect.any(String),
        createdBy: expect.objectContaining({ id: admin.id }),
        message: null,
      },
      {
        version: 1,
        createdAt: expect.any(String),
        createdBy: expect.objectContaining({ id: admin.id }),
        message: 'No embeddings',
      },
    ]);

    const list = await harness.request<PolicyListResponse>('GET', '/admin/policies', { token: admin.token });
    expect(list.body.items).toEqual([
      { name: 'global', activeVersion: 2, mode: 'monitor', updatedAt: expect.any(String) },
    ]);
  });

  it('refuses an invalid document with the YAML path and line of each problem, and changes nothing', async () => {
    const versions = await versionCount();
    const audited = await auditCount();
    const cases: [string, string, { field: string; line: number | null; reason: RegExp }][] = [
      [
        'an unknown field',
        'global',
        { field: 'spec.access.severity', line: 8, reason: /^line 8: Unrecognized key: "severity"/ },
      ],
      ['a wrong type', 'global', { field: 'spec.access.denyModels.models', line: 7, reason: /^line 7: / }],
      [
        'a syntax error',
        'global',
        { field: '', line: 2, reason: /^line 2: Nested mappings are not allowed in compact mappings$/ },
      ],
      [
        'a product that does not exist',
        'product:no-such-product',
        { field: 'metadata.name', line: 4, reason: /^line 4: no product has the slug "no-such-product"/ },
      ],
      [
        'a model that is not in the catalog',
        'global',
        { field: 'spec.access.denyModels.models[1]', line: 7, reason: /"gpt-nope" is not a public model name/ },
      ],
    ];
    const texts: Record<string, string> = {
      'an unknown field': document('global', ['demo-embed'], '    severity: high\n'),
      'a wrong type': document('global').replace('[demo-embed]', '"demo-embed"'),
      'a syntax error': document('global').replace('kind: Policy', 'kind: Policy: twice'),
      'a product that does not exist': document('product:no-such-product'),
      'a model that is not in the catalog': document('global', ['demo-embed', 'gpt-nope']),
    };
    for (const [what, name, problem] of cases) {
      const response = await put(name, { yaml: texts[what] });
      expect({ what, status: response.status, code: response.body.code }).toEqual({
        what,
        status: 400,
        code: 'validation_failed',
      });
      expect(response.body.details).toEqual(
        expect.arrayContaining([
          { field: problem.field, line: problem.line, reason: expect.stringMatching(problem.reason) },
        ]),
      );
    }

    // The name in the path is the document's name.
    const renamed = await put('global', { yaml: document('product:demo') });
    expect(renamed.status).toBe(400);
    expect(renamed.body.details).toEqual([
      { field: 'metadata.name', line: 4, reason: 'line 4: must be "global", the name this document is saved under' },
    ]);

    expect(await versionCount()).toBe(versions);
    expect(await auditCount()).toBe(audited);
    expect((await read('global')).body.activeVersion).toBe(2);
    expect((await read('product:no-such-product')).status).toBe(404);
  });

  it('validates a document, schema and references, without saving it', async () => {
    const versions = await versionCount();
    const validate = (yaml: string) =>
      harness.request<PolicyValidationResponse>('POST', '/admin/policies/validate', {
        token: admin.token,
        body: { yaml },
      });
    expect((await validate(document('product:demo'))).body).toEqual({ valid: true, errors: [] });
    const invalid = await validate(document('tenant:00000000-0000-4000-8000-000000000000', ['nope']));
    expect(invalid.status).toBe(200);
    expect(invalid.body).toEqual({
      valid: false,
      errors: [
        {
          field: 'metadata.name',
          reason: 'no tenant has the id "00000000-0000-4000-8000-000000000000"',
          line: 4,
        },
        {
          field: 'spec.access.denyModels.models[0]',
          reason: '"nope" is not a public model name of the catalog',
          line: 7,
        },
      ],
    });
    expect((await validate('kind: [')).body).toMatchObject({ valid: false, errors: [{ field: '', line: 1 }] });
    expect(await versionCount()).toBe(versions);
  });

  it('refuses a change made against a version that is no longer in force (409), and saves nothing', async () => {
    const name = `tenant:${(await harness.tenantUser('OWNER')).tenantId}`;
    const created = await put(name, { yaml: document(name), expectedVersion: null });
    expect(created.status).toBe(200);
    const again = await put(name, { yaml: document(name, ['demo-chat']), expectedVersion: null });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('policy_version_conflict');
    const stale = await put(name, {
      yaml: document(name, ['demo-chat']),
      expectedVersion: created.body.version - 1 || 99,
    });
    expect(stale.status).toBe(409);
    expect((await read(name)).body.activeVersion).toBe(created.body.version);
    const current = await put(name, { yaml: document(name, ['demo-chat']), expectedVersion: created.body.version });
    expect(current.body).toEqual({ name, version: created.body.version + 1 });
  });

  it('rolls back by making a new version with the old content', async () => {
    messages.length = 0;
    const rolledBack = await harness.request<PolicyVersionRefResponse>('POST', '/admin/policies/global/rollback', {
      token: admin.token,
      body: { version: 1 },
    });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toEqual({ name: 'global', version: 3 });
    const shown = await read('global');
    const versions = await harness.db.policyVersion.findMany({
      where: { policy: { name: 'global' } },
      orderBy: { version: 'asc' },
    });
    expect(shown.body.activeVersion).toBe(3);
    expect(shown.body.yaml).toBe(versions[0]?.yaml);
    expect(versions.map((version) => [version.version, version.mode])).toEqual([
      [1, 'ENFORCE'],
      [2, 'MONITOR'],
      [3, 'ENFORCE'],
    ]);
    expect(shown.body.versions[0]).toMatchObject({ version: 3, message: 'Rollback to version 1' });
    expect(await eventually(() => messages.some((m) => m.kind === 'policy' && m.name === 'global'))).toBe(true);

    const unknownVersion = await harness.request<ErrorBody>('POST', '/admin/policies/global/rollback', {
      token: admin.token,
      body: { version: 99 },
    });
    expect(unknownVersion.status).toBe(404);
    expect(unknownVersion.body.code).toBe('policy_version_not_found');
    const unknownPolicy = await harness.request<ErrorBody>('POST', '/admin/policies/product:demo/rollback', {
      token: admin.token,
      body: { version: 1 },
    });
    expect(unknownPolicy.status).toBe(404);
  });

  it("lets a tenant owner manage their own tenant's document, and no other", async () => {
    messages.length = 0;
    const own = `tenant:${owner.tenantId}`;
    const path = `/tenants/${owner.tenantId}/policy`;
    const saved = await harness.request<PolicyVersionRefResponse>('PUT', path, {
      token: owner.token,
      body: { yaml: document(own), message: 'Ours' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ name: own, version: 1 });
    expect(
      await eventually(() =>
        messages.some((m) => m.kind === 'policy' && m.name === own && m.tenantId === owner.tenantId),
      ),
    ).toBe(true);

    const tightened = await harness.request<PolicyVersionRefResponse>('PUT', path, {
      token: owner.token,
      body: { yaml: document(own, ['demo-embed', 'demo-chat']) },
    });
    expect(tightened.body.version).toBe(2);
    const shown = await harness.request<PolicyResponse>('GET', path, { token: owner.token });
    expect(shown.body).toMatchObject({ name: own, activeVersion: 2, versions: [{ version: 2 }, { version: 1 }] });
    const back = await harness.request<PolicyVersionRefResponse>('POST', `${path}/rollback`, {
      token: owner.token,
      body: { version: 1 },
    });
    expect(back.body).toEqual({ name: own, version: 3 });
    expect((await harness.request<PolicyResponse>('GET', path, { token: owner.token })).body.yaml).toBe(document(own));

    // Another tenant's document, by its name in the body or by its path.
    const other = `tenant:${stranger.tenantId}`;
    const foreign = await harness.request<ErrorBody>('PUT', path, {
      token: owner.token,
      body: { yaml: document(other) },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.details).toEqual([expect.objectContaining({ field: 'metadata.name', line: 4 })]);
    const validated = await harness.request<PolicyValidationResponse>('POST', `${path}/validate`, {
      token: owner.token,
      body: { yaml: document(other) },
    });
    expect(validated.body).toMatchObject({ valid: false, errors: [{ field: 'metadata.name', line: 4 }] });
    for (const [method, suffix] of [
      ['GET', ''],
      ['PUT', ''],
      ['POST', '/validate'],
      ['POST', '/rollback'],
    ] as const) {
      const response = await harness.request<ErrorBody>(method, `/tenants/${stranger.tenantId}/policy${suffix}`, {
        token: owner.token,
        body: method === 'GET' ? undefined : { yaml: document(other), version: 1 },
      });
      expect({ method, suffix, status: response.status, code: response.body.code }).toEqual({
        method,
        suffix,
        status: 404,
        code: 'tenant_not_found',
      });
    }
    expect(await harness.db.policy.count({ where: { name: other } })).toBe(0);

    // A platform admin reaches every tenant's document, through either route.
    const byAdmin = await put(other, { yaml: document(other) });
    expect(byAdmin.body).toEqual({ name: other, version: 1 });
    const viaTenantRoute = await harness.request<PolicyResponse>('GET', `/tenants/${stranger.tenantId}/policy`, {
      token: admin.token,
    });
    expect(viaTenantRoute.body).toMatchObject({ name: other, activeVersion: 1 });
  });

  it('keeps /admin/policies for platform admins', async () => {
    for (const [method, path] of [
      ['GET', '/admin/policies'],
      ['GET', '/admin/policies/schema'],
      ['GET', '/admin/policies/global'],
      ['PUT', '/admin/policies/global'],
      ['POST', '/admin/policies/validate'],
      ['POST', '/admin/policies/global/rollback'],
    ] as const) {
      const response = await harness.request<ErrorBody>(method, path, {
        token: owner.token,
        body: method === 'GET' ? undefined : { yaml: document('global'), version: 1 },
      });
      expect({ method, path, status: response.status, code: response.body.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'admin_only',
      });
    }
  });

  it('records every change in the audit chain, which still verifies', async () => {
    const global = await harness.db.policy.findUniqueOrThrow({ where: { name: 'global' } });
    const events = await harness.db.auditEvent.findMany({
      where: { targetType: 'policy', targetId: global.id },
      orderBy: { seq: 'asc' },
    });
    expect(events.map((event) => [event.action, (event.after as { activeVersion: number }).activeVersion])).toEqual([
      ['policy.publish', 1],
      ['policy.publish', 2],
      ['policy.rollback', 3],
    ]);
    expect(events[2]).toMatchObject({
      actorUserId: admin.id,
      before: { name: 'global', activeVersion: 2 },
      after: { restoredVersion: 1, yaml: document('global') },
    });
    const tenantEvents = await harness.db.auditEvent.count({
      where: { targetType: 'policy', tenantId: owner.tenantId, actorUserId: owner.id },
    });
    expect(tenantEvents).toBe(3);
    const verified = await harness.request<AuditVerifyResult>('GET', '/admin/audit/verify', { token: admin.token });
    expect(verified.body).toMatchObject({ ok: true });
  });
});
