import { type TenantId } from '@gatehouse/contracts';
import { type Membership, type MembershipRole } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';

/** A membership with the user it belongs to. */
export type MemberRecord = Membership & { user: { id: string; email: string; name: string } };

const WITH_USER = { user: { select: { id: true, email: true, name: true } } } as const;

/**
 * Who belongs to a tenant and with which role. Built on the client or on a transaction, so that a membership
 * change and its audit event commit together.
 */
export class MembershipRepository {
  constructor(private readonly db: DbExecutor) {}

  /** Members in the order they joined; the cursor is a membership id. */
  async listForTenant(tenantId: TenantId, page: PageRequest = {}): Promise<Page<MemberRecord>> {
    const rows = await this.db.membership.findMany({
      where: { tenantId },
      ...pageArgs(page),
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: WITH_USER,
    });
    return toPage(rows, page);
  }

  async findForTenant(tenantId: TenantId, userId: string): Promise<MemberRecord | null> {
    if (!isUuid(userId)) return null;
    return this.db.membership.findUnique({
      where: { userId_tenantId: { userId, tenantId } },
      include: WITH_USER,
    });
  }

  /** Whether the user with this (lower-cased) email already belongs to the tenant. */
  async hasMemberWithEmail(tenantId: TenantId, email: string): Promise<boolean> {
    const count = await this.db.membership.count({ where: { tenantId, user: { email } } });
    return count > 0;
  }

  /**
   * Locks the tenant's owner memberships until the transaction ends and returns their user ids. Every change
   * that could remove an owner takes this lock first, so that two concurrent demotions cannot both see
   * "another owner remains" and leave the tenant with none. Run it inside a transaction.
   */
  async lockOwners(tenantId: TenantId): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ userId: string }[]>`
      SELECT "user_id"::text AS "userId" FROM "memberships"
      WHERE "tenant_id" = ${tenantId}::uuid AND "role" = 'OWNER'
      ORDER BY "id"
      FOR UPDATE`;
    return rows.map((row) => row.userId);
  }

  async create(tenantId: TenantId, userId: string, role: MembershipRole): Promise<MemberRecord> {
    return this.db.membership.create({ data: { tenantId, userId, role }, include: WITH_USER });
  }

  /** Returns null when the user is not a member of this tenant. */
  async updateRole(tenantId: TenantId, userId: string, role: MembershipRole): Promise<MemberRecord | null> {
    if (!isUuid(userId)) return null;
    const { count } = await this.db.membership.updateMany({ where: { tenantId, userId }, data: { role } });
    return count === 1 ? this.findForTenant(tenantId, userId) : null;
  }

  /** Returns false when the user is not a member of this tenant. */
  async remove(tenantId: TenantId, userId: string): Promise<boolean> {
    if (!isUuid(userId)) return false;
    const { count } = await this.db.membership.deleteMany({ where: { tenantId, userId } });
    return count === 1;
  }

  /** The owners of a tenant, for the platform admin's tenant detail. */
  async listOwners(tenantId: TenantId): Promise<MemberRecord[]> {
    return this.db.membership.findMany({
      where: { tenantId, role: 'OWNER' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: WITH_USER,
    });
  }
}
