import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { GatewayError } from '../common/gateway-error';
import { type InvalidationHandler, InvalidationSubscriber } from '../common/invalidation.subscriber';
import { type CatalogModelIndex, type CatalogModelEntry } from './resolve-entitlement';

/** Reloaded this often even without a message, since Redis pub/sub may lose one. */
const REFRESH_INTERVAL_MS = 5 * 60_000;

/**
 * Every public model alias of the published products, in memory: what tells a model nobody offers (404) from
 * one the key may not call (403) without a query. Loaded at boot (without holding the boot up: the gateway
 * starts while Postgres is down), reloaded on `product` and `plan` invalidations and every five minutes.
 */
@Injectable()
export class ModelCatalogService implements OnApplicationBootstrap, OnApplicationShutdown, InvalidationHandler {
  private readonly logger = new Logger(ModelCatalogService.name);
  private index: CatalogModelIndex | null = null;
  private loading: Promise<CatalogModelIndex> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repository: GatewaySnapshotRepository,
    private readonly invalidations: InvalidationSubscriber,
  ) {}

  onApplicationBootstrap(): void {
    this.invalidations.register(this);
    void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'model catalog not loaded yet'));
    this.timer = setInterval(() => {
      void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'model catalog not refreshed'));
    }, REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  /** The index; loads it first when no load has succeeded yet (503 when Postgres is down). */
  async current(): Promise<CatalogModelIndex> {
    if (this.index !== null) return this.index;
    try {
      return await this.refresh();
    } catch {
      throw GatewayError.serviceUnavailable('The model catalog is temporarily unavailable; try again shortly.');
    }
  }

  async onInvalidation(message: InvalidationMessage): Promise<void> {
    if (message.kind === 'product' || message.kind === 'plan') await this.refresh();
  }

  async onResubscribed(): Promise<void> {
    await this.refresh();
  }

  /** One load at a time; a refresh asked for during a load waits for the next one, which sees the change. */
  private refresh(): Promise<CatalogModelIndex> {
    const previous = this.loading ?? Promise.resolve(null);
    const load: Promise<CatalogModelIndex> = previous
      .catch(() => null)
      .then(async () => {
        const models = await this.repository.listPublishedModels();
        const index = new Map<string, CatalogModelEntry>(models.map((model) => [model.alias, model]));
        this.index = index;
        return index;
      })
      .finally(() => {
        if (this.loading === load) this.loading = null;
      });
    this.loading = load;
    return load;
  }
}
