import { type TenantId } from '@gatehouse/contracts';
import { type Invitation, type MembershipRole } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';

/** An invitation without its token hash. */
export type InvitationRecord = Omit<Invitation, 'tokenHash'>;

export interface CreateInvitationData {
  /** Lower-cased by the caller. */
  email: string;
  role: MembershipRole;
  /** sha256 hex of the token; the token itself is never stored. */
  tokenHash: string;
  invitedById: string | null;
  expiresAt: Date;
}

const NO_HASH = { tokenHash: true } as const;

/**
 * Invitations to join a tenant. Built on the client or on a transaction, so that an invitation change and its
 * audit event commit together.
 */
export class InvitationRepository {
  constructor(private readonly db: DbExecutor) {}

  create(tenantId: TenantId, data: CreateInvitationData): Promise<InvitationRecord> {
    return this.db.invitation.create({ data: { ...data, tenantId }, omit: NO_HASH });
  }

  /** Invitations not accepted yet and not expired at `now`, newest first. */
  async listPending(
    tenantId: TenantId,
    page: PageRequest = {},
    now: Date = new Date(),
  ): Promise<Page<InvitationRecord>> {
    const rows = await this.db.invitation.findMany({
      where: { tenantId, acceptedAt: null, expiresAt: { gt: now } },
      ...pageArgs(page),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      omit: NO_HASH,
    });
    return toPage(rows, page);
  }

  /** Withdraws the tenant's pending invitations to this email (a new invitation replaces them). */
  async withdrawPendingForEmail(tenantId: TenantId, email: string): Promise<InvitationRecord[]> {
    const pending = await this.db.invitation.findMany({
      where: { tenantId, email, acceptedAt: null },
      omit: NO_HASH,
    });
    if (pending.length > 0) {
      await this.db.invitation.deleteMany({ where: { tenantId, id: { in: pending.map((row) => row.id) } } });
    }
    return pending;
  }

  /** Deletes an invitation of this tenant that was not accepted; returns it, or null when there is none. */
  async withdraw(tenantId: TenantId, invitationId: string): Promise<InvitationRecord | null> {
    if (!isUuid(invitationId)) return null;
    const invitation = await this.db.invitation.findFirst({
      where: { id: invitationId, tenantId, acceptedAt: null },
      omit: NO_HASH,
    });
    if (invitation === null) return null;
    const { count } = await this.db.invitation.deleteMany({ where: { id: invitationId, tenantId, acceptedAt: null } });
    return count === 1 ? invitation : null;
  }

  /**
   * The invitation behind a token hash, whatever its state: the one tenant-unscoped read here, since the token
   * is all that the invited person has. The caller decides about expiry and use.
   */
  findByTokenHash(tokenHash: string): Promise<(InvitationRecord & { tenant: { name: string } }) | null> {
    return this.db.invitation.findUnique({
      where: { tokenHash },
      omit: NO_HASH,
      include: { tenant: { select: { name: true } } },
    });
  }

  /**
   * Marks an invitation used, once: false when it was accepted (or withdrawn) in the meantime or has expired,
   * so two concurrent acceptances cannot both succeed.
   */
  async markAccepted(tenantId: TenantId, invitationId: string, now: Date = new Date()): Promise<boolean> {
    const { count } = await this.db.invitation.updateMany({
      where: { id: invitationId, tenantId, acceptedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    return count === 1;
  }
}
