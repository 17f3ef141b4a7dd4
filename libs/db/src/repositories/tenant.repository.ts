import { type TenantId } from '@gatehouse/contracts';
import { type Prisma, type Tenant } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbClient } from '../prisma-client';

export interface CreateTenantData {
  name: string;
  timeZone?: string;
  monthlyBudgetUsd?: Prisma.Decimal | string | null;
}

export class TenantRepository {
  constructor(private readonly db: DbClient) {}

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

  /** Platform admin listing: the one place that reads across tenants, behind the admin guard. */
  async listAll(page: PageRequest = {}): Promise<Page<Tenant>> {
    const rows = await this.db.tenant.findMany({ ...pageArgs(page), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return toPage(rows, page);
  }
}
