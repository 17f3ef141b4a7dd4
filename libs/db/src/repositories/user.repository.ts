import { type MembershipRole } from '../generated/prisma/enums';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';

/** A user with the tenants they belong to: what sign-in answers with. Never carries the password hash. */
export interface UserWithMemberships {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
  memberships: { tenantId: string; tenantName: string; role: MembershipRole }[];
}

export interface CreateUserData {
  /** Lower-cased by the caller; the unique index is on the stored value. */
  email: string;
  name: string;
  /** argon2id PHC string, or an unusable marker for users who sign in only through SSO. */
  passwordHash: string;
}

/** Raised when a user with this email exists already (the unique index said so, so it is race-free). */
export class EmailTakenError extends Error {
  constructor(readonly email: string) {
    super(`A user with email ${email} exists already`);
    this.name = 'EmailTakenError';
  }
}

const withMemberships = {
  id: true,
  email: true,
  name: true,
  isPlatformAdmin: true,
  memberships: {
    select: { tenantId: true, role: true, tenant: { select: { name: true } } },
    orderBy: { createdAt: 'asc' },
  },
} as const;

/**
 * Users and what a new user joins. Users are not tenant-owned (a user spans tenants), so these methods take no
 * tenant id; the few that touch tenants do so for sign-up and SSO provisioning, where the tenant is being
 * created or chosen by configuration, never by a caller.
 */
export class UserRepository {
  constructor(private readonly db: DbExecutor) {}

  /** The one read that returns the password hash: for verifying a sign-in, nothing else. */
  findCredentials(email: string): Promise<{ id: string; passwordHash: string } | null> {
    return this.db.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  }

  /** The password hash of a signed-in user, for checking their current password before a change. */
  async findPasswordHash(userId: string): Promise<string | null> {
    const user = await this.db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
    return user?.passwordHash ?? null;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.user.update({ where: { id: userId }, data: { passwordHash }, select: { id: true } });
  }

  async findWithMemberships(userId: string): Promise<UserWithMemberships | null> {
    const user = await this.db.user.findUnique({ where: { id: userId }, select: withMemberships });
    return user && toUserWithMemberships(user);
  }

  async findByEmailWithMemberships(email: string): Promise<UserWithMemberships | null> {
    const user = await this.db.user.findUnique({ where: { email }, select: withMemberships });
    return user && toUserWithMemberships(user);
  }

  /** Creates a user with one membership; throws `EmailTakenError` when the email is in use. */
  async createWithMembership(
    data: CreateUserData,
    membership: { tenantId: string; role: MembershipRole },
  ): Promise<UserWithMemberships> {
    try {
      const user = await this.db.user.create({
        data: { ...data, memberships: { create: { tenantId: membership.tenantId, role: membership.role } } },
        select: withMemberships,
      });
      return toUserWithMemberships(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError(data.email);
      throw error;
    }
  }

  /** A new tenant for sign-up or SSO provisioning. */
  createTenant(name: string): Promise<{ id: string; name: string }> {
    return this.db.tenant.create({ data: { name }, select: { id: true, name: true } });
  }

  /**
   * The tenant an SSO mapping names: by id when the value is a UUID, else the oldest tenant of that exact name
   * (tenant names are not unique; the oldest is the one the mapping was most likely written for).
   */
  findTenantByIdOrName(idOrName: string): Promise<{ id: string; name: string } | null> {
    if (isUuid(idOrName)) {
      return this.db.tenant.findUnique({ where: { id: idOrName }, select: { id: true, name: true } });
    }
    return this.db.tenant.findFirst({
      where: { name: idOrName },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, name: true },
    });
  }

  /**
   * Serialises provisioning into one tenant name until the transaction ends, so that concurrent first SSO
   * sign-ins create a mapped tenant once. Must run inside a transaction.
   */
  async lockTenantName(name: string): Promise<void> {
    const lockName = `gatehouse:tenant-name:${name}`;
    await this.db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${lockName}))`;
  }

  async recordLogin(userId: string, now: Date = new Date()): Promise<void> {
    await this.db.user.update({ where: { id: userId }, data: { lastLoginAt: now }, select: { id: true } });
  }
}

function toUserWithMemberships(user: {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
  memberships: { tenantId: string; role: MembershipRole; tenant: { name: string } }[];
}): UserWithMemberships {
  return {
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

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}
