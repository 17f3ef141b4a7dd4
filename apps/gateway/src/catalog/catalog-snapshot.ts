import { type GatewayCatalogRecord, type GatewayHttpProduct } from '@gatehouse/db';
import { normalizeUpstreamPath } from '../pipeline/protocols/http-product/forwarded-path';
import { catalogAt } from './catalog-price';
import { type CatalogSnapshot, type HttpProductEntry } from './catalog.types';

/** The catalog as served at `now`, from one load of it. */
export function buildCatalogSnapshot(record: GatewayCatalogRecord, now: Date): CatalogSnapshot {
  const { models, nextPriceChangeAt } = catalogAt(record.models, now);
  return { models, httpProducts: httpProductsBySlug(record.httpProducts), nextPriceChangeAt };
}

function httpProductsBySlug(products: readonly GatewayHttpProduct[]): ReadonlyMap<string, HttpProductEntry> {
  const bySlug = new Map<string, HttpProductEntry>();
  for (const product of products) {
    const pathPrefix = normalizeUpstreamPath(product.httpUpstreamPath);
    const upstream =
      product.httpProviderId !== null && pathPrefix !== null
        ? { providerId: product.httpProviderId, pathPrefix }
        : null;
    bySlug.set(product.slug, { productId: product.id, slug: product.slug, upstream });
  }
  return bySlug;
}
