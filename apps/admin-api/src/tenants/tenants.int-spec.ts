import { type InvalidationMessage } from '@gatehouse/contracts';
import { randomBytes } from 'node:crypto';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';
import { hashInvitationToken } from './invitation-tokens';

interface Member {
  userId: string;
  email: string;
  name: string;
  role: string;
  joinedAt: string;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface CreatedInvitation {
  id: string;
  email: string;
  role: string;
  expiresAt: string;
  token: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tenants, members and invitations (admin API)', () => {
  let harness: AdminApiHarness;
  let owner: TestUser;
  let member: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let stopRecording: (() => Promise<void>) | undefined;
  const messages: InvalidationMessage[] = [];

  beforeAll(async () => {
    harness = await AdminApiHarness.start('tenants');
    owner = await harness.tenantUser('OWNER');
    member = await harness.tenantUser('MEMBER', owner.tenantId);
    viewer = await harness.tenantUser('VIEWER', owner.tenantId);
    stranger = await harness.tenantUser('OWNER');
    stopRecording = await harness.recordInvalidations(messages);
  });

  afterAll(async () => {
    await stopRecording?.();
    await harness?.close();
  });

  /** A signed-in user with this email and no membership yet. */
  async function userWithEmail(email: string): Promise<{ id: string; token: string }> {
    const user = await harness.db.user.create({
      data: { email, name: 'Invitee', passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$unusable$unusable' },
      select: { id: true },
    });
    return { id: user.id, token: await harness.sessionFor(user.id) };
  }

  const uniqueEmail = (label: string) => `${label.toLowerCase()}-${randomBytes(4).toString('hex')}@example.com`;

  describe('the tenant', () => {
    it("shows a member the tenant with the caller's role; non-members get 404", async () => {
      const asViewer = await harness.request('GET', `/tenants/${owner.tenantId}`, { token: viewer.token });
      expect(asViewer.status).toBe(200);
      expect(asViewer.body).toEqual({
        id: owner.tenantId,
        name: expect.any(String),
        timeZone: 'UTC',
        monthlyBudgetUsd: null,
        createdAt: expect.any(String),
        status: 'ACTIVE',
        role: 'VIEWER',
      });

      const asStranger = await harness.request('GET', `/tenants/${owner.tenantId}`, { token: stranger.token });
      expect(asStranger.status).toBe(404);
      expect(asStranger.body).toMatchObject({ code: 'tenant_not_found' });

      const admin = await harness.admin();
      const asAdmin = await harness.request('GET', `/tenants/${owner.tenantId}`, { token: admin.token });
      expect(asAdmin.body).toMatchObject({ role: 'OWNER' });
    });

    it('lets an owner rename it and set its time zone (canonical IANA name), and audits it', async () => {
      const updated = await harness.request('PATCH', `/tenants/${owner.tenantId}`, {
        token: owner.token,
        body: { name: 'Acme', timeZone: 'europe/paris' },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ name: 'Acme', timeZone: 'Europe/Paris', role: 'OWNER' });

      const audit = await harness.db.auditEvent.findFirstOrThrow({
        where: { action: 'tenant.update', targetId: owner.tenantId },
      });
      expect(audit.after).toEqual({ name: 'Acme', timeZone: 'Europe/Paris' });

      for (let attempt = 0; attempt < 50 && messages.length === 0; attempt++) await sleep(20);
      expect(messages).toContainEqual({ kind: 'tenant', tenantId: owner.tenantId });
    });

    it('refuses an unknown time zone, an empty change and non-owners', async () => {
      const badZone = await harness.request('PATCH', `/tenants/${owner.tenantId}`, {
        token: owner.token,
        body: { timeZone: 'Mars/Olympus_Mons' },
      });
      expect(badZone.status).toBe(400);
      expect(badZone.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'timeZone' }] });

      const empty = await harness.request('PATCH', `/tenants/${owner.tenantId}`, { token: owner.token, body: {} });
      expect(empty.status).toBe(400);

      const asMember = await harness.request('PATCH', `/tenants/${owner.tenantId}`, {
        token: member.token,
        body: { name: 'Mine now' },
      });
      expect(asMember.status).toBe(403);
      expect(asMember.body).toMatchObject({ code: 'insufficient_role' });
    });
  });

  describe('members', () => {
    it('lists members with their roles, in the order they joined', async () => {
      const list = await harness.request<Page<Member>>('GET', `/tenants/${owner.tenantId}/members`, {
        token: viewer.token,
      });
      expect(list.status).toBe(200);
      expect(list.body.items.slice(0, 3)).toEqual([
        { userId: owner.id, email: owner.email, name: expect.any(String), role: 'OWNER', joinedAt: expect.any(String) },
        expect.objectContaining({ userId: member.id, role: 'MEMBER' }),
        expect.objectContaining({ userId: viewer.id, role: 'VIEWER' }),
      ]);
      const firstPage = await harness.request<Page<Member>>('GET', `/tenants/${owner.tenantId}/members?limit=1`, {
        token: viewer.token,
      });
      expect(firstPage.body.items).toHaveLength(1);
      expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    });

    it('keeps the last owner: no demotion, no removal (409 last_owner)', async () => {
      const tenant = await harness.tenantUser('OWNER');
      const demote = await harness.request('PATCH', `/tenants/${tenant.tenantId}/members/${tenant.id}`, {
        token: tenant.token,
        body: { role: 'MEMBER' },
      });
      expect(demote.status).toBe(409);
      expect(demote.body).toMatchObject({ code: 'last_owner' });
      const remove = await harness.request('DELETE', `/tenants/${tenant.tenantId}/members/${tenant.id}`, {
        token: tenant.token,
      });
      expect(remove.status).toBe(409);
      expect(remove.body).toMatchObject({ code: 'last_owner' });

      // With a second owner, the first may step down.
      const second = await harness.tenantUser('MEMBER', tenant.tenantId);
      const promote = await harness.request('PATCH', `/tenants/${tenant.tenantId}/members/${second.id}`, {
        token: tenant.token,
        body: { role: 'OWNER' },
      });
      expect(promote.status).toBe(200);
      expect(promote.body).toMatchObject({ userId: second.id, role: 'OWNER' });
      const stepDown = await harness.request('PATCH', `/tenants/${tenant.tenantId}/members/${tenant.id}`, {
        token: tenant.token,
        body: { role: 'VIEWER' },
      });
      expect(stepDown.status).toBe(200);
      // Now `second` is the last owner.
      const removeLast = await harness.request('DELETE', `/tenants/${tenant.tenantId}/members/${second.id}`, {
        token: second.token,
      });
      expect(removeLast.body).toMatchObject({ code: 'last_owner' });
    });

    it('never leaves a tenant ownerless under concurrent demotions', async () => {
      const tenant = await harness.tenantUser('OWNER');
      const second = await harness.tenantUser('OWNER', tenant.tenantId);
      const results = await Promise.all(
        [tenant, second].map((user) =>
          harness.request('PATCH', `/tenants/${tenant.tenantId}/members/${user.id}`, {
            token: tenant.token,
            body: { role: 'MEMBER' },
          }),
        ),
      );
      // One demotion wins. The other is refused either by the last-owner check (409) or, when the caller's own
      // demotion committed before its request was authorised, because the caller is no longer an owner (403).
      const [winner, loser] = results.map((result) => result.status).sort();
      expect(winner).toBe(200);
      expect([403, 409]).toContain(loser);
      expect(await harness.db.membership.count({ where: { tenantId: tenant.tenantId, role: 'OWNER' } })).toBe(1);
    });

    it('changes roles and removes members (owners only), audited; unknown users are 404', async () => {
      const extra = await harness.tenantUser('MEMBER', owner.tenantId);
      const asMember = await harness.request('PATCH', `/tenants/${owner.tenantId}/members/${extra.id}`, {
        token: member.token,
        body: { role: 'VIEWER' },
      });
      expect(asMember.status).toBe(403);

      const changed = await harness.request('PATCH', `/tenants/${owner.tenantId}/members/${extra.id}`, {
        token: owner.token,
        body: { role: 'VIEWER' },
      });
      expect(changed.body).toMatchObject({ role: 'VIEWER' });
      const removed = await harness.request('DELETE', `/tenants/${owner.tenantId}/members/${extra.id}`, {
        token: owner.token,
      });
      expect(removed.status).toBe(204);
      expect(await harness.db.membership.count({ where: { tenantId: owner.tenantId, userId: extra.id } })).toBe(0);
      // Their session no longer opens this tenant.
      expect((await harness.request('GET', `/tenants/${owner.tenantId}`, { token: extra.token })).status).toBe(404);

      expect(
        await harness.db.auditEvent.count({ where: { action: 'membership.update', tenantId: owner.tenantId } }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        await harness.db.auditEvent.count({ where: { action: 'membership.delete', tenantId: owner.tenantId } }),
      ).toBe(1);

      for (const userId of [stranger.id, 'not-a-uuid']) {
        const missing = await harness.request('DELETE', `/tenants/${owner.tenantId}/members/${userId}`, {
          token: owner.token,
        });
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({ code: 'member_not_found' });
      }
    });
  });

  describe('invitations', () => {
    const invite = (email: string, role = 'MEMBER', user: TestUser = owner) =>
      harness.request<CreatedInvitation>('POST', `/tenants/${user.tenantId}/invitations`, {
        token: user.token,
        body: { email, role },
      });

    it('invites by email (token shown once, stored as sha256), and the invitee joins with the role', async () => {
      const email = uniqueEmail('Invitee');
      const created = await invite(email.toUpperCase(), 'VIEWER');
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        email,
        role: 'VIEWER',
        expiresAt: expect.any(String),
        token: expect.any(String),
      });
      const { token, id } = created.body;
      const row = await harness.db.invitation.findUniqueOrThrow({ where: { id }, omit: { tokenHash: false } });
      expect(row.tokenHash).toBe(hashInvitationToken(token));
      expect(JSON.stringify(row)).not.toContain(token);

      const pending = await harness.request<Page<{ id: string }>>('GET', `/tenants/${owner.tenantId}/invitations`, {
        token: owner.token,
      });
      expect(pending.body.items.map((item) => item.id)).toContain(id);
      expect(JSON.stringify(pending.body)).not.toContain(token);

      // Someone else cannot use it, even signed in.
      const mismatch = await harness.request('POST', '/invitations/accept', { token: member.token, body: { token } });
      expect(mismatch.status).toBe(403);
      expect(mismatch.body).toMatchObject({ code: 'invitation_email_mismatch' });

      // The invitee already belongs to another tenant: users can belong to several.
      const invitee = await harness.tenantUser('OWNER');
      await harness.db.user.update({ where: { id: invitee.id }, data: { email } });
      const accepted = await harness.request('POST', '/invitations/accept', { token: invitee.token, body: { token } });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ tenantId: owner.tenantId, tenantName: expect.any(String), role: 'VIEWER' });
      expect((await harness.request('GET', `/tenants/${owner.tenantId}`, { token: invitee.token })).body).toMatchObject(
        { role: 'VIEWER' },
      );
      expect(
        (await harness.request('GET', `/tenants/${invitee.tenantId}`, { token: invitee.token })).body,
      ).toMatchObject({ role: 'OWNER' });

      const again = await harness.request('POST', '/invitations/accept', { token: invitee.token, body: { token } });
      expect(again.status).toBe(410);
      expect(again.body).toMatchObject({ code: 'invitation_used' });

      const afterAccept = await harness.request<Page<{ id: string }>>('GET', `/tenants/${owner.tenantId}/invitations`, {
        token: owner.token,
      });
      expect(afterAccept.body.items.map((item) => item.id)).not.toContain(id);
      for (const action of ['invitation.create', 'invitation.accept']) {
        expect(await harness.db.auditEvent.count({ where: { action, targetId: id } })).toBe(1);
      }
    });

    it('refuses unknown and expired tokens, and inviting a current member', async () => {
      const unknown = await harness.request('POST', '/invitations/accept', {
        token: member.token,
        body: { token: 'no-such-token' },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'invitation_not_found' });

      const email = uniqueEmail('late');
      const created = await invite(email);
      await harness.db.invitation.update({
        where: { id: created.body.id },
        data: { expiresAt: new Date(Date.now() - 1) },
      });
      const invitee = await userWithEmail(email);
      const expired = await harness.request('POST', '/invitations/accept', {
        token: invitee.token,
        body: { token: created.body.token },
      });
      expect(expired.status).toBe(410);
      expect(expired.body).toMatchObject({ code: 'invitation_expired' });

      const existing = await invite(member.email);
      expect(existing.status).toBe(409);
      expect(existing.body).toMatchObject({ code: 'already_member' });

      const anonymous = await harness.request('POST', '/invitations/accept', { body: { token: created.body.token } });
      expect(anonymous.status).toBe(401);
    });

    it('withdraws invitations; a new invitation to the same address replaces the pending one', async () => {
      const email = uniqueEmail('twice');
      const first = await invite(email);
      const second = await invite(email, 'OWNER');
      const invitee = await userWithEmail(email);
      const stale = await harness.request('POST', '/invitations/accept', {
        token: invitee.token,
        body: { token: first.body.token },
      });
      expect(stale.status).toBe(404);

      const withdrawn = await harness.request('DELETE', `/tenants/${owner.tenantId}/invitations/${second.body.id}`, {
        token: owner.token,
      });
      expect(withdrawn.status).toBe(204);
      const gone = await harness.request('POST', '/invitations/accept', {
        token: invitee.token,
        body: { token: second.body.token },
      });
      expect(gone.status).toBe(404);
      expect(
        await harness.db.auditEvent.count({ where: { action: 'invitation.delete', targetId: second.body.id } }),
      ).toBe(1);

      const again = await harness.request('DELETE', `/tenants/${owner.tenantId}/invitations/${second.body.id}`, {
        token: owner.token,
      });
      expect(again.status).toBe(404);
    });

    it('is for owners only, and scoped to the tenant', async () => {
      expect((await invite(uniqueEmail('x'), 'MEMBER', member)).status).toBe(403);
      expect(
        (await harness.request('GET', `/tenants/${owner.tenantId}/invitations`, { token: member.token })).status,
      ).toBe(403);
      const theirs = await invite(uniqueEmail('theirs'), 'MEMBER', stranger);
      const crossTenant = await harness.request('DELETE', `/tenants/${owner.tenantId}/invitations/${theirs.body.id}`, {
        token: owner.token,
      });
      expect(crossTenant.status).toBe(404);
    });
  });

  describe('platform admin', () => {
    it('is for platform admins only', async () => {
      const response = await harness.request('GET', '/admin/tenants', { token: owner.token });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'admin_only' });
      expect(
        (await harness.request('POST', '/admin/tenants', { token: owner.token, body: { name: 'x' } })).status,
      ).toBe(403);
    });

    it('lists tenants with counts and searches by name', async () => {
      const admin = await harness.admin();
      const tag = randomBytes(3).toString('hex');
      const created = await harness.request<{ id: string }>('POST', '/admin/tenants', {
        token: admin.token,
        body: { name: `Searchable ${tag}`, ownerEmail: owner.email },
      });
      expect(created.status).toBe(201);

      const found = await harness.request<Page<Record<string, unknown>>>(
        'GET',
        `/admin/tenants?search=${tag.toUpperCase()}`,
        { token: admin.token },
      );
      expect(found.status).toBe(200);
      expect(found.body).toEqual({
        items: [
          {
            id: created.body.id,
            name: `Searchable ${tag}`,
            status: 'ACTIVE',
            createdAt: expect.any(String),
            memberCount: 1,
            subscriptionCount: 0,
          },
        ],
        nextCursor: null,
      });
      const all = await harness.request<Page<{ id: string }>>('GET', '/admin/tenants?limit=200', {
        token: admin.token,
      });
      expect(all.body.items.map((item) => item.id)).toEqual(
        expect.arrayContaining([owner.tenantId, stranger.tenantId]),
      );
    });

    it('creates a tenant owned by an existing user, or with an owner invitation for a new address', async () => {
      const admin = await harness.admin();
      const owned = await harness.request<Record<string, unknown>>('POST', '/admin/tenants', {
        token: admin.token,
        body: { name: 'Owned', ownerEmail: stranger.email.toUpperCase() },
      });
      expect(owned.status).toBe(201);
      expect(owned.body).toMatchObject({
        name: 'Owned',
        memberCount: 1,
        owners: [{ userId: stranger.id, email: stranger.email, name: expect.any(String) }],
        ownerInvitation: null,
      });
      const tenantId = owned.body['id'] as string;
      expect((await harness.request('GET', `/tenants/${tenantId}`, { token: stranger.token })).body).toMatchObject({
        role: 'OWNER',
      });

      const email = uniqueEmail('founder');
      const invited = await harness.request<{ id: string; ownerInvitation: CreatedInvitation }>(
        'POST',
        '/admin/tenants',
        {
          token: admin.token,
          body: { name: 'Invited' },
        },
      );
      expect(invited.status).toBe(201);
      expect(invited.body).toMatchObject({ memberCount: 0, owners: [], ownerInvitation: null });

      const withInvite = await harness.request<{ id: string; ownerInvitation: CreatedInvitation }>(
        'POST',
        '/admin/tenants',
        { token: admin.token, body: { name: 'Invited', ownerEmail: email } },
      );
      expect(withInvite.body.ownerInvitation).toMatchObject({ email, role: 'OWNER', token: expect.any(String) });
      const founder = await userWithEmail(email);
      const accepted = await harness.request('POST', '/invitations/accept', {
        token: founder.token,
        body: { token: withInvite.body.ownerInvitation.token },
      });
      expect(accepted.body).toMatchObject({ tenantId: withInvite.body.id, role: 'OWNER' });

      const detail = await harness.request('GET', `/admin/tenants/${withInvite.body.id}`, { token: admin.token });
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        id: withInvite.body.id,
        timeZone: 'UTC',
        monthlyBudgetUsd: null,
        memberCount: 1,
        apiKeyCount: 0,
        owners: [{ userId: founder.id, email }],
      });
      expect(
        await harness.db.auditEvent.count({ where: { action: 'tenant.create', targetId: withInvite.body.id } }),
      ).toBe(1);

      expect(
        (await harness.request('GET', '/admin/tenants/00000000-0000-4000-8000-000000000000', { token: admin.token }))
          .status,
      ).toBe(404);
      expect((await harness.request('GET', '/admin/tenants/nope', { token: admin.token })).status).toBe(404);
    });

    it("sets a tenant's monthly budget and time zone, audited, and drops its keys from the gateways", async () => {
      const admin = await harness.admin();
      const tenantId = (
        await harness.request<{ id: string }>('POST', '/admin/tenants', {
          token: admin.token,
          body: { name: 'Budgeted' },
        })
      ).body.id;
      messages.length = 0;

      const updated = await harness.request<Record<string, unknown>>('PATCH', `/admin/tenants/${tenantId}`, {
        token: admin.token,
        body: { monthlyBudgetUsd: '250.50', timeZone: 'america/new_york' },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        id: tenantId,
        name: 'Budgeted',
        timeZone: 'America/New_York',
        monthlyBudgetUsd: '250.5',
        memberCount: 0,
      });
      const row = await harness.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
      expect(row.monthlyBudgetUsd?.toFixed()).toBe('250.5');
      expect(row.timeZone).toBe('America/New_York');
      for (let attempt = 0; attempt < 50 && messages.length === 0; attempt++) await sleep(20);
      expect(messages).toContainEqual({ kind: 'tenant', tenantId });

      const audit = await harness.db.auditEvent.findFirstOrThrow({
        where: { action: 'tenant.update', targetId: tenantId },
      });
      expect(audit).toMatchObject({
        tenantId,
        before: { name: 'Budgeted', timeZone: 'UTC', monthlyBudgetUsd: null },
        after: { name: 'Budgeted', timeZone: 'America/New_York', monthlyBudgetUsd: '250.5' },
      });
      expect((await harness.request('GET', `/admin/tenants/${tenantId}`, { token: admin.token })).body).toMatchObject({
        monthlyBudgetUsd: '250.5',
      });

      // Lifting the budget (null) is a change too; a rename alone leaves the gateways' snapshots as they are.
      messages.length = 0;
      const lifted = await harness.request('PATCH', `/admin/tenants/${tenantId}`, {
        token: admin.token,
        body: { monthlyBudgetUsd: null },
      });
      expect(lifted.body).toMatchObject({ monthlyBudgetUsd: null, timeZone: 'America/New_York' });
      for (let attempt = 0; attempt < 50 && messages.length === 0; attempt++) await sleep(20);
      expect(messages).toContainEqual({ kind: 'tenant', tenantId });
      messages.length = 0;
      const renamed = await harness.request('PATCH', `/admin/tenants/${tenantId}`, {
        token: admin.token,
        body: { name: 'Renamed' },
      });
      expect(renamed.body).toMatchObject({ name: 'Renamed', monthlyBudgetUsd: null });
      await sleep(100);
      expect(messages).not.toContainEqual({ kind: 'tenant', tenantId });
    });

    it('takes a budget as a JSON number or a decimal string alike: 25 and "25" both set $25', async () => {
      const admin = await harness.admin();
      for (const budget of [25, '25'] as const) {
        const tenantId = (
          await harness.request<{ id: string }>('POST', '/admin/tenants', {
            token: admin.token,
            body: { name: `Budget ${typeof budget}` },
          })
        ).body.id;
        const updated = await harness.request('PATCH', `/admin/tenants/${tenantId}`, {
          token: admin.token,
          body: { monthlyBudgetUsd: budget },
        });
        expect(updated.status).toBe(200);
        expect(updated.body).toMatchObject({ monthlyBudgetUsd: '25' });
        const row = await harness.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
        expect(row.monthlyBudgetUsd?.toFixed()).toBe('25');
      }
      const fractionTenant = (
        await harness.request<{ id: string }>('POST', '/admin/tenants', {
          token: admin.token,
          body: { name: 'Budget fraction' },
        })
      ).body.id;
      const fraction = await harness.request('PATCH', `/admin/tenants/${fractionTenant}`, {
        token: admin.token,
        body: { monthlyBudgetUsd: 12.345678 },
      });
      expect(fraction.body).toMatchObject({ monthlyBudgetUsd: '12.345678' });
    });

    it('refuses a negative or sub-micro-dollar budget, an unknown zone, an empty change, and non-admins', async () => {
      const admin = await harness.admin();
      const path = `/admin/tenants/${stranger.tenantId}`;
      for (const [body, field, reason] of [
        [{ monthlyBudgetUsd: '-1' }, 'monthlyBudgetUsd', /negative/],
        [{ monthlyBudgetUsd: '1.1234567' }, 'monthlyBudgetUsd', /more than 6 decimal places/],
        [{ monthlyBudgetUsd: 1.1234567 }, 'monthlyBudgetUsd', /more than 6 decimal places/],
        [{ monthlyBudgetUsd: 'lots' }, 'monthlyBudgetUsd', /a number such as 25/],
        [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone', /./],
      ] as const) {
        const response = await harness.request<{ details: { field: string; reason: string }[] }>('PATCH', path, {
          token: admin.token,
          body,
        });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ code: 'validation_failed', details: [{ field }] });
        expect(response.body.details[0]?.reason).toMatch(reason);
      }
      expect((await harness.request('PATCH', path, { token: admin.token, body: {} })).status).toBe(400);
      expect((await harness.request('PATCH', path, { token: admin.token, body: { status: 'SUSPENDED' } })).status).toBe(
        400,
      );
      const asOwner = await harness.request('PATCH', path, { token: stranger.token, body: { monthlyBudgetUsd: '1' } });
      expect(asOwner.status).toBe(403);
      // A tenant's owner sets its zone, not its budget.
      const ownBudget = await harness.request('PATCH', `/tenants/${stranger.tenantId}`, {
        token: stranger.token,
        body: { monthlyBudgetUsd: '1000' },
      });
      expect(ownBudget.status).toBe(400);
      expect(
        (
          await harness.request('PATCH', '/admin/tenants/00000000-0000-4000-8000-000000000000', {
            token: admin.token,
            body: { name: 'x' },
          })
        ).status,
      ).toBe(404);
      expect(
        (await harness.db.tenant.findUniqueOrThrow({ where: { id: stranger.tenantId } })).monthlyBudgetUsd,
      ).toBeNull();
    });
  });

  describe('suspension', () => {
    it('suspends a tenant (audited, announced), lets its members still sign in and see it, and reactivates it', async () => {
      const admin = await harness.admin();
      const password = `correct horse ${randomBytes(4).toString('hex')}`;
      const email = uniqueEmail('suspended');
      const signup = await harness.request<{ user: { memberships: { tenantId: string }[] } }>('POST', '/auth/signup', {
        body: { email, password, name: 'Suspended Owner', tenantName: 'Suspended Inc' },
      });
      expect(signup.status).toBe(201);
      const tenantId = signup.body.user.memberships[0]?.tenantId as string;

      messages.length = 0;
      const suspended = await harness.request('POST', `/admin/tenants/${tenantId}/suspend`, {
        token: admin.token,
        body: { reason: 'Unpaid invoices' },
      });
      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({ id: tenantId, status: 'SUSPENDED', name: 'Suspended Inc' });
      expect((await harness.db.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).toBe('SUSPENDED');
      for (let attempt = 0; attempt < 50 && messages.length === 0; attempt++) await sleep(20);
      expect(messages).toContainEqual({ kind: 'tenant', tenantId });
      const audit = await harness.db.auditEvent.findMany({ where: { action: 'tenant.suspend', targetId: tenantId } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        tenantId,
        actorUserId: admin.id,
        before: { status: 'ACTIVE' },
        after: { status: 'SUSPENDED', reason: 'Unpaid invoices' },
      });

      // Idempotent: the same answer, no second audit event, and announced again for a gateway that missed it.
      messages.length = 0;
      const again = await harness.request('POST', `/admin/tenants/${tenantId}/suspend`, {
        token: admin.token,
        body: {},
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: 'SUSPENDED' });
      expect(await harness.db.auditEvent.count({ where: { action: 'tenant.suspend', targetId: tenantId } })).toBe(1);
      for (let attempt = 0; attempt < 50 && messages.length === 0; attempt++) await sleep(20);
      expect(messages).toContainEqual({ kind: 'tenant', tenantId });

      // The members keep the portal: they sign in and read that their organisation is suspended.
      const login = await harness.request<{ token: string }>('POST', '/auth/login', { body: { email, password } });
      expect(login.status).toBe(200);
      const seen = await harness.request('GET', `/tenants/${tenantId}`, { token: login.body.token });
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ id: tenantId, status: 'SUSPENDED', role: 'OWNER' });
      const listed = await harness.request<{ items: { id: string; status: string }[] }>(
        'GET',
        '/admin/tenants?search=Suspended%20Inc',
        { token: admin.token },
      );
      expect(listed.body.items.find((tenant) => tenant.id === tenantId)?.status).toBe('SUSPENDED');

      messages.length = 0;
      const reactivated = await harness.request('POST', `/admin/tenants/${tenantId}/reactivate`, {
        token: admin.token,
        body: {},
      });
      expect(reactivated.status).toBe(200);
      expect(reactivated.body).toMatchObject({ status: 'ACTIVE' });
      for (let attempt = 0; attempt < 50 && messages.length === 0; attempt++) await sleep(20);
      expect(messages).toContainEqual({ kind: 'tenant', tenantId });
      expect(await harness.db.auditEvent.count({ where: { action: 'tenant.reactivate', targetId: tenantId } })).toBe(1);
      const twice = await harness.request('POST', `/admin/tenants/${tenantId}/reactivate`, {
        token: admin.token,
        body: {},
      });
      expect(twice.status).toBe(200);
      expect(await harness.db.auditEvent.count({ where: { action: 'tenant.reactivate', targetId: tenantId } })).toBe(1);
    });

    it('answers 404 for an unknown tenant, 400 for a bad body, and 403 for non-admins', async () => {
      const admin = await harness.admin();
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const action of ['suspend', 'reactivate']) {
        const missing = await harness.request('POST', `/admin/tenants/${unknown}/${action}`, {
          token: admin.token,
          body: {},
        });
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({ code: 'tenant_not_found' });
        const malformed = await harness.request('POST', `/admin/tenants/not-a-uuid/${action}`, {
          token: admin.token,
          body: {},
        });
        expect(malformed.status).toBe(404);
        const asOwner = await harness.request('POST', `/admin/tenants/${stranger.tenantId}/${action}`, {
          token: stranger.token,
          body: {},
        });
        expect(asOwner.status).toBe(403);
      }
      const badReason = await harness.request('POST', `/admin/tenants/${stranger.tenantId}/suspend`, {
        token: admin.token,
        body: { reason: '', extra: true },
      });
      expect(badReason.status).toBe(400);
      expect((await harness.db.tenant.findUniqueOrThrow({ where: { id: stranger.tenantId } })).status).toBe('ACTIVE');
    });
  });
});
