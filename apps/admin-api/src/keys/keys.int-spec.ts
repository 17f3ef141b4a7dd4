import { type InvalidationMessage } from '@gatehouse/contracts';
import { ApiKeyRepository } from '@gatehouse/db';
import { hashApiKey, isWellFormedApiKey } from '@gatehouse/domain';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

interface Created {
  id: string;
  name: string;
  prefix: string;
  secret: string;
  expiresAt: string | null;
}
interface Rotated extends Created {
  previousSecretValidUntil: string;
}
interface KeyItem {
  id: string;
  name: string;
  prefix: string;
  last4: string;
  mode: string;
  status: string;
  createdBy: { id: string; name: string; email: string } | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  subscriptionIds: string[];
  limits: Record<string, unknown> | null;
  metadata: Record<string, string>;
}
interface KeyList {
  items: KeyItem[];
  nextCursor: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('API keys (admin API)', () => {
  let harness: AdminApiHarness;
  let owner: TestUser;
  let member: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let keys: ApiKeyRepository;
  let stopRecording: (() => Promise<void>) | undefined;
  const messages: InvalidationMessage[] = [];

  beforeAll(async () => {
    harness = await AdminApiHarness.start('keys');
    owner = await harness.tenantUser('OWNER');
    member = await harness.tenantUser('MEMBER', owner.tenantId);
    viewer = await harness.tenantUser('VIEWER', owner.tenantId);
    stranger = await harness.tenantUser('OWNER');
    keys = new ApiKeyRepository(harness.db);

    stopRecording = await harness.recordInvalidations(messages);
  });

  afterAll(async () => {
    await stopRecording?.();
    await harness?.close();
  });

  const base = (tenantId: string) => `/tenants/${tenantId}/keys`;
  const createKey = (user: TestUser, body: Record<string, unknown> = { name: 'ci' }) =>
    harness.request<Created>('POST', base(user.tenantId), { token: user.token, body });

  /** Waits for the invalidation of a key whose hashes include all of `hashes`. */
  async function invalidationFor(apiKeyId: string, hashes: string[]): Promise<InvalidationMessage> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const found = messages.find(
        (message) =>
          message.kind === 'api-key' &&
          message.apiKeyId === apiKeyId &&
          hashes.every((hash) => message.hashes.includes(hash)),
      );
      if (found) return found;
      await sleep(20);
    }
    throw new Error(`no invalidation for ${apiKeyId} with ${hashes.join(', ')}; got ${JSON.stringify(messages)}`);
  }

  async function subscriptionOf(tenantId: string): Promise<string> {
    const plan = await harness.db.plan.findFirstOrThrow({ where: { name: 'demo-free' } });
    const subscription = await harness.db.subscription.create({
      data: { tenantId, productId: plan.productId, planId: plan.id, status: 'APPROVED' },
    });
    return subscription.id;
  }

  it('creates a key and shows its secret once; only the sha256 of it is stored', async () => {
    const created = await createKey(member, { name: 'production' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['expiresAt', 'id', 'name', 'prefix', 'secret']);
    const { id, secret, prefix } = created.body;
    expect(secret).toMatch(/^gh_live_/);
    expect(isWellFormedApiKey(secret)).toBe(true);
    expect(prefix).toBe(secret.slice(0, 12));

    const list = await harness.request<KeyList>('GET', base(owner.tenantId), { token: viewer.token });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.items.find((item) => item.id === id)).toEqual({
      id,
      name: 'production',
      prefix,
      last4: secret.slice(-4),
      mode: 'live',
      status: 'ACTIVE',
      createdBy: { id: member.id, name: expect.any(String), email: member.email },
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: null,
      subscriptionIds: [],
      limits: null,
      metadata: {},
    });

    const rows = await harness.db.$queryRaw<
      Record<string, unknown>[]
    >`SELECT * FROM "api_keys" WHERE "id" = ${id}::uuid`;
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    for (const value of Object.values(row)) {
      expect(value).not.toEqual(secret);
      if (typeof value === 'string') expect(value).not.toContain(secret.slice(12, -4));
    }
    expect(row['hash']).toBe(hashApiKey(secret));
    expect((await keys.findByHash(hashApiKey(secret)))?.id).toBe(id);

    await invalidationFor(id, [hashApiKey(secret)]);

    const audit = await harness.db.auditEvent.findFirstOrThrow({ where: { action: 'api_key.create', targetId: id } });
    expect(audit).toMatchObject({ tenantId: owner.tenantId, actorUserId: member.id, targetType: 'api_key' });
    const recorded = JSON.stringify({ before: audit.before, after: audit.after });
    expect(recorded).toContain(prefix);
    expect(recorded).not.toContain(secret);
    expect(recorded).not.toContain(hashApiKey(secret));
  });

  it('makes test-mode keys and keys that expire', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await createKey(owner, { name: 'staging', mode: 'test', expiresAt });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^gh_test_/);
    expect(created.body.prefix).toMatch(/^gh_test_/);
    expect(created.body.expiresAt).toBe(expiresAt);
  });

  it('refuses an expiry in the past and unknown fields, naming the field', async () => {
    const past = await createKey(owner, { name: 'old', expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'expiresAt' }] });

    const unknown = await createKey(owner, { name: 'x', scopes: ['all'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'validation_failed' });

    const noName = await createKey(owner, {});
    expect(noName.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'name' }] });
  });

  it("scopes a key to the tenant's subscriptions and refuses another tenant's", async () => {
    const own = await subscriptionOf(owner.tenantId);
    const foreign = await subscriptionOf(stranger.tenantId);

    const refused = await createKey(owner, { name: 'sneaky', subscriptionIds: [own, foreign] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'subscriptionIds.1' }] });
    expect(await harness.db.apiKey.count({ where: { name: 'sneaky' } })).toBe(0);

    const scoped = await createKey(owner, { name: 'scoped', subscriptionIds: [own] });
    expect(scoped.status).toBe(201);
    const list = await harness.request<KeyList>('GET', base(owner.tenantId), { token: owner.token });
    expect(list.body.items.find((item) => item.id === scoped.body.id)?.subscriptionIds).toEqual([own]);
  });

  it('narrows a key with limits of the same names: stored on the key, shown in the list, not in the create answer', async () => {
    const created = await createKey(member, {
      name: 'narrow',
      limits: {
        rpm: 10,
        tpmBurst: 500,
        monthlyTokens: 9_000_000_000,
        monthlyBudgetUsd: '12.50',
        allowedModels: ['demo-chat', 'demo-chat'],
        concurrency: null,
      },
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['expiresAt', 'id', 'name', 'prefix', 'secret']);
    const stored = {
      rpm: 10,
      tpmBurst: 500,
      monthlyTokens: 9_000_000_000,
      monthlyBudgetUsd: '12.5',
      allowedModels: ['demo-chat'],
    };
    const row = await harness.db.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.limits).toEqual(stored);
    const list = await harness.request<KeyList>('GET', base(owner.tenantId), { token: viewer.token });
    expect(list.body.items.find((item) => item.id === created.body.id)?.limits).toEqual(stored);
    const audit = await harness.db.auditEvent.findFirstOrThrow({
      where: { action: 'api_key.create', targetId: created.body.id },
    });
    expect(audit.after).toMatchObject({ limits: stored });

    // Every name null, or an empty object, narrows nothing.
    const none = await createKey(member, { name: 'not-narrow', limits: { rpm: null } });
    expect(none.status).toBe(201);
    expect((await harness.db.apiKey.findUniqueOrThrow({ where: { id: none.body.id } })).limits).toBeNull();
  });

  it('refuses a narrowing that is not positive, unknown names and an empty model list, naming the field', async () => {
    const refused = await createKey(member, {
      name: 'bad-narrow',
      limits: { rpm: 0, rpmBurst: -1, tpm: 1.5, monthlyBudgetUsd: '0.00', allowedModels: [] },
    });
    expect(refused.status).toBe(400);
    const fields = (refused.body as unknown as { details: { field: string }[] }).details.map((detail) => detail.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'limits.rpm',
        'limits.rpmBurst',
        'limits.tpm',
        'limits.monthlyBudgetUsd',
        'limits.allowedModels',
      ]),
    );
    const unknown = await createKey(member, { name: 'bad-narrow', limits: { tokensPerDay: 5 } });
    expect(unknown.status).toBe(400);
    const float = await createKey(member, { name: 'bad-narrow', limits: { monthlyBudgetUsd: 12.5000001 } });
    expect(float.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'limits.monthlyBudgetUsd' }] });
    expect(await harness.db.apiKey.count({ where: { name: 'bad-narrow' } })).toBe(0);
  });

  describe('metadata labels', () => {
    const patch = (user: TestUser, keyId: string, body: unknown, tenantId = user.tenantId) =>
      harness.request<KeyItem>('PATCH', `${base(tenantId)}/${keyId}`, { token: user.token, body });
    const listed = async (user: TestUser, keyId: string) =>
      (await harness.request<KeyList>('GET', base(user.tenantId), { token: user.token })).body.items.find(
        (item) => item.id === keyId,
      );
    const fieldsOf = (body: unknown) => (body as { details?: { field: string }[] }).details?.map((d) => d.field);

    it('creates a key with labels: stored, listed by name, audited; the create answer keeps its shape', async () => {
      const created = await createKey(member, {
        name: 'labelled',
        metadata: { team: 'search', 'cost.centre': 'cc-42' },
      });
      expect(created.status).toBe(201);
      expect(Object.keys(created.body).sort()).toEqual(['expiresAt', 'id', 'name', 'prefix', 'secret']);
      const labels = { 'cost.centre': 'cc-42', team: 'search' };
      expect((await harness.db.apiKey.findUniqueOrThrow({ where: { id: created.body.id } })).metadata).toEqual(labels);
      const item = await listed(viewer, created.body.id);
      expect(item?.metadata).toEqual(labels);
      expect(Object.keys(item?.metadata ?? {})).toEqual(['cost.centre', 'team']);
      const audit = await harness.db.auditEvent.findFirstOrThrow({
        where: { action: 'api_key.create', targetId: created.body.id },
      });
      expect(audit.after).toMatchObject({ metadata: labels });
    });

    it('replaces the labels with PATCH: audited, announced with the key hashes, shown in the answer and the list', async () => {
      const { id, secret } = (await createKey(member, { name: 'relabelled', metadata: { team: 'ads' } })).body;
      const updated = await patch(member, id, { metadata: { team: 'search', env: 'prod' } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        id,
        name: 'relabelled',
        status: 'ACTIVE',
        metadata: { env: 'prod', team: 'search' },
      });
      expect(JSON.stringify(updated.body)).not.toContain(secret);
      expect((await listed(owner, id))?.metadata).toEqual({ env: 'prod', team: 'search' });
      const message = await invalidationFor(id, [hashApiKey(secret)]);
      expect(message).toMatchObject({ kind: 'api-key', tenantId: owner.tenantId });

      const audit = await harness.db.auditEvent.findFirstOrThrow({ where: { action: 'api_key.update', targetId: id } });
      expect(audit).toMatchObject({
        tenantId: owner.tenantId,
        actorUserId: member.id,
        targetType: 'api_key',
        before: { metadata: { team: 'ads' } },
        after: { metadata: { env: 'prod', team: 'search' } },
      });
      expect(JSON.stringify({ before: audit.before, after: audit.after })).not.toContain(hashApiKey(secret));

      // The same labels again change nothing; an empty object removes them all.
      expect((await patch(owner, id, { metadata: { env: 'prod', team: 'search' } })).status).toBe(200);
      expect(await harness.db.auditEvent.count({ where: { action: 'api_key.update', targetId: id } })).toBe(1);
      const cleared = await patch(owner, id, { metadata: {} });
      expect(cleared.body.metadata).toEqual({});
      expect((await harness.db.apiKey.findUniqueOrThrow({ where: { id } })).metadata).toEqual({});
      expect(await harness.db.auditEvent.count({ where: { action: 'api_key.update', targetId: id } })).toBe(2);
    });

    it('during a rotation grace period, announces both secrets so that neither keeps the old labels', async () => {
      const { id, secret: oldSecret } = (await createKey(member, { name: 'rotated-labels' })).body;
      const rotated = await harness.request<Rotated>('POST', `${base(owner.tenantId)}/${id}/rotate`, {
        token: member.token,
        body: { gracePeriodSeconds: 600 },
      });
      // The rotation announced the same two hashes: wait for its message, then look only at what follows.
      await invalidationFor(id, [hashApiKey(oldSecret), hashApiKey(rotated.body.secret)]);
      messages.length = 0;
      expect((await patch(member, id, { metadata: { team: 'search' } })).status).toBe(200);
      await invalidationFor(id, [hashApiKey(oldSecret), hashApiKey(rotated.body.secret)]);
    });

    it('refuses bad labels with 400 naming the field, on create and on PATCH, and changes nothing', async () => {
      const { id } = (await createKey(member, { name: 'kept-labels', metadata: { team: 'ads' } })).body;
      const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`label${i}`, 'v']));
      const cases: [unknown, string][] = [
        [{ Team: 'search' }, 'metadata.Team'],
        [{ '1team': 'search' }, 'metadata.1team'],
        [{ ['a'.repeat(64)]: 'x' }, `metadata.${'a'.repeat(64)}`],
        [tooMany, 'metadata'],
        [{ team: 'sea\u0000rch' }, 'metadata.team'],
        [{ team: 'sea\u0007rch' }, 'metadata.team'],
        [{ team: '' }, 'metadata.team'],
        [{ team: 'x'.repeat(257) }, 'metadata.team'],
        [{ team: 5 }, 'metadata.team'],
        [['team'], 'metadata'],
        [null, 'metadata'],
      ];
      for (const [metadata, field] of cases) {
        const onCreate = await createKey(member, { name: 'bad-labels', metadata });
        expect({ metadata, status: onCreate.status, body: onCreate.body }).toMatchObject({
          status: 400,
          body: { code: 'validation_failed' },
        });
        expect(fieldsOf(onCreate.body)).toContain(field);
        const onPatch = await patch(member, id, { metadata });
        expect({ metadata, status: onPatch.status, code: (onPatch.body as { code?: string }).code }).toEqual({
          metadata,
          status: 400,
          code: 'validation_failed',
        });
        expect(fieldsOf(onPatch.body)).toContain(field);
      }
      const missing = await patch(member, id, {});
      expect(missing.status).toBe(400);
      expect(fieldsOf(missing.body)).toEqual(['metadata']);
      const unknown = await patch(member, id, { metadata: {}, name: 'renamed' });
      expect(unknown.status).toBe(400);

      expect(await harness.db.apiKey.count({ where: { name: 'bad-labels' } })).toBe(0);
      expect((await harness.db.apiKey.findUniqueOrThrow({ where: { id } })).metadata).toEqual({ team: 'ads' });
      expect(await harness.db.auditEvent.count({ where: { action: 'api_key.update', targetId: id } })).toBe(0);
    });

    it('keeps labels within their tenant: another tenant can neither read nor change them; viewers only read', async () => {
      const { id } = (await createKey(owner, { name: 'private-labels', metadata: { team: 'search' } })).body;
      // Through the stranger's own tenant: no such key there.
      const viaOwnTenant = await patch(stranger, id, { metadata: { team: 'ads' } });
      expect(viaOwnTenant.status).toBe(404);
      expect(viaOwnTenant.body).toMatchObject({ code: 'api_key_not_found' });
      expect(await listed(stranger, id)).toBeUndefined();
      // Through the owner's tenant, which the stranger is not a member of.
      const viaTheirTenant = await patch(stranger, id, { metadata: { team: 'ads' } }, owner.tenantId);
      expect(viaTheirTenant.status).toBe(404);
      expect(viaTheirTenant.body).toMatchObject({ code: 'tenant_not_found' });
      const strangerList = await harness.request('GET', base(owner.tenantId), { token: stranger.token });
      expect(strangerList.status).toBe(404);
      expect(JSON.stringify(strangerList.body)).not.toContain('search');

      const byViewer = await patch(viewer, id, { metadata: { team: 'ads' } });
      expect(byViewer.status).toBe(403);
      expect((await listed(viewer, id))?.metadata).toEqual({ team: 'search' });
      expect((await patch(owner, 'not-a-uuid', { metadata: {} })).status).toBe(404);
      expect((await harness.db.apiKey.findUniqueOrThrow({ where: { id } })).metadata).toEqual({ team: 'search' });
    });

    it('refuses to relabel a revoked key', async () => {
      const { id } = (await createKey(member, { name: 'revoked-labels' })).body;
      expect((await harness.request('DELETE', `${base(owner.tenantId)}/${id}`, { token: member.token })).status).toBe(
        204,
      );
      const refused = await patch(member, id, { metadata: { team: 'search' } });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'api_key_revoked' });
    });
  });

  it('rotates: old and new secrets both work during the grace period, only the new one after', async () => {
    const { id, secret: oldSecret } = (await createKey(member, { name: 'rotating' })).body;
    const rotated = await harness.request<Rotated>('POST', `${base(owner.tenantId)}/${id}/rotate`, {
      token: member.token,
      body: { gracePeriodSeconds: 1 },
    });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret;
    expect(rotated.body).toMatchObject({ id, name: 'rotating', prefix: newSecret.slice(0, 12), expiresAt: null });
    expect(isWellFormedApiKey(newSecret)).toBe(true);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.previousSecretValidUntil)).toBeGreaterThan(Date.now());

    expect((await keys.findByHash(hashApiKey(newSecret)))?.id).toBe(id);
    expect((await keys.findByHash(hashApiKey(oldSecret)))?.id).toBe(id);
    await invalidationFor(id, [hashApiKey(oldSecret), hashApiKey(newSecret)]);

    await sleep(1100);
    expect(await keys.findByHash(hashApiKey(oldSecret))).toBeNull();
    expect((await keys.findByHash(hashApiKey(newSecret)))?.id).toBe(id);

    const list = await harness.request<KeyList>('GET', base(owner.tenantId), { token: owner.token });
    expect(list.body.items.find((item) => item.id === id)).toMatchObject({ prefix: newSecret.slice(0, 12) });
    expect(JSON.stringify(list.body)).not.toContain(newSecret);
    expect(await harness.db.auditEvent.count({ where: { action: 'api_key.rotate', targetId: id } })).toBe(1);
  });

  it('rotates with no grace period (the old secret stops at once) and with the default one', async () => {
    const { id, secret: first } = (await createKey(owner, { name: 'no-grace' })).body;
    const second = await harness.request<Rotated>('POST', `${base(owner.tenantId)}/${id}/rotate`, {
      token: owner.token,
      body: { gracePeriodSeconds: 0 },
    });
    expect(second.status).toBe(200);
    expect(await keys.findByHash(hashApiKey(first))).toBeNull();

    const third = await harness.request<Rotated>('POST', `${base(owner.tenantId)}/${id}/rotate`, {
      token: owner.token,
    });
    expect(third.status).toBe(200);
    const grace = Date.parse(third.body.previousSecretValidUntil) - Date.now();
    expect(grace).toBeGreaterThan(3500_000);
    expect(grace).toBeLessThanOrEqual(3600_000);
    expect((await keys.findByHash(hashApiKey(second.body.secret)))?.id).toBe(id);

    const tooLong = await harness.request('POST', `${base(owner.tenantId)}/${id}/rotate`, {
      token: owner.token,
      body: { gracePeriodSeconds: 8 * 24 * 3600 },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'gracePeriodSeconds' }] });
  });

  it('revokes: 204, the key and its previous secret stop, a revoked key cannot be rotated', async () => {
    const { id, secret: oldSecret } = (await createKey(member, { name: 'doomed' })).body;
    const rotated = await harness.request<Rotated>('POST', `${base(owner.tenantId)}/${id}/rotate`, {
      token: member.token,
      body: { gracePeriodSeconds: 3600 },
    });
    const newSecret = rotated.body.secret;

    const revoked = await harness.request('DELETE', `${base(owner.tenantId)}/${id}`, { token: member.token });
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBeUndefined();

    expect((await keys.findByHash(hashApiKey(newSecret)))?.status).toBe('REVOKED');
    expect(await keys.findByHash(hashApiKey(oldSecret))).toBeNull();
    const message = await invalidationFor(id, [hashApiKey(oldSecret), hashApiKey(newSecret)]);
    expect(message).toMatchObject({ kind: 'api-key', tenantId: owner.tenantId });

    const list = await harness.request<KeyList>('GET', base(owner.tenantId), { token: owner.token });
    expect(list.body.items.find((item) => item.id === id)?.status).toBe('REVOKED');

    const rotateRevoked = await harness.request('POST', `${base(owner.tenantId)}/${id}/rotate`, {
      token: member.token,
      body: {},
    });
    expect(rotateRevoked.status).toBe(409);
    expect(rotateRevoked.body).toMatchObject({ code: 'api_key_revoked' });

    // DELETE is idempotent, and records the revocation once.
    expect((await harness.request('DELETE', `${base(owner.tenantId)}/${id}`, { token: member.token })).status).toBe(
      204,
    );
    expect(await harness.db.auditEvent.count({ where: { action: 'api_key.revoke', targetId: id } })).toBe(1);
  });

  it("answers 404 for another tenant's key, whatever the verb", async () => {
    const theirs = (await createKey(stranger, { name: 'theirs' })).body;
    for (const [method, path] of [
      ['POST', `${base(owner.tenantId)}/${theirs.id}/rotate`],
      ['DELETE', `${base(owner.tenantId)}/${theirs.id}`],
      ['DELETE', `${base(owner.tenantId)}/not-a-uuid`],
    ] as const) {
      const response = await harness.request(method, path, { token: owner.token, body: {} });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'api_key_not_found' });
    }
    expect((await keys.findByHash(hashApiKey(theirs.secret)))?.status).toBe('ACTIVE');
    const list = await harness.request<KeyList>('GET', base(owner.tenantId), { token: owner.token });
    expect(list.body.items.map((item) => item.id)).not.toContain(theirs.id);
  });

  it('lets viewers read but not write, and hides the tenant from non-members', async () => {
    const viewerCreate = await createKey(viewer, { name: 'nope' });
    expect(viewerCreate.status).toBe(403);
    expect(viewerCreate.body).toMatchObject({ code: 'insufficient_role' });

    const someKey = (await createKey(owner, { name: 'for-viewer' })).body;
    for (const [method, path] of [
      ['POST', `${base(owner.tenantId)}/${someKey.id}/rotate`],
      ['DELETE', `${base(owner.tenantId)}/${someKey.id}`],
    ] as const) {
      expect((await harness.request(method, path, { token: viewer.token, body: {} })).status).toBe(403);
    }

    const strangerList = await harness.request('GET', base(owner.tenantId), { token: stranger.token });
    expect(strangerList.status).toBe(404);
    const strangerCreate = await createKey({ ...stranger, tenantId: owner.tenantId }, { name: 'x' });
    expect(strangerCreate.status).toBe(404);

    expect((await harness.request('GET', base(owner.tenantId))).status).toBe(401);

    const admin = await harness.admin();
    expect((await harness.request('GET', base(owner.tenantId), { token: admin.token })).status).toBe(200);
  });

  it('pages the list with a cursor, newest first', async () => {
    const tenant = await harness.tenantUser('OWNER');
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await createKey(tenant, { name })).body.id);

    const first = await harness.request<KeyList>('GET', `${base(tenant.tenantId)}?limit=2`, { token: tenant.token });
    expect(first.body.items.map((item) => item.name)).toEqual(['c', 'b']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await harness.request<KeyList>(
      'GET',
      `${base(tenant.tenantId)}?limit=2&cursor=${first.body.nextCursor}`,
      { token: tenant.token },
    );
    expect(second.body).toEqual({ items: [expect.objectContaining({ name: 'a' })], nextCursor: null });

    const badCursor = await harness.request('GET', `${base(tenant.tenantId)}?cursor=nope`, { token: tenant.token });
    expect(badCursor.status).toBe(400);
  });
});
