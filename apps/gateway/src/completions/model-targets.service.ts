import { Injectable } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { InvalidationSubscriber } from '../common/invalidation.subscriber';
import { RefreshingIndex } from '../common/refreshing-index';
import { UpstreamProvidersService, type UpstreamTarget } from '../upstream';

export type ModelTargetIndex = ReadonlyMap<string, readonly UpstreamTarget[]>;

/**
 * The routing targets of every public model alias of the published products, in memory, so a warm request
 * makes no query. A `provider` message (or a resubscription) also rebuilds the upstream pools, since a
 * provider's base URL or credential may have changed.
 */
@Injectable()
export class ModelTargetsService extends RefreshingIndex<ModelTargetIndex> {
  constructor(
    private readonly repository: GatewaySnapshotRepository,
    private readonly providers: UpstreamProvidersService,
    invalidations: InvalidationSubscriber,
  ) {
    super(invalidations, 'The model routes are temporarily unavailable; try again shortly.');
  }

  /** The targets of `alias` (empty when it has none); 503 when no load has succeeded and Postgres is down. */
  async targetsOf(alias: string): Promise<readonly UpstreamTarget[]> {
    return (await this.current()).get(alias) ?? [];
  }

  override async onInvalidation(message: InvalidationMessage): Promise<void> {
    await Promise.all([super.onInvalidation(message), message.kind === 'provider' ? this.providers.reload() : null]);
  }

  override async onResubscribed(): Promise<void> {
    await Promise.all([super.onResubscribed(), this.providers.reload()]);
  }

  protected async load(): Promise<ModelTargetIndex> {
    const routes = await this.repository.listModelTargets();
    return new Map(routes.map((route) => [route.alias, route.targets]));
  }

  protected reloadsOn(message: InvalidationMessage): boolean {
    return message.kind === 'product' || message.kind === 'provider';
  }
}
