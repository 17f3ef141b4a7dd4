import { type TenantId } from '@gatehouse/contracts';
import { type Plan, type Product, type Subscription, type SubscriptionStatus } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbClient } from '../prisma-client';
import { isUuid } from '../uuid';

export interface SubscriptionListFilter extends PageRequest {
  status?: SubscriptionStatus;
}

export interface CreateSubscriptionData {
  productId: string;
  planId: string;
  justification?: string | null;
  requestedById?: string | null;
  /** PENDING, or APPROVED when the plan auto-approves (decided by the caller, which knows the plan). */
  status?: SubscriptionStatus;
  decidedAt?: Date | null;
}

/** An approved, unexpired subscription with what entitlement needs: its plan and its product's model aliases. */
export type Entitlement = Subscription & {
  plan: Plan;
  product: Pick<Product, 'id' | 'slug' | 'kind' | 'status'> & { modelRoutes: { alias: string }[] };
};

export class SubscriptionRepository {
  constructor(private readonly db: DbClient) {}

  async listForTenant(tenantId: TenantId, filter: SubscriptionListFilter = {}): Promise<Page<Subscription>> {
    const rows = await this.db.subscription.findMany({
      where: { tenantId, ...(filter.status ? { status: filter.status } : {}) },
      ...pageArgs(filter),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return toPage(rows, filter);
  }

  async findForTenant(tenantId: TenantId, subscriptionId: string): Promise<Subscription | null> {
    if (!isUuid(subscriptionId)) return null;
    return this.db.subscription.findFirst({ where: { id: subscriptionId, tenantId } });
  }

  /** The tenant's subscriptions in force at `now`: APPROVED and not past expiresAt. */
  listEntitlements(tenantId: TenantId, now: Date = new Date()): Promise<Entitlement[]> {
    return this.db.subscription.findMany({
      where: { tenantId, status: 'APPROVED', OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      include: {
        plan: true,
        product: {
          select: { id: true, slug: true, kind: true, status: true, modelRoutes: { select: { alias: true } } },
        },
      },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** The caller has checked that the plan belongs to the product and is active. */
  create(tenantId: TenantId, data: CreateSubscriptionData): Promise<Subscription> {
    return this.db.subscription.create({ data: { ...data, tenantId } });
  }
}
