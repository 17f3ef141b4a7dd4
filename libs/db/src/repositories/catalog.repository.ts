import { type ModelPrice, type ModelRoute, type Plan, Prisma, type Product } from '../generated/prisma/client';
import { type Page, type PageRequest, pageArgs, toPage } from '../pagination';
import { type DbClient } from '../prisma-client';
import { isUuid } from '../uuid';

/** A model alias with the price in force (null when the route has none, which the catalog shows as unpriced). */
export type CatalogModel = ModelRoute & { price: ModelPrice | null };
export type CatalogProduct = Product & { models: CatalogModel[]; plans: Plan[] };

/** Prices in force at `now`: effectiveFrom <= now < effectiveTo (open-ended when effectiveTo is null). */
export function priceInForceWhere(now: Date): Prisma.ModelPriceWhereInput {
  return { effectiveFrom: { lte: now }, OR: [{ effectiveTo: null }, { effectiveTo: { gt: now } }] };
}

/**
 * The catalog is platform-wide, not tenant-owned: every tenant sees the same published products, so nothing
 * here takes a TenantId.
 */
export class CatalogRepository {
  constructor(private readonly db: DbClient) {}

  /** Published products with their models (current price) and active plans, ordered by name. */
  async listPublishedProducts(now: Date = new Date()): Promise<CatalogProduct[]> {
    const products = await this.db.product.findMany({
      where: { status: 'PUBLISHED' },
      include: this.catalogInclude(now),
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
    return products.map(toCatalogProduct);
  }

  /** One page of `listPublishedProducts`, for the public catalog endpoint. */
  async pagePublishedProducts(page: PageRequest = {}, now: Date = new Date()): Promise<Page<CatalogProduct>> {
    const products = await this.db.product.findMany({
      where: { status: 'PUBLISHED' },
      include: this.catalogInclude(now),
      ...pageArgs(page),
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
    return toPage(products.map(toCatalogProduct), page);
  }

  async findPublishedProductById(id: string, now: Date = new Date()): Promise<CatalogProduct | null> {
    if (!isUuid(id)) return null;
    const product = await this.db.product.findFirst({
      where: { id, status: 'PUBLISHED' },
      include: this.catalogInclude(now),
    });
    return product === null ? null : toCatalogProduct(product);
  }

  async findPublishedProductBySlug(slug: string, now: Date = new Date()): Promise<CatalogProduct | null> {
    const product = await this.db.product.findFirst({
      where: { slug, status: 'PUBLISHED' },
      include: this.catalogInclude(now),
    });
    return product === null ? null : toCatalogProduct(product);
  }

  private catalogInclude(now: Date) {
    return {
      modelRoutes: {
        orderBy: { alias: 'asc' },
        include: { prices: { where: priceInForceWhere(now), orderBy: { effectiveFrom: 'desc' }, take: 1 } },
      },
      plans: { where: { status: 'ACTIVE' }, orderBy: { name: 'asc' } },
    } satisfies Prisma.ProductInclude;
  }
}

function toCatalogProduct(
  product: Product & { modelRoutes: (ModelRoute & { prices: ModelPrice[] })[]; plans: Plan[] },
): CatalogProduct {
  const { modelRoutes, ...rest } = product;
  return {
    ...rest,
    models: modelRoutes.map(({ prices, ...route }) => ({ ...route, price: prices[0] ?? null })),
  };
}
