import { type AuditEventResponse, type AuditVerifyResult } from '@gatehouse/contracts';
import { countPostgresQueries } from '@gatehouse/db';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

/** The value, or a test failure naming what was missing. */
function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}

type AuditList = { items: AuditEventResponse[]; nextCursor: string | null };

describe('audit trail', () => {
  let api: AdminApiHarness;
  let admin: { id: string; token: string };
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    api = await AdminApiHarness.start('audit');
    admin = await api.admin();
    const product = await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, include: { plans: true } });
    const proPlanId = must(product.plans.find((plan) => plan.name === 'demo-pro')).id;
    alice = await api.tenantUser('OWNER');
    bob = await api.tenantUser('OWNER');
    // A few audited writes: requests by two tenants, decisions by the admin.
    for (const user of [alice, bob]) {
      const created = await api.request<{ id: string }>('POST', `/tenants/${user.tenantId}/subscriptions`, {
        token: user.token,
        body: { productId: product.id, planId: proPlanId },
      });
      await api.request('POST', `/admin/subscriptions/${created.body.id}/approve`, { token: admin.token, body: {} });
      await api.request('POST', `/admin/subscriptions/${created.body.id}/revoke`, { token: admin.token, body: {} });
    }
  });

  afterAll(async () => {
    await api.close();
  });

  const verify = () => api.request<AuditVerifyResult>('GET', '/admin/audit/verify', { token: admin.token });

  it('lists events newest first with filters and pages', async () => {
    const all = await api.request<AuditList>('GET', '/admin/audit', { token: admin.token });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(6);
    const seqs = all.body.items.map((event) => BigInt(event.seq));
    expect([...seqs].sort((a, b) => (a < b ? 1 : -1))).toEqual(seqs);
    expect(all.body.items[0]).toMatchObject({
      action: 'subscription.revoke',
      actorUserId: admin.id,
      targetType: 'subscription',
      tenantId: bob.tenantId,
      seq: expect.stringMatching(/^\d+$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      before: expect.objectContaining({ status: 'APPROVED' }),
      after: expect.objectContaining({ status: 'REVOKED' }),
    });

    const approvals = await api.request<AuditList>(
      'GET',
      `/admin/audit?action=subscription.approve&tenantId=${alice.tenantId}`,
      { token: admin.token },
    );
    expect(approvals.body.items.map((event) => [event.action, event.tenantId])).toEqual([
      ['subscription.approve', alice.tenantId],
    ]);
    const byActor = await api.request<AuditList>('GET', `/admin/audit?actorUserId=${alice.id}`, { token: admin.token });
    expect(byActor.body.items.map((event) => event.action)).toEqual(['subscription.request']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      (await api.request<AuditList>('GET', `/admin/audit?from=${future}`, { token: admin.token })).body.items,
    ).toEqual([]);
    expect(
      (await api.request<AuditList>('GET', `/admin/audit?to=${future}`, { token: admin.token })).body.items,
    ).toHaveLength(6);

    const first = await api.request<AuditList>('GET', '/admin/audit?limit=4', { token: admin.token });
    expect(first.body.items).toHaveLength(4);
    const second = await api.request<AuditList>('GET', `/admin/audit?limit=4&cursor=${first.body.nextCursor}`, {
      token: admin.token,
    });
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    expect([...first.body.items, ...second.body.items].map((event) => event.id)).toEqual(
      all.body.items.map((e) => e.id),
    );

    expect((await api.request('GET', '/admin/audit?from=yesterday', { token: admin.token })).status).toBe(400);
    expect((await api.request('GET', '/admin/audit', { token: alice.token })).status).toBe(403);
    expect((await api.request('GET', '/admin/audit/verify', { token: alice.token })).status).toBe(403);
  });

  it('names the actor and the tenant of each event, in the same number of queries for any page size', async () => {
    const adminUser = await api.db.user.findUniqueOrThrow({ where: { id: admin.id } });
    const aliceUser = await api.db.user.findUniqueOrThrow({ where: { id: alice.id } });
    const aliceTenant = await api.db.tenant.findUniqueOrThrow({ where: { id: alice.tenantId } });
    const all = await api.request<AuditList>('GET', '/admin/audit', { token: admin.token });
    expect(all.body.items[0]).toMatchObject({
      actorUserId: admin.id,
      actorEmail: adminUser.email,
      actorName: adminUser.name,
      tenantId: bob.tenantId,
      tenantName: (await api.db.tenant.findUniqueOrThrow({ where: { id: bob.tenantId } })).name,
    });
    const request = all.body.items.find((event) => event.actorUserId === alice.id);
    expect(request).toMatchObject({ actorEmail: aliceUser.email, tenantName: aliceTenant.name });
    const mine = await api.request<AuditList>('GET', `/tenants/${alice.tenantId}/audit`, { token: alice.token });
    expect(mine.body.items.every((event) => event.tenantName === aliceTenant.name)).toBe(true);

    const queries = countPostgresQueries();
    try {
      await api.request('GET', '/admin/audit?limit=1', { token: admin.token });
      const forOne = queries.count;
      queries.reset();
      await api.request('GET', '/admin/audit?limit=6', { token: admin.token });
      expect(queries.count).toBe(forOne);
    } finally {
      queries.stop();
    }
  });

  it("shows a tenant owner that tenant's events only", async () => {
    const mine = await api.request<AuditList>('GET', `/tenants/${alice.tenantId}/audit`, { token: alice.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(3);
    expect(mine.body.items.every((event) => event.tenantId === alice.tenantId)).toBe(true);
    expect(mine.body.items.every((event) => event.actorIp === null)).toBe(true);
    const member = await api.tenantUser('MEMBER', alice.tenantId);
    expect((await api.request('GET', `/tenants/${alice.tenantId}/audit`, { token: member.token })).status).toBe(403);
    expect((await api.request('GET', `/tenants/${alice.tenantId}/audit`, { token: bob.token })).status).toBe(404);
  });

  it('verifies an untampered chain', async () => {
    const result = await verify();
    expect(result.status).toBe(200);
    const last = await api.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    expect(result.body).toEqual({ ok: true, count: 6, lastHash: last.hash });
  });

  it('names the first altered event when a row is updated', async () => {
    const events = await api.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    const target = must(events[2]);
    const original = JSON.stringify(target.after);
    await api.db
      .$executeRaw`UPDATE audit_events SET "after" = '{"status":"REJECTED"}'::jsonb WHERE id = ${target.id}::uuid`;
    try {
      const result = await verify();
      expect(result.body).toEqual({
        ok: false,
        count: 3,
        firstBadEvent: {
          seq: target.seq.toString(),
          id: target.id,
          kind: 'altered',
          message: `event ${target.seq} was altered after it was written`,
        },
      });
    } finally {
      await api.db.$executeRaw`UPDATE audit_events SET "after" = ${original}::jsonb WHERE id = ${target.id}::uuid`;
    }
    expect((await verify()).body.ok).toBe(true);
  });

  it('names the event after a deleted one', async () => {
    const events = await api.db.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    const removed = must(events[3]);
    const next = must(events[4]);
    await api.db.$executeRaw`DELETE FROM audit_events WHERE id = ${removed.id}::uuid`;
    try {
      const result = await verify();
      expect(result.body).toMatchObject({
        ok: false,
        firstBadEvent: { seq: next.seq.toString(), id: next.id, kind: 'broken-link' },
      });
    } finally {
      await api.db.auditEvent.create({
        data: {
          ...removed,
          before: removed.before ?? undefined,
          after: removed.after ?? undefined,
        },
      });
    }
    expect((await verify()).body.ok).toBe(true);
  });

  it('names a forged event inserted into the chain', async () => {
    const last = await api.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    const forgedSeq = last.seq + 1000n;
    // A forger who links the row to the chain but cannot produce the hash of its content.
    await api.db.$executeRaw`
      INSERT INTO audit_events (id, seq, actor_user_id, action, target_type, target_id, tenant_id, "after", created_at, prev_hash, hash)
      VALUES (gen_random_uuid(), ${forgedSeq}, ${admin.id}::uuid, 'subscription.approve', 'subscription', 'x', ${alice.tenantId}::uuid,
              '{"status":"APPROVED"}'::jsonb, now(), ${last.hash}, ${'f'.repeat(64)})`;
    try {
      const result = await verify();
      expect(result.body).toMatchObject({
        ok: false,
        count: 7,
        firstBadEvent: { seq: forgedSeq.toString(), kind: 'altered' },
      });
      // And one that is not linked to the chain at all, placed before the forged one.
      await api.db.$executeRaw`
        INSERT INTO audit_events (id, seq, action, target_type, created_at, prev_hash, hash)
        VALUES (gen_random_uuid(), ${forgedSeq - 1n}, 'key.create', 'api_key', now(), ${'0'.repeat(64)}, ${'e'.repeat(64)})`;
      const unlinked = await verify();
      expect(unlinked.body).toMatchObject({
        ok: false,
        firstBadEvent: { seq: (forgedSeq - 1n).toString(), kind: 'broken-link' },
      });
    } finally {
      await api.db.$executeRaw`DELETE FROM audit_events WHERE seq >= ${forgedSeq - 1n}`;
    }
    expect((await verify()).body).toMatchObject({ ok: true, count: 6 });
  });
});
