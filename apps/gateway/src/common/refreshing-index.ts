import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type InvalidationMessage } from '@gatehouse/contracts';
import { GatewayError } from './gateway-error';
import { type InvalidationHandler, type InvalidationSubscriber } from './invalidation.subscriber';

/** Reloaded this often even without a message, since Redis pub/sub may lose one. */
const REFRESH_INTERVAL_MS = 5 * 60_000;

/**
 * An in-memory index read from Postgres, so that warm requests make no query. Loaded at
 * boot without holding it up (the app must start, and answer /healthz, while Postgres is down), reloaded on
 * the invalidation messages `reloadsOn` accepts, after a resubscription (messages may have been lost) and
 * every five minutes. Loads never overlap: a refresh asked for during a load runs after it, so it sees the
 * change that asked for it.
 */
export abstract class RefreshingIndex<Index>
  implements OnApplicationBootstrap, OnApplicationShutdown, InvalidationHandler
{
  protected readonly logger = new Logger(this.constructor.name);
  private index: Index | null = null;
  private loading: Promise<Index> | null = null;
  private timer: NodeJS.Timeout | null = null;

  protected constructor(
    private readonly invalidations: InvalidationSubscriber,
    /** What a request hears when no load has succeeded yet and Postgres is down. */
    private readonly unavailableMessage: string,
  ) {}

  protected abstract load(): Promise<Index>;

  protected abstract reloadsOn(message: InvalidationMessage): boolean;

  onApplicationBootstrap(): void {
    this.invalidations.register(this);
    void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'not loaded yet'));
    this.timer = setInterval(() => {
      void this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'not refreshed'));
    }, REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  async onInvalidation(message: InvalidationMessage): Promise<void> {
    if (this.reloadsOn(message)) await this.refresh();
  }

  async onResubscribed(): Promise<void> {
    await this.refresh();
  }

  /** The index as last loaded, or null before the first load succeeds (then `current` loads it). */
  peek(): Index | null {
    return this.index;
  }

  /** The index; loads it first when no load has succeeded yet (503 when that fails). */
  async current(): Promise<Index> {
    if (this.index !== null) return this.index;
    try {
      return await this.refresh();
    } catch {
      throw GatewayError.serviceUnavailable(this.unavailableMessage);
    }
  }

  refresh(): Promise<Index> {
    const previous = this.loading ?? Promise.resolve(null);
    const load: Promise<Index> = previous
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
}
