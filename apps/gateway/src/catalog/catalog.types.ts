import { type UpstreamTarget } from '../upstream';
import { type ModelKind } from './model-kind';

/** A model's price, decimal USD strings per 1M tokens (the shape `@gatehouse/domain`'s `TokenPrice` takes). */
export interface CatalogModelPrice {
  readonly inputPer1M: string;
  readonly outputPer1M: string;
  /** null = cached prompt tokens are charged as ordinary input. */
  readonly cachedInputPer1M: string | null;
}

/** A public model alias of a published product, as the catalog knows it. */
export interface CatalogModel {
  readonly alias: string;
  readonly productId: string;
  readonly productSlug: string;
  readonly createdAt: Date;
  /** The price version in force now; null when the model has none (then budgets see its calls as free). */
  readonly price: CatalogModelPrice | null;
  /** Where it is routed: enabled targets on enabled providers, by priority; empty when it has none. */
  readonly targets: readonly UpstreamTarget[];
  /** What it serves, read from its names (`model-kind.ts`); null when they do not say. */
  readonly kind: ModelKind | null;
}

/** A published HTTP product, as a request to `/apis/{slug}/...` needs it. */
export interface HttpProductEntry {
  readonly productId: string;
  readonly slug: string;
  /**
   * Where the product is forwarded: its provider and the path prefix (`''` for none). Null when the product
   * row cannot be served (no provider, or an unsafe upstream path): a configuration error, answered with 502.
   */
  readonly upstream: { readonly providerId: string; readonly pathPrefix: string } | null;
}

/**
 * Everything the gateway serves, as one load read it: a request that takes the snapshot once sees a product's
 * price, targets and HTTP upstream of the same instant. Never changed after it is built; a reload replaces it.
 */
export interface CatalogSnapshot {
  /** By public alias; an alias missing here is offered by no published product (404). */
  readonly models: ReadonlyMap<string, CatalogModel>;
  /** By slug; a slug missing here is a 404 (unknown, draft or retired product). */
  readonly httpProducts: ReadonlyMap<string, HttpProductEntry>;
  /** When a loaded price version starts or ends (null: none does), the moment `models` stop being current. */
  readonly nextPriceChangeAt: Date | null;
}
