import { type TenantId } from '@gatehouse/contracts';
import { type AuditEvent, Prisma } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
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

export interface AuditEventFilter extends PageRequest {
  tenantId?: string;
  actorUserId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** Who and which tenant a page of events names, as they are now (gone ones are absent). */
export interface AuditNames {
  users: Map<string, { email: string; name: string }>;
  tenants: Map<string, string>;
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

  /** Platform admin: events of every tenant (and tenant-less ones), newest first. */
  async list(filter: AuditEventFilter = {}): Promise<Page<AuditEvent>> {
    const rows = await this.db.auditEvent.findMany({
      where: auditWhere(filter),
      ...pageArgs(filter),
      orderBy: { seq: 'desc' },
    });
    return toPage(rows, filter);
  }

  /** One tenant's own trail, newest first. */
  listForTenant(tenantId: TenantId, filter: Omit<AuditEventFilter, 'tenantId'> = {}): Promise<Page<AuditEvent>> {
    return this.list({ ...filter, tenantId });
  }

  /**
   * The users and tenants a page of events mentions, in two queries whatever the page's size. The audit table has
   * no foreign keys (its rows outlive what they name), so this is a lookup, not a join.
   */
  async names(events: Pick<AuditEvent, 'actorUserId' | 'tenantId'>[]): Promise<AuditNames> {
    const userIds = [...new Set(events.flatMap((event) => (event.actorUserId ? [event.actorUserId] : [])))];
    const tenantIds = [...new Set(events.flatMap((event) => (event.tenantId ? [event.tenantId] : [])))];
    const [users, tenants] = await Promise.all([
      userIds.length === 0
        ? []
        : this.db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } }),
      tenantIds.length === 0
        ? []
        : this.db.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, name: true } }),
    ]);
    return {
      users: new Map(users.map((user) => [user.id, { email: user.email, name: user.name }])),
      tenants: new Map(tenants.map((tenant) => [tenant.id, tenant.name])),
    };
  }

  /** The next `take` events of the chain after `afterSeq` (from the start when null), in chain order. */
  chainPage(afterSeq: bigint | null, take: number): Promise<AuditEvent[]> {
    return this.db.auditEvent.findMany({
      where: afterSeq === null ? {} : { seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take,
    });
  }
}

function auditWhere(filter: AuditEventFilter): Prisma.AuditEventWhereInput {
  return {
    ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
    ...(filter.actorUserId ? { actorUserId: filter.actorUserId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.targetType ? { targetType: filter.targetType } : {}),
    ...(filter.targetId ? { targetId: filter.targetId } : {}),
    ...(filter.from || filter.to
      ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
}
