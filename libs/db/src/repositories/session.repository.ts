import { type MembershipRole } from '../generated/prisma/enums';
import { type DbExecutor } from '../prisma-client';

export interface SessionUser {
  sessionId: string;
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
  memberships: { tenantId: string; tenantName: string; role: MembershipRole }[];
}

export interface CreateSessionData {
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  ip?: string | null;
  userAgent?: string | null;
}

/** Login sessions of the admin API. Sessions are not tenant-owned: a user's session spans its tenants. */
export class SessionRepository {
  constructor(private readonly db: DbExecutor) {}

  async create(data: CreateSessionData): Promise<{ id: string }> {
    return this.db.session.create({ data, select: { id: true } });
  }

  /** The user behind a live session token hash (not revoked, not expired), with their memberships. */
  async findActiveUser(tokenHash: string, now: Date = new Date()): Promise<SessionUser | null> {
    const session = await this.db.session.findFirst({
      where: { tokenHash, revokedAt: null, expiresAt: { gt: now } },
      select: {
        id: true,
        user: {
          select: {
            id: true,
            email: true,
            name: true,
            isPlatformAdmin: true,
            memberships: {
              select: { tenantId: true, role: true, tenant: { select: { name: true } } },
              orderBy: { createdAt: 'asc' },
            },
          },
        },
      },
    });
    if (session === null) return null;
    const { user } = session;
    return {
      sessionId: session.id,
      id: user.id,
      email: user.email,
      name: user.name,
      isPlatformAdmin: user.isPlatformAdmin,
      memberships: user.memberships.map((membership) => ({
        tenantId: membership.tenantId,
        tenantName: membership.tenant.name,
        role: membership.role,
      })),
    };
  }

  async revoke(sessionId: string, now: Date = new Date()): Promise<void> {
    await this.db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
  }

  /** Ends every session of a user (password reset, sign out everywhere), or every other one (password change). */
  async revokeAllForUser(userId: string, now: Date = new Date(), exceptSessionId?: string): Promise<number> {
    const { count } = await this.db.session.updateMany({
      where: { userId, revokedAt: null, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
      data: { revokedAt: now },
    });
    return count;
  }
}
