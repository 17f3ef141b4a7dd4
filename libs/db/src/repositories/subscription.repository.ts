import { type TenantId } from '@gatehouse/contracts';
import {
  type Plan,
  Prisma,
  type Product,
  type Subscription,
  type SubscriptionStatus,
  type Tenant,
} from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
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
  /** A plan change: the grant it replaces, and the counters it carries on (see `limitsScopeId`). */
  replacesSubscriptionId?: string | null;
  limitsScopeId?: string | null;
}

/** An approved, unexpired subscription with what entitlement needs: its plan and its product's model aliases. */
export type Entitlement = Subscription & {
  plan: Plan;
  product: Pick<Product, 'id' | 'slug' | 'kind' | 'status'> & { modelRoutes: { alias: string }[] };
};

/** A subscription with what its views show: the plan (its limits), the product's name, the grant it replaces. */
export type SubscriptionWithPlan = Subscription & {
  plan: Plan;
  product: Pick<Product, 'id' | 'slug' | 'name' | 'status'>;
  replaces: { plan: Pick<Plan, 'name'> } | null;
};

/** What the admin queue shows: also the tenant's name. */
export type SubscriptionForAdmin = SubscriptionWithPlan & { tenant: Pick<Tenant, 'id' | 'name'> };

export interface AdminSubscriptionFilter extends PageRequest {
  status?: SubscriptionStatus;
  tenantId?: string;
  productId?: string;
}

/** The product and plan a tenant asks for, with what the request checks (status, ownership, model aliases). */
export type SubscriptionTarget = {
  product: Pick<Product, 'id' | 'name' | 'status'> & { modelRoutes: { alias: string }[] };
  plan: Plan | null;
};

export interface SubscriptionDecisionData {
  status: SubscriptionStatus;
  decidedById?: string | null;
  decidedAt?: Date;
  reason?: string | null;
  limitOverrides?: Prisma.InputJsonValue | null;
  expiresAt?: Date | null;
  replacesSubscriptionId?: string | null;
  limitsScopeId?: string | null;
}

const withPlan = {
  plan: true,
  product: { select: { id: true, slug: true, name: true, status: true } },
  replaces: { select: { plan: { select: { name: true } } } },
} satisfies Prisma.SubscriptionInclude;

const forAdmin = { ...withPlan, tenant: { select: { id: true, name: true } } } satisfies Prisma.SubscriptionInclude;

/**
 * Status filter as reads see it: an APPROVED row past its expiresAt is EXPIRED even before the sweep marks
 * it, so `APPROVED` excludes such rows and `EXPIRED` includes them.
 */
function effectiveStatusWhere(status: SubscriptionStatus | undefined, now: Date): Prisma.SubscriptionWhereInput {
  if (status === 'APPROVED') return { status, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  if (status === 'EXPIRED') return { OR: [{ status }, { status: 'APPROVED', expiresAt: { lte: now } }] };
  return status ? { status } : {};
}

/** Build it on a transaction (`new SubscriptionRepository(tx)`) to make a decision part of a larger unit. */
export class SubscriptionRepository {
  constructor(private readonly db: DbExecutor) {}

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

  /** The tenant's subscriptions with plan and product, newest first; `status` as reads see it (see above). */
  async listViewsForTenant(
    tenantId: TenantId,
    filter: SubscriptionListFilter = {},
    now: Date = new Date(),
  ): Promise<Page<SubscriptionWithPlan>> {
    const rows = await this.db.subscription.findMany({
      where: { AND: [{ tenantId }, effectiveStatusWhere(filter.status, now)] },
      include: withPlan,
      ...pageArgs(filter),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return toPage(rows, filter);
  }

  async findViewForTenant(tenantId: TenantId, subscriptionId: string): Promise<SubscriptionWithPlan | null> {
    if (!isUuid(subscriptionId)) return null;
    return this.db.subscription.findFirst({ where: { id: subscriptionId, tenantId }, include: withPlan });
  }

  /**
   * The tenant's grants and requests on a product that still count (PENDING, or APPROVED and unexpired), with
   * their plans: at most one approved and one pending (a plan change waiting). Call it after
   * `lockTenantProduct` in the writing transaction.
   */
  async findOpenForProduct(
    tenantId: TenantId,
    productId: string,
    now: Date = new Date(),
  ): Promise<{ approved: SubscriptionWithPlan | null; pending: SubscriptionWithPlan | null }> {
    const rows = await this.db.subscription.findMany({
      where: {
        tenantId,
        productId,
        OR: [{ status: 'PENDING' }, { status: 'APPROVED', OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }],
      },
      include: withPlan,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return {
      approved: rows.find((row) => row.status === 'APPROVED') ?? null,
      pending: rows.find((row) => row.status === 'PENDING') ?? null,
    };
  }

  /** Points a waiting plan change at the grant it will replace (the tenant's grant changed meanwhile). */
  async setReplaces(tenantId: TenantId, subscriptionId: string, replacesSubscriptionId: string): Promise<void> {
    await this.db.subscription.updateMany({
      where: { id: subscriptionId, tenantId, status: 'PENDING' },
      data: { replacesSubscriptionId },
    });
  }

  /**
   * A plan change keeps the key scoping: every key scoped to the replaced grant is scoped to its successor too
   * (the old rows stay, harmless once that grant has ended, and they keep the history readable).
   */
  async carryKeyScopes(tenantId: TenantId, fromSubscriptionId: string, toSubscriptionId: string): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO api_key_subscriptions (api_key_id, subscription_id, tenant_id)
      SELECT api_key_id, ${toSubscriptionId}::uuid, tenant_id FROM api_key_subscriptions
      WHERE tenant_id = ${tenantId}::uuid AND subscription_id = ${fromSubscriptionId}::uuid
      ON CONFLICT DO NOTHING`;
  }

  /**
   * Serialises requests of one tenant for one product until the transaction ends, so that two concurrent
   * requests cannot both find no open subscription and both create one.
   */
  async lockTenantProduct(tenantId: TenantId, productId: string): Promise<void> {
    await this.db
      .$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`subscription:${tenantId}:${productId}`}, 0))`;
  }

  /** A plan change keeps the tenant's budget alert rules of the replaced grant: they now watch its successor. */
  async carryAlertRules(tenantId: TenantId, fromSubscriptionId: string, toSubscriptionId: string): Promise<void> {
    await this.db.alertRule.updateMany({
      where: { tenantId, subscriptionId: fromSubscriptionId },
      data: { subscriptionId: toSubscriptionId },
    });
  }

  /** The product (any status) and the plan (null when it does not exist) a request names. */
  async findTarget(productId: string, planId: string): Promise<SubscriptionTarget | null> {
    if (!isUuid(productId)) return null;
    const product = await this.db.product.findUnique({
      where: { id: productId },
      select: { id: true, name: true, status: true, modelRoutes: { select: { alias: true } } },
    });
    if (!product) return null;
    const plan = isUuid(planId) ? await this.db.plan.findUnique({ where: { id: planId } }) : null;
    return { product, plan };
  }

  /** The model aliases of a product, to check an approval's `allowedModels` against. */
  async listProductModelAliases(productId: string): Promise<string[]> {
    const routes = await this.db.modelRoute.findMany({ where: { productId }, select: { alias: true } });
    return routes.map((route) => route.alias);
  }

  createWithPlan(tenantId: TenantId, data: CreateSubscriptionData): Promise<SubscriptionWithPlan> {
    return this.db.subscription.create({ data: { ...data, tenantId }, include: withPlan });
  }

  /**
   * Platform admin queue, across tenants (behind the admin guard). PENDING requests come oldest first (the
   * queue's order), every other list newest first.
   */
  async listForAdmin(
    filter: AdminSubscriptionFilter = {},
    now: Date = new Date(),
  ): Promise<Page<SubscriptionForAdmin>> {
    const direction = filter.status === 'PENDING' ? 'asc' : 'desc';
    const rows = await this.db.subscription.findMany({
      where: {
        AND: [
          effectiveStatusWhere(filter.status, now),
          filter.tenantId ? { tenantId: filter.tenantId } : {},
          filter.productId ? { productId: filter.productId } : {},
        ],
      },
      include: forAdmin,
      ...pageArgs(filter),
      orderBy: [{ createdAt: direction }, { id: direction }],
    });
    return toPage(rows, filter);
  }

  /** Platform admin: any tenant's subscription. */
  async findForAdmin(subscriptionId: string): Promise<SubscriptionForAdmin | null> {
    if (!isUuid(subscriptionId)) return null;
    return this.db.subscription.findUnique({ where: { id: subscriptionId }, include: forAdmin });
  }

  /**
   * Moves a subscription out of `from` (compare-and-set): returns the updated row, or null when it is no longer
   * in `from` because a concurrent decision won. `expiredBefore` additionally requires expiresAt <= it (the sweep).
   */
  async decide(
    subscriptionId: string,
    from: SubscriptionStatus,
    data: SubscriptionDecisionData,
    expiredBefore?: Date,
  ): Promise<SubscriptionForAdmin | null> {
    const { limitOverrides, ...rest } = data;
    const updated = await this.db.subscription.updateMany({
      where: { id: subscriptionId, status: from, ...(expiredBefore ? { expiresAt: { lte: expiredBefore } } : {}) },
      data: {
        ...rest,
        ...(limitOverrides === undefined ? {} : { limitOverrides: limitOverrides ?? Prisma.DbNull }),
      },
    });
    if (updated.count === 0) return null;
    return this.db.subscription.findUnique({ where: { id: subscriptionId }, include: forAdmin });
  }

  /** APPROVED grants whose expiresAt has passed at `now`, oldest expiry first: the sweep's batch. */
  async listDueForExpiry(now: Date, limit: number): Promise<{ id: string; tenantId: string }[]> {
    return this.db.subscription.findMany({
      where: { status: 'APPROVED', expiresAt: { lte: now } },
      select: { id: true, tenantId: true },
      orderBy: [{ expiresAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }
}
