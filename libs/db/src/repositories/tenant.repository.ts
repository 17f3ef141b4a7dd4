import { type TenantId } from '@gatehouse/contracts';
import { type Prisma, type Tenant, type TenantStatus } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';

export interface CreateTenantData {
  name: string;
  timeZone?: string;
  monthlyBudgetUsd?: Prisma.Decimal | string | null;
}

export interface TenantListFilter extends PageRequest {
  /** Case-insensitive substring of the name. */
  search?: string | null;
}

/** A tenant with the sizes the platform admin's list shows. */
export type TenantWithCounts = Tenant & { memberCount: number; subscriptionCount: number; apiKeyCount: number };

const COUNTS = { _count: { select: { memberships: true, subscriptions: true, apiKeys: true } } } as const;

function withCounts<T extends Tenant & { _count: { memberships: number; subscriptions: number; apiKeys: number } }>(
  row: T,
): TenantWithCounts {
  const { _count, ...tenant } = row;
  return {
    ...(tenant as Tenant),
    memberCount: _count.memberships,
    subscriptionCount: _count.subscriptions,
    apiKeyCount: _count.apiKeys,
  };
}

/** Built on the client or on a transaction, so that a tenant change and its audit event commit together. */
export class TenantRepository {
  constructor(private readonly db: DbExecutor) {}

  findById(tenantId: TenantId): Promise<Tenant | null> {
    return this.db.tenant.findUnique({ where: { id: tenantId } });
  }

  /** A new tenant has no id to scope by yet; the caller brands the returned id once it made the membership. */
  create(data: CreateTenantData): Promise<Tenant> {
    return this.db.tenant.create({ data });
  }

  update(tenantId: TenantId, data: Partial<CreateTenantData>): Promise<Tenant> {
    return this.db.tenant.update({ where: { id: tenantId }, data });
  }

  setStatus(tenantId: TenantId, status: TenantStatus): Promise<Tenant> {
    return this.db.tenant.update({ where: { id: tenantId }, data: { status } });
  }

  /** Platform admin listing: the one place that reads across tenants, behind the admin guard. */
  async listAll(filter: TenantListFilter = {}): Promise<Page<TenantWithCounts>> {
    const search = filter.search?.trim();
    const rows = await this.db.tenant.findMany({
      where: search ? { name: { contains: search, mode: 'insensitive' } } : {},
      ...pageArgs(filter),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: COUNTS,
    });
    return toPage(rows.map(withCounts), filter);
  }

  /** Platform admin detail of any tenant; null for an unknown or malformed id. */
  async findWithCounts(tenantId: string): Promise<TenantWithCounts | null> {
    if (!isUuid(tenantId)) return null;
    const row = await this.db.tenant.findUnique({ where: { id: tenantId }, include: COUNTS });
    return row === null ? null : withCounts(row);
  }
}
