import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ProviderRepository } from '@gatehouse/db';
import { loadUpstreamProviders } from './provider-loader';
import { type UpstreamPools } from './upstream-pools';

/** Until the first load succeeds (Postgres down at boot), it is retried this often. */
const RETRY_LOAD_MS = 5_000;

/**
 * Fills the pools from the configured providers at boot and closes them on shutdown. Postgres being down at boot
 * must not stop the gateway from starting (its /healthz reports it), so a failed load is retried in the
 * background. `reload()` is for the provider invalidation message (wired with the pub/sub subscriber).
 */
export class UpstreamProvidersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UpstreamProviders');
  private retryTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly repository: ProviderRepository,
    private readonly pools: UpstreamPools,
    private readonly credentialKey: Buffer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      this.logger.warn(`providers not loaded, retrying in ${RETRY_LOAD_MS} ms: ${(error as Error).message}`);
      this.scheduleRetry();
    }
  }

  /** Reads the providers again and swaps them in; concurrent calls share one load. */
  reload(): Promise<void> {
    this.reloading ??= this.load().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    await this.pools.close();
  }

  private async load(): Promise<void> {
    const { providers, skipped } = await loadUpstreamProviders(this.repository, this.credentialKey);
    const { rejected } = await this.pools.setProviders(providers);
    for (const { id, reason } of [...skipped, ...rejected]) this.logger.error(`provider ${id} left out: ${reason}`);
    this.logger.log(`${providers.length - rejected.length} upstream providers loaded`);
  }

  private scheduleRetry(): void {
    this.retryTimer = setTimeout(() => {
      this.reload().catch((error: unknown) => {
        this.logger.warn(`providers not loaded, retrying in ${RETRY_LOAD_MS} ms: ${(error as Error).message}`);
        this.scheduleRetry();
      });
    }, RETRY_LOAD_MS);
    this.retryTimer.unref();
  }
}
