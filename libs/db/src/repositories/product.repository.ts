import {
  type ModelPrice,
  type ModelRoute,
  type ModelTarget,
  type Plan,
  type Prisma,
  type Product,
  type ProductKind,
  type ProductStatus,
} from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbExecutor } from '../prisma-client';
import { isUuid } from '../uuid';
import { priceInForceWhere } from './catalog.repository';

/** A model route as admins see it: its targets and the price in force (null when none is). */
export type ProductModelRecord = ModelRoute & { price: ModelPrice | null; targets: ModelTarget[] };
/** A product with every model and every plan, retired plans included. */
export type ProductRecord = Product & { models: ProductModelRecord[]; plans: Plan[] };

export interface ProductListFilter extends PageRequest {
  status?: ProductStatus;
  kind?: ProductKind;
}

export interface CreateProductData {
  slug: string;
  name: string;
  description: string | null;
  kind: ProductKind;
  httpProviderId: string | null;
  httpUpstreamPath: string | null;
}

export type UpdateProductData = Partial<Pick<Product, 'name' | 'description' | 'httpProviderId' | 'httpUpstreamPath'>>;

export interface ModelTargetData {
  providerId: string;
  upstreamModel: string;
  weight: number;
  priority: number;
  enabled: boolean;
}

/** USD per 1M tokens as decimal strings; Prisma stores them as numeric without passing through a float. */
export interface ModelPriceData {
  inputPer1M: string;
  outputPer1M: string;
  cachedInputPer1M: string | null;
}

/**
 * The admin side of the catalog: products, their model routes, targets and versioned prices. Platform-wide,
 * not tenant-owned. Writes that depend on the product's current state run inside a transaction that first
 * calls `lockForUpdate`, so a publish and the removal of the last model cannot interleave.
 */
export class ProductRepository {
  constructor(private readonly db: DbExecutor) {}

  async list(filter: ProductListFilter = {}, now: Date = new Date()): Promise<Page<ProductRecord>> {
    const rows = await this.db.product.findMany({
      where: { ...(filter.status ? { status: filter.status } : {}), ...(filter.kind ? { kind: filter.kind } : {}) },
      include: productInclude(now),
      ...pageArgs(filter),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    return toPage(rows.map(toProductRecord), filter);
  }

  async findById(id: string, now: Date = new Date()): Promise<ProductRecord | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.product.findUnique({ where: { id }, include: productInclude(now) });
    return row === null ? null : toProductRecord(row);
  }

  async findBySlug(slug: string): Promise<Product | null> {
    return this.db.product.findUnique({ where: { slug } });
  }

  /** Locks the product row until the transaction ends (`SELECT … FOR UPDATE`); null when it does not exist. */
  async lockForUpdate(id: string): Promise<Product | null> {
    if (!isUuid(id)) return null;
    const locked = await this.db.$queryRaw<{ id: string }[]>`SELECT id FROM products WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    return this.db.product.findUnique({ where: { id } });
  }

  async create(data: CreateProductData): Promise<Product> {
    return this.db.product.create({ data });
  }

  async update(id: string, data: UpdateProductData): Promise<Product> {
    return this.db.product.update({ where: { id }, data });
  }

  async setStatus(id: string, status: ProductStatus): Promise<Product> {
    return this.db.product.update({ where: { id }, data: { status } });
  }

  async countModels(productId: string): Promise<number> {
    return this.db.modelRoute.count({ where: { productId } });
  }

  async modelAliases(productId: string): Promise<string[]> {
    const rows = await this.db.modelRoute.findMany({ where: { productId }, select: { alias: true } });
    return rows.map((row) => row.alias);
  }

  async findModel(productId: string, modelId: string, now: Date = new Date()): Promise<ProductModelRecord | null> {
    if (!isUuid(modelId)) return null;
    const row = await this.db.modelRoute.findFirst({ where: { id: modelId, productId }, include: modelInclude(now) });
    return row === null ? null : toModelRecord(row);
  }

  async findModelByAlias(alias: string): Promise<ModelRoute | null> {
    return this.db.modelRoute.findUnique({ where: { alias } });
  }

  /** Which of these public model aliases exist, in any product. */
  async existingAliases(aliases: readonly string[]): Promise<Set<string>> {
    if (aliases.length === 0) return new Set();
    const rows = await this.db.modelRoute.findMany({ where: { alias: { in: [...aliases] } }, select: { alias: true } });
    return new Set(rows.map((row) => row.alias));
  }

  /** A route with its targets and its first price, effective from `now`. */
  async createModel(
    productId: string,
    data: { alias: string; targets: ModelTargetData[]; price: ModelPriceData },
    now: Date = new Date(),
  ): Promise<ModelRoute> {
    return this.db.modelRoute.create({
      data: {
        productId,
        alias: data.alias,
        targets: { create: data.targets },
        prices: { create: { ...data.price, effectiveFrom: now } },
      },
    });
  }

  async renameModel(modelId: string, alias: string): Promise<void> {
    await this.db.modelRoute.update({ where: { id: modelId }, data: { alias } });
  }

  /** Replaces the route's target set (the router reads the whole set, so a partial edit has no use). */
  async replaceTargets(modelId: string, targets: ModelTargetData[]): Promise<void> {
    await this.db.modelTarget.deleteMany({ where: { modelRouteId: modelId } });
    await this.db.modelTarget.createMany({ data: targets.map((target) => ({ ...target, modelRouteId: modelId })) });
    // Target rows changed, the route row did not: bump it so `updatedAt` tells when the model last changed.
    await this.db.modelRoute.update({ where: { id: modelId }, data: { updatedAt: new Date() } });
  }

  async deleteModel(modelId: string): Promise<void> {
    await this.db.modelRoute.delete({ where: { id: modelId } });
  }

  /**
   * A new price version: the version in force at `now` ends at `now` (usage before stays priced at it) and the
   * new one starts at `now`. Call under the product's lock so two changes cannot both close the same version.
   */
  async replacePrice(modelId: string, price: ModelPriceData, now: Date = new Date()): Promise<ModelPrice> {
    await this.db.modelPrice.updateMany({
      where: { modelRouteId: modelId, ...priceInForceWhere(now) },
      data: { effectiveTo: now },
    });
    return this.db.modelPrice.create({ data: { ...price, modelRouteId: modelId, effectiveFrom: now } });
  }

  /** Every price version of a route, newest first. */
  async listPrices(modelId: string): Promise<ModelPrice[]> {
    return this.db.modelPrice.findMany({ where: { modelRouteId: modelId }, orderBy: { effectiveFrom: 'desc' } });
  }

  /** Subscriptions that may still call the product's models: requested or granted. */
  async countLiveSubscriptions(productId: string): Promise<number> {
    return this.db.subscription.count({ where: { productId, status: { in: ['PENDING', 'APPROVED'] } } });
  }

  /** Names of the product's plans whose allowed models list this alias. */
  async plansAllowingModel(productId: string, alias: string): Promise<string[]> {
    const plans = await this.db.plan.findMany({
      where: { productId, allowedModels: { has: alias } },
      select: { name: true },
      orderBy: { name: 'asc' },
    });
    return plans.map((plan) => plan.name);
  }

  /** Follows an alias rename in the product's plans, so a plan's allowed models keep naming the same model. */
  async renameModelInPlans(productId: string, from: string, to: string): Promise<void> {
    await this.db.$executeRaw`
      UPDATE plans SET allowed_models = array_replace(allowed_models, ${from}, ${to}), updated_at = now()
      WHERE product_id = ${productId}::uuid AND ${from} = ANY(allowed_models)`;
  }
}

function modelInclude(now: Date) {
  return {
    targets: { orderBy: [{ priority: 'asc' }, { weight: 'desc' }, { id: 'asc' }] },
    prices: { where: priceInForceWhere(now), orderBy: { effectiveFrom: 'desc' }, take: 1 },
  } satisfies Prisma.ModelRouteInclude;
}

function productInclude(now: Date) {
  return {
    modelRoutes: { orderBy: { alias: 'asc' }, include: modelInclude(now) },
    plans: { orderBy: { name: 'asc' } },
  } satisfies Prisma.ProductInclude;
}

function toModelRecord(route: ModelRoute & { prices: ModelPrice[]; targets: ModelTarget[] }): ProductModelRecord {
  const { prices, ...rest } = route;
  return { ...rest, price: prices[0] ?? null };
}

function toProductRecord(
  product: Product & { modelRoutes: (ModelRoute & { prices: ModelPrice[]; targets: ModelTarget[] })[]; plans: Plan[] },
): ProductRecord {
  const { modelRoutes, ...rest } = product;
  return { ...rest, models: modelRoutes.map(toModelRecord) };
}
