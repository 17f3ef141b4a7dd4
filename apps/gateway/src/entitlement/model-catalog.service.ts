import { Injectable } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { InvalidationSubscriber } from '../common/invalidation.subscriber';
import { RefreshingIndex } from '../common/refreshing-index';
import { catalogAt } from './catalog-price';
import { type CatalogModelIndex } from './resolve-entitlement';

/** setTimeout's longest delay (~24.8 days); a later price change is rescheduled by the periodic refreshes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Every public model alias of the published products, in memory: what tells a model nobody offers (404) from
 * one the key may not call (403) without a query, and the price each model is charged at now.
 *
 * A price change through the admin API starts at once and announces the product, which reloads this index. A
 * version that starts (or ends) later, written some other way, is loaded ahead with the others: the index
 * reloads when it starts, so the entry's `price` stays the one in force without a query per request.
 */
@Injectable()
export class ModelCatalogService extends RefreshingIndex<CatalogModelIndex> {
  private priceTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repository: GatewaySnapshotRepository,
    invalidations: InvalidationSubscriber,
  ) {
    super(invalidations, 'The model catalog is temporarily unavailable; try again shortly.');
  }

  override onApplicationShutdown(): void {
    super.onApplicationShutdown();
    this.clearPriceTimer();
  }

  protected async load(): Promise<CatalogModelIndex> {
    const now = new Date();
    const { index, nextPriceChangeAt } = catalogAt(await this.repository.listPublishedModels(now), now);
    this.clearPriceTimer();
    if (nextPriceChangeAt !== null) {
      // One ms past the boundary, where the new version is in force (effectiveFrom <= t < effectiveTo).
      const delay = Math.min(Math.max(nextPriceChangeAt.getTime() - Date.now() + 1, 0), MAX_TIMER_MS);
      this.priceTimer = setTimeout(() => {
        this.priceTimer = null;
        void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'prices not refreshed'));
      }, delay);
      this.priceTimer.unref();
    }
    return index;
  }

  protected reloadsOn(message: InvalidationMessage): boolean {
    return message.kind === 'product' || message.kind === 'plan';
  }

  private clearPriceTimer(): void {
    if (this.priceTimer !== null) clearTimeout(this.priceTimer);
    this.priceTimer = null;
  }
}
