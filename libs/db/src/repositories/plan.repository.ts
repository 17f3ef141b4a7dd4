import { type Plan, type PlanStatus, type Prisma } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';

export interface PlanListFilter extends PageRequest {
  productId?: string;
  status?: PlanStatus;
}

/** The limit columns of a plan write (null = unlimited; `allowedModels` empty = every model). */
export interface PlanLimitData {
  rpm: number | null;
  rpmBurst: number | null;
  tpm: number | null;
  tpmBurst: number | null;
  concurrency: number | null;
  dailyTokens: bigint | null;
  monthlyTokens: bigint | null;
  monthlyCalls: bigint | null;
  /** Decimal string; Prisma stores it as numeric without a float in between. */
  monthlyBudgetUsd: string | null;
  allowedModels: string[];
}

export interface CreatePlanData extends PlanLimitData {
  productId: string;
  name: string;
  description: string | null;
  autoApprove: boolean;
  limitModes: Prisma.InputJsonObject;
  /** Quotas and budgets fail open (true) or closed (false) while Redis is unreachable. */
  quotaFailOpen: boolean;
}

export type UpdatePlanData = Partial<Omit<CreatePlanData, 'productId'>> & { status?: PlanStatus };

/** Plans (entitlement templates on a product). Platform-wide, not tenant-owned. */
export class PlanRepository {
  constructor(private readonly db: DbExecutor) {}

  async list(filter: PlanListFilter = {}): Promise<Page<Plan>> {
    const rows = await this.db.plan.findMany({
      where: {
        ...(filter.productId ? { productId: filter.productId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
      },
      ...pageArgs(filter),
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return toPage(rows, filter);
  }

  async findById(id: string): Promise<Plan | null> {
    if (!isUuid(id)) return null;
    return this.db.plan.findUnique({ where: { id } });
  }

  async findByName(productId: string, name: string): Promise<Plan | null> {
    return this.db.plan.findUnique({ where: { productId_name: { productId, name } } });
  }

  /** Locks the plan row until the transaction ends; null when it does not exist. */
  async lockForUpdate(id: string): Promise<Plan | null> {
    if (!isUuid(id)) return null;
    const locked = await this.db.$queryRaw<{ id: string }[]>`SELECT id FROM plans WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    return this.db.plan.findUnique({ where: { id } });
  }

  async create(data: CreatePlanData): Promise<Plan> {
    return this.db.plan.create({ data });
  }

  async update(id: string, data: UpdatePlanData): Promise<Plan> {
    return this.db.plan.update({ where: { id }, data });
  }
}
