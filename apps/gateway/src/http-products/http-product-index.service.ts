import { Injectable } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { InvalidationSubscriber } from '../common/invalidation.subscriber';
import { RefreshingIndex } from '../common/refreshing-index';
import { normalizeUpstreamPath } from '../pipeline/protocols/http-product/forwarded-path';

/** A published HTTP product, as a request to `/apis/{slug}/...` needs it. */
export interface HttpProductEntry {
  productId: string;
  slug: string;
  /**
   * Where the product is forwarded: its provider and the path prefix (`''` for none). Null when the product
   * row cannot be served (no provider, or an unsafe upstream path): a configuration error, answered with 502.
   */
  upstream: { providerId: string; pathPrefix: string } | null;
}

export type HttpProductIndex = ReadonlyMap<string, HttpProductEntry>;

/**
 * The published HTTP products by slug, in memory, so a warm request makes no query. A slug missing here is a
 * 404 (unknown, draft or retired product). Provider changes need no reload: the entry names the provider, and
 * the upstream pools (reloaded on `provider` messages) hold its base URL and credential.
 */
@Injectable()
export class HttpProductIndexService extends RefreshingIndex<HttpProductIndex> {
  constructor(
    private readonly repository: GatewaySnapshotRepository,
    invalidations: InvalidationSubscriber,
  ) {
    super(invalidations, 'The HTTP product catalog is temporarily unavailable; try again shortly.');
  }

  /** The product served at `slug`, or undefined; 503 when no load has succeeded and Postgres is down. */
  async bySlug(slug: string): Promise<HttpProductEntry | undefined> {
    return (await this.current()).get(slug);
  }

  protected async load(): Promise<HttpProductIndex> {
    const products = await this.repository.listPublishedHttpProducts();
    const index = new Map<string, HttpProductEntry>();
    for (const product of products) {
      const pathPrefix = normalizeUpstreamPath(product.httpUpstreamPath);
      const upstream =
        product.httpProviderId !== null && pathPrefix !== null
          ? { providerId: product.httpProviderId, pathPrefix }
          : null;
      if (upstream === null)
        this.logger.error(`HTTP product ${product.slug} has no provider or an unsafe upstream path`);
      index.set(product.slug, { productId: product.id, slug: product.slug, upstream });
    }
    return index;
  }

  protected reloadsOn(message: InvalidationMessage): boolean {
    return message.kind === 'product';
  }
}
