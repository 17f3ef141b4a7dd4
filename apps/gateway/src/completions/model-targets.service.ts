import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { type DbClient, PRISMA_CLIENT } from '@gatehouse/db';
import { GatewayError } from '../common/gateway-error';
import { type InvalidationHandler, InvalidationSubscriber } from '../common/invalidation.subscriber';
import { UpstreamProvidersService, type UpstreamTarget } from '../upstream';

/** Reloaded this often even without a message, since Redis pub/sub may lose one. */
const REFRESH_INTERVAL_MS = 5 * 60_000;

export type ModelTargetIndex = ReadonlyMap<string, readonly UpstreamTarget[]>;

/**
 * The routing targets of every public model alias of the published products, in memory, so a warm request
 * makes no query (ARCHITECTURE §3). Only enabled targets on enabled providers. Loaded at boot without holding
 * it up, reloaded on `product` and `provider` invalidations (the latter reloads the upstream pools too), on resubscription and every five minutes.
 */
@Injectable()
export class ModelTargetsService implements OnApplicationBootstrap, OnApplicationShutdown, InvalidationHandler {
  private readonly logger = new Logger(ModelTargetsService.name);
  private index: ModelTargetIndex | null = null;
  private loading: Promise<ModelTargetIndex> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(PRISMA_CLIENT) private readonly db: DbClient,
    private readonly invalidations: InvalidationSubscriber,
    private readonly providers: UpstreamProvidersService,
  ) {}

  onApplicationBootstrap(): void {
    this.invalidations.register(this);
    void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'model targets not loaded yet'));
    this.timer = setInterval(() => {
      void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'model targets not refreshed'));
    }, REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  /** The targets of `alias` (empty when it has none); 503 when no load has succeeded and Postgres is down. */
  async targetsOf(alias: string): Promise<readonly UpstreamTarget[]> {
    return (await this.current()).get(alias) ?? [];
  }

  async onInvalidation(message: InvalidationMessage): Promise<void> {
    // A provider change may be its base URL or credential: the pools are rebuilt too.
    if (message.kind === 'provider') await Promise.all([this.refresh(), this.providers.reload()]);
    else if (message.kind === 'product') await this.refresh();
  }

  async onResubscribed(): Promise<void> {
    await Promise.all([this.refresh(), this.providers.reload()]);
  }

  /** Reads the targets again now (a reload asked for during a load waits for the next one). */
  refresh(): Promise<ModelTargetIndex> {
    const previous = this.loading ?? Promise.resolve(null);
    const load: Promise<ModelTargetIndex> = previous
      .catch(() => null)
      .then(async () => {
        const index = await this.load();
        this.index = index;
        return index;
      })
      .finally(() => {
        if (this.loading === load) this.loading = null;
      });
    this.loading = load;
    return load;
  }

  private async current(): Promise<ModelTargetIndex> {
    if (this.index !== null) return this.index;
    try {
      return await this.refresh();
    } catch {
      throw GatewayError.serviceUnavailable('The model routes are temporarily unavailable; try again shortly.');
    }
  }

  private async load(): Promise<ModelTargetIndex> {
    const routes = await this.db.modelRoute.findMany({
      where: { product: { status: 'PUBLISHED' } },
      select: {
        alias: true,
        targets: {
          where: { enabled: true, provider: { enabled: true } },
          select: { providerId: true, upstreamModel: true, weight: true, priority: true },
          orderBy: [{ priority: 'asc' }, { id: 'asc' }],
        },
      },
    });
    return new Map(routes.map((route) => [route.alias, route.targets]));
  }
}
