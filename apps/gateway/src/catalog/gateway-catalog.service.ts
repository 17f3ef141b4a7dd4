import { Injectable } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { InvalidationSubscriber } from '../common/invalidation.subscriber';
import { RefreshingIndex } from '../common/refreshing-index';
import { UpstreamProvidersService } from '../upstream';
import { buildCatalogSnapshot } from './catalog-snapshot';
import { type CatalogSnapshot } from './catalog.types';

/** setTimeout's longest delay (~24.8 days); a later price change is rescheduled by the periodic refreshes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The catalog in memory, so a warm request makes no query: every public model alias of the published products
 * (what tells 404 from 403, its price now, its routing targets) and every published HTTP product. One load reads
 * it all at one instant and swaps the snapshot whole, so a product change never shows half applied.
 *
 * Reloaded on `product`, `plan` and `provider` messages (a provider's `enabled` decides which targets are live); a
 * `provider` message (or a resubscription) also rebuilds the upstream pools, since a provider's base URL or
 * credential may have changed. A price version that starts (or ends) later than the load, written some other way
 * than the admin API's (which starts at once and announces the product), is loaded ahead: the catalog reloads
 * when it starts, so `price` stays the one in force without a query per request.
 */
@Injectable()
export class GatewayCatalog extends RefreshingIndex<CatalogSnapshot> {
  private priceTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repository: GatewaySnapshotRepository,
    private readonly providers: UpstreamProvidersService,
    invalidations: InvalidationSubscriber,
  ) {
    super(invalidations, 'The catalog is temporarily unavailable; try again shortly.');
  }

  override onApplicationShutdown(): void {
    super.onApplicationShutdown();
    this.clearPriceTimer();
  }

  override async onInvalidation(message: InvalidationMessage): Promise<void> {
    await Promise.all([super.onInvalidation(message), message.kind === 'provider' ? this.providers.reload() : null]);
  }

  override async onResubscribed(): Promise<void> {
    await Promise.all([super.onResubscribed(), this.providers.reload()]);
  }

  protected async load(): Promise<CatalogSnapshot> {
    const now = new Date();
    const snapshot = buildCatalogSnapshot(await this.repository.loadCatalog(now), now);
    for (const product of snapshot.httpProducts.values()) {
      if (product.upstream === null)
        this.logger.error(`HTTP product ${product.slug} has no provider or an unsafe upstream path`);
    }
    this.schedulePriceReload(snapshot.nextPriceChangeAt);
    return snapshot;
  }

  protected reloadsOn(message: InvalidationMessage): boolean {
    return message.kind === 'product' || message.kind === 'plan' || message.kind === 'provider';
  }

  private schedulePriceReload(at: Date | null): void {
    this.clearPriceTimer();
    if (at === null) return;
    // One ms past the boundary, where the new version is in force (effectiveFrom <= t < effectiveTo).
    const delay = Math.min(Math.max(at.getTime() - Date.now() + 1, 0), MAX_TIMER_MS);
    this.priceTimer = setTimeout(() => {
      this.priceTimer = null;
      void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'prices not refreshed'));
    }, delay);
    this.priceTimer.unref();
  }

  private clearPriceTimer(): void {
    if (this.priceTimer !== null) clearTimeout(this.priceTimer);
    this.priceTimer = null;
  }
}
