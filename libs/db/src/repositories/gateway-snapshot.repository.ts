import {
  type ApiKeyMode,
  type ApiKeyStatus,
  type Plan,
  type Prisma,
  type TenantStatus,
} from '../generated/prisma/client';
import { type DbClient, type DbTransaction } from '../prisma-client';
import { type PolicyInForce, PolicyRepository } from './policy.repository';

/** A subscription in force, with what the gateway's entitlement needs: its plan and its product's aliases. */
export interface GatewaySubscriptionRecord {
  id: string;
  productId: string;
  productSlug: string;
  planId: string;
  /** The id its limit counters are kept under: the first grant of its chain of plan changes (or its own). */
  limitsScopeId: string;
  plan: Plan;
  /** The stored overrides document (JSON), not yet filtered to the known limit names. */
  limitOverrides: unknown;
  expiresAt: Date | null;
  modelAliases: string[];
}

/** Everything the gateway caches for one key hash, as read from Postgres. */
export interface GatewayKeyRecord {
  keyId: string;
  tenantId: string;
  tenantStatus: TenantStatus;
  /** The tenant's IANA zone, in which daily and monthly periods roll over. */
  tenantTimeZone: string;
  /** The tenant-wide monthly budget across all subscriptions; null = none. */
  tenantMonthlyBudgetUsd: Prisma.Decimal | null;
  status: ApiKeyStatus;
  mode: ApiKeyMode;
  expiresAt: Date | null;
  /** Non-null when the looked-up hash is the key's previous secret: its grace expiry. */
  graceExpiresAt: Date | null;
  scope: string[];
  /** The key's stored narrowing document (JSON), not yet validated; null = none. */
  keyLimits: unknown;
  /** The key's stored metadata labels (JSON), not yet validated. */
  keyMetadata: unknown;
  subscriptions: GatewaySubscriptionRecord[];
}

/**
 * One public model alias of a published product: what tells 404 `model_not_found` from 403, its price and where it
 * is routed.
 */
export interface GatewayCatalogModel {
  alias: string;
  productId: string;
  productSlug: string;
  createdAt: Date;
  /**
   * The price versions in force at the query's `now` or later (effectiveTo null or after `now`), by start: the
   * one in force, and any that starts later, so the caller can switch to it on time without a query.
   */
  prices: GatewayModelPrice[];
  /** Its routing targets: enabled, on enabled providers, by priority (lower first). */
  targets: GatewayModelTarget[];
}

/** Where a model alias is routed: a provider and the model name it has there. */
export interface GatewayModelTarget {
  providerId: string;
  upstreamModel: string;
  weight: number;
  priority: number;
}

/** A price version of a model, in USD per 1M tokens; in force while effectiveFrom <= t < effectiveTo. */
export interface GatewayModelPrice {
  inputPer1M: Prisma.Decimal;
  outputPer1M: Prisma.Decimal;
  /** null = cached prompt tokens are charged as ordinary input. */
  cachedInputPer1M: Prisma.Decimal | null;
  effectiveFrom: Date;
  /** null = open-ended. */
  effectiveTo: Date | null;
}

/**
 * The gateway's reads. Tenant-unscoped by necessity: a request carries only its key, and the key row is what
 * tells us the tenant; every read after that one is scoped by the tenant it found.
 */
export class GatewaySnapshotRepository {
  constructor(private readonly db: DbClient) {}

  /**
   * The key whose current or previous hash is `hash`, with its tenant's APPROVED subscriptions on PUBLISHED
   * products that are unexpired at `now` (a RETIRED product is no longer served). Returns revoked and expired
   * keys and previous hashes past their grace too: the caller decides, and caches the refusal. Two queries
   * (Prisma may split each `include` level into one more), whatever the number of subscriptions or models.
   *
   * Both read one snapshot of the database (REPEATABLE READ): a plan change replaces a grant and moves the key
   * scoping to its successor in one transaction, and reads on either side of its commit would see the key scoped
   * to a grant that is no longer listed (a request refused for nothing).
   */
  loadByKeyHash(hash: string, now: Date = new Date()): Promise<GatewayKeyRecord | null> {
    return this.db.$transaction((tx) => this.readKey(tx, hash, now), { isolationLevel: 'RepeatableRead' });
  }

  private async readKey(db: DbTransaction, hash: string, now: Date): Promise<GatewayKeyRecord | null> {
    const key = await db.apiKey.findFirst({
      where: { OR: [{ hash }, { previousHash: hash }] },
      select: {
        id: true,
        tenantId: true,
        hash: true,
        status: true,
        mode: true,
        expiresAt: true,
        previousHashExpiresAt: true,
        limits: true,
        metadata: true,
        tenant: { select: { status: true, timeZone: true, monthlyBudgetUsd: true } },
        subscriptions: { select: { subscriptionId: true }, orderBy: { subscriptionId: 'asc' } },
      },
    });
    if (key === null) return null;
    const subscriptions = await db.subscription.findMany({
      where: {
        tenantId: key.tenantId,
        status: 'APPROVED',
        OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
        product: { status: 'PUBLISHED' },
      },
      select: {
        id: true,
        productId: true,
        planId: true,
        limitsScopeId: true,
        limitOverrides: true,
        expiresAt: true,
        plan: true,
        product: { select: { slug: true, modelRoutes: { select: { alias: true }, orderBy: { alias: 'asc' } } } },
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const isPrevious = key.hash !== hash;
    return {
      keyId: key.id,
      tenantId: key.tenantId,
      tenantStatus: key.tenant.status,
      tenantTimeZone: key.tenant.timeZone,
      tenantMonthlyBudgetUsd: key.tenant.monthlyBudgetUsd,
      status: key.status,
      mode: key.mode,
      expiresAt: key.expiresAt,
      // A previous hash without an expiry cannot happen (rotation sets both); treat it as already ended.
      graceExpiresAt: isPrevious ? (key.previousHashExpiresAt ?? new Date(0)) : null,
      scope: key.subscriptions.map((scope) => scope.subscriptionId),
      keyLimits: key.limits,
      keyMetadata: key.metadata,
      subscriptions: subscriptions.map((subscription) => ({
        id: subscription.id,
        productId: subscription.productId,
        productSlug: subscription.product.slug,
        planId: subscription.planId,
        limitsScopeId: subscription.limitsScopeId ?? subscription.id,
        plan: subscription.plan,
        limitOverrides: subscription.limitOverrides,
        expiresAt: subscription.expiresAt,
        modelAliases: subscription.product.modelRoutes.map((route) => route.alias),
      })),
    };
  }

  /**
   * What the gateway's catalog holds, read at one instant: every public model alias of the published products
   * with its current and upcoming prices and its routing targets, and every published HTTP product. Two queries
   * (Prisma may split the first into one more per relation) in one REPEATABLE READ snapshot, so that a change
   * committed while they run (a product's new price and its new targets, say) is seen whole or not at all.
   */
  loadCatalog(now: Date = new Date()): Promise<GatewayCatalogRecord> {
    return this.db.$transaction(
      async (tx) => ({ models: await this.readModels(tx, now), httpProducts: await this.readHttpProducts(tx) }),
      { isolationLevel: 'RepeatableRead' },
    );
  }

  /** The version in force of every policy document (`PolicyRepository.inForce`). */
  loadActivePolicies(): Promise<PolicyInForce[]> {
    return new PolicyRepository(this.db).inForce();
  }

  /**
   * Prices in force at `now` or later; targets that are enabled, on enabled providers, by priority. One statement
   * per table: in a transaction, Prisma would send the sibling relation reads of a nested select at once on its one
   * connection, which pg deprecates.
   */
  private async readModels(db: DbTransaction, now: Date): Promise<GatewayCatalogModel[]> {
    const published = { product: { status: 'PUBLISHED' } } as const;
    const routes = await db.modelRoute.findMany({
      where: published,
      select: { id: true, alias: true, productId: true, createdAt: true, product: { select: { slug: true } } },
      orderBy: { alias: 'asc' },
    });
    const prices = await db.modelPrice.findMany({
      where: { modelRoute: published, OR: [{ effectiveTo: null }, { effectiveTo: { gt: now } }] },
      select: {
        modelRouteId: true,
        inputPer1M: true,
        outputPer1M: true,
        cachedInputPer1M: true,
        effectiveFrom: true,
        effectiveTo: true,
      },
      orderBy: [{ effectiveFrom: 'asc' }, { id: 'asc' }],
    });
    const targets = await db.modelTarget.findMany({
      where: { modelRoute: published, enabled: true, provider: { enabled: true } },
      select: { modelRouteId: true, providerId: true, upstreamModel: true, weight: true, priority: true },
      orderBy: [{ priority: 'asc' }, { id: 'asc' }],
    });
    const pricesOf = groupByRoute(prices);
    const targetsOf = groupByRoute(targets);
    return routes.map((route) => ({
      alias: route.alias,
      productId: route.productId,
      productSlug: route.product.slug,
      createdAt: route.createdAt,
      prices: pricesOf.get(route.id) ?? [],
      targets: targetsOf.get(route.id) ?? [],
    }));
  }

  private readHttpProducts(db: DbTransaction): Promise<GatewayHttpProduct[]> {
    return db.product.findMany({
      where: { kind: 'HTTP', status: 'PUBLISHED' },
      select: { id: true, slug: true, httpProviderId: true, httpUpstreamPath: true },
      orderBy: { slug: 'asc' },
    });
  }
}

/** The gateway's catalog as read from Postgres at one instant (`loadCatalog`). */
export interface GatewayCatalogRecord {
  models: GatewayCatalogModel[];
  httpProducts: GatewayHttpProduct[];
}

/** A published HTTP product: what `/apis/{slug}/...` is forwarded to. */
export interface GatewayHttpProduct {
  id: string;
  slug: string;
  /** The provider whose base URL is the upstream origin; null only for a product saved without one. */
  httpProviderId: string | null;
  /** Prepended to the forwarded path (`/v2`); null or empty for none. */
  httpUpstreamPath: string | null;
}

/** Rows by their model route, each list in the rows' order, without the route id. */
function groupByRoute<Row extends { modelRouteId: string }>(rows: Row[]): Map<string, Omit<Row, 'modelRouteId'>[]> {
  const byRoute = new Map<string, Omit<Row, 'modelRouteId'>[]>();
  for (const { modelRouteId, ...row } of rows) {
    const group = byRoute.get(modelRouteId);
    if (group === undefined) byRoute.set(modelRouteId, [row]);
    else group.push(row);
  }
  return byRoute;
}
