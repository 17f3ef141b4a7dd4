import { type DbExecutor } from '../prisma-client';

/** A password reset token as the service sees it: never its hash. */
export interface PasswordResetRecord {
  id: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
}

const record = { id: true, userId: true, expiresAt: true, usedAt: true } as const;

/** Password reset tokens. Not tenant-owned: a user spans tenants. Only sha256(token) is stored. */
export class PasswordResetRepository {
  constructor(private readonly db: DbExecutor) {}

  /** A new token for the user; their earlier unused ones are deleted, so only the latest link works. */
  async replaceForUser(userId: string, tokenHash: string, expiresAt: Date): Promise<PasswordResetRecord> {
    await this.db.passwordResetToken.deleteMany({ where: { userId, usedAt: null } });
    return this.db.passwordResetToken.create({ data: { userId, tokenHash, expiresAt }, select: record });
  }

  findByTokenHash(tokenHash: string): Promise<PasswordResetRecord | null> {
    return this.db.passwordResetToken.findUnique({ where: { tokenHash }, select: record });
  }

  /** Marks the token used; false when it was used already (by a concurrent confirmation, say) or has expired. */
  async consume(id: string, now: Date = new Date()): Promise<boolean> {
    const { count } = await this.db.passwordResetToken.updateMany({
      where: { id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    return count === 1;
  }
}
