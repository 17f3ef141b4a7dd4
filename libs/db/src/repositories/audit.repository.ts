import { type AuditEvent, Prisma } from '../generated/prisma/client';
import { type DbExecutor } from '../prisma-client';

/** Serialises appends to the audit chain across every admin-api instance (held until the transaction ends). */
const AUDIT_CHAIN_LOCK = 0x6761_7564; // 'gaud'

export interface AppendAuditEventData {
  id: string;
  actorUserId: string | null;
  actorIp: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  tenantId: string | null;
  before: Prisma.InputJsonValue | null;
  after: Prisma.InputJsonValue | null;
  createdAt: Date;
  prevHash: string;
  hash: string;
}

/** The append-only audit table. Rows are only ever inserted; nothing here updates or deletes them. */
export class AuditRepository {
  constructor(private readonly db: DbExecutor) {}

  /**
   * Takes the chain lock for the current transaction and returns the hash of the last event (null for an
   * empty chain). Must run inside a transaction, before `append`, so that no other append interleaves.
   */
  async lockChainHead(): Promise<string | null> {
    await this.db.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}::bigint)`;
    const last = await this.db.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { hash: true } });
    return last?.hash ?? null;
  }

  async append(data: AppendAuditEventData): Promise<AuditEvent> {
    return this.db.auditEvent.create({
      data: {
        ...data,
        before: data.before ?? Prisma.DbNull,
        after: data.after ?? Prisma.DbNull,
      },
    });
  }
}
