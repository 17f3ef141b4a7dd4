import { Injectable } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { InvalidationSubscriber } from '../common/invalidation.subscriber';
import { RefreshingIndex } from '../common/refreshing-index';
import { type CatalogModelEntry, type CatalogModelIndex } from './resolve-entitlement';

/**
 * Every public model alias of the published products, in memory: what tells a model nobody offers (404) from
 * one the key may not call (403) without a query.
 */
@Injectable()
export class ModelCatalogService extends RefreshingIndex<CatalogModelIndex> {
  constructor(
    private readonly repository: GatewaySnapshotRepository,
    invalidations: InvalidationSubscriber,
  ) {
    super(invalidations, 'The model catalog is temporarily unavailable; try again shortly.');
  }

  protected async load(): Promise<CatalogModelIndex> {
    const models = await this.repository.listPublishedModels();
    return new Map<string, CatalogModelEntry>(models.map((model) => [model.alias, model]));
  }

  protected reloadsOn(message: InvalidationMessage): boolean {
    return message.kind === 'product' || message.kind === 'plan';
  }
}
