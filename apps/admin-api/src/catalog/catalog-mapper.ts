import {
  type AdminModelResponse,
  type AdminProductResponse,
  type CatalogModelResponse,
  type CatalogProductResponse,
  type ModelPriceResponse,
} from '@gatehouse/contracts';
import {
  type CatalogModel,
  type CatalogProduct,
  type ModelPrice,
  type ProductModelRecord,
  type ProductRecord,
} from '@gatehouse/db';
import { decimalToString } from '@gatehouse/domain';
import { toAdminPlanSummary, toCatalogPlan } from '../plans/plan-mapper';

export function toCatalogModel(model: CatalogModel): CatalogModelResponse {
  const { price } = model;
  return {
    id: model.id,
    name: model.alias,
    inputPricePer1M: price ? decimalToString(price.inputPer1M) : null,
    outputPricePer1M: price ? decimalToString(price.outputPer1M) : null,
    cachedInputPricePer1M: price?.cachedInputPer1M ? decimalToString(price.cachedInputPer1M) : null,
  };
}

/** The public catalog's product: published, with its models' current prices and its active plans. */
export function toCatalogProduct(product: CatalogProduct): CatalogProductResponse {
  return {
    id: product.id,
    slug: product.slug,
    name: product.name,
    description: product.description,
    kind: product.kind,
    models: product.models.map(toCatalogModel),
    plans: product.plans.map(toCatalogPlan),
  };
}

export function toAdminModel(model: ProductModelRecord): AdminModelResponse {
  return {
    ...toCatalogModel(model),
    priceEffectiveFrom: model.price?.effectiveFrom.toISOString() ?? null,
    targets: model.targets.map((target) => ({
      id: target.id,
      providerId: target.providerId,
      upstreamModel: target.upstreamModel,
      weight: target.weight,
      priority: target.priority,
      enabled: target.enabled,
    })),
  };
}

/** The catalog's product shape plus the admin-only parts (status, upstream, targets, retired plans). */
export function toAdminProduct(product: ProductRecord): AdminProductResponse {
  return {
    id: product.id,
    slug: product.slug,
    name: product.name,
    description: product.description,
    kind: product.kind,
    status: product.status,
    http:
      product.kind === 'HTTP' ? { providerId: product.httpProviderId, upstreamPath: product.httpUpstreamPath } : null,
    models: product.models.map(toAdminModel),
    plans: product.plans.map(toAdminPlanSummary),
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

export function toPriceVersion(price: ModelPrice): ModelPriceResponse {
  return {
    id: price.id,
    inputPer1M: decimalToString(price.inputPer1M),
    outputPer1M: decimalToString(price.outputPer1M),
    cachedInputPer1M: price.cachedInputPer1M ? decimalToString(price.cachedInputPer1M) : null,
    effectiveFrom: price.effectiveFrom.toISOString(),
    effectiveTo: price.effectiveTo?.toISOString() ?? null,
  };
}
