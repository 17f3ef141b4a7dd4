import { type DynamicModule, Module } from '@nestjs/common';
import { PRISMA_CLIENT, ProviderRepository, type DbClient } from '@gatehouse/db';
import { type CircuitBreakerOptions } from '@gatehouse/domain';
import { GatewayMetrics } from '../observability/gateway-metrics';
import { circuitReadings, upstreamAttemptsRecorder } from '../observability/upstream-metrics';
import { CircuitBreakers } from './circuit-breakers';
import { DEFAULT_UPSTREAM_RETRY_OPTIONS, UpstreamCaller, type UpstreamRetryOptions } from './upstream-caller';
import { DEFAULT_UPSTREAM_POOL_OPTIONS, type UpstreamPoolOptions, UpstreamPools } from './upstream-pools';
import { UpstreamProvidersService } from './upstream-providers.service';

export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: CircuitBreakerOptions = { failureThreshold: 5, cooldownMs: 10_000 };

export interface UpstreamModuleOptions {
  /** The key provider credentials are encrypted with (`CREDENTIAL_ENCRYPTION_KEY`, 32 bytes). */
  credentialKey: Buffer;
  pool?: Partial<UpstreamPoolOptions>;
  retry?: Partial<UpstreamRetryOptions>;
  circuitBreaker?: Partial<CircuitBreakerOptions>;
}

/**
 * Routing to upstream providers: `UpstreamCaller` for the endpoint controllers, `UpstreamPools` and
 * `UpstreamProvidersService` (`reload()` on a provider invalidation). Needs `DbModule` (global) for the providers.
 */
@Module({})
export class UpstreamModule {
  static forRoot(options: UpstreamModuleOptions): DynamicModule {
    return {
      module: UpstreamModule,
      providers: [
        {
          provide: ProviderRepository,
          useFactory: (db: DbClient) => new ProviderRepository(db),
          inject: [PRISMA_CLIENT],
        },
        {
          provide: UpstreamPools,
          useFactory: () => new UpstreamPools({ ...DEFAULT_UPSTREAM_POOL_OPTIONS, ...options.pool }),
        },
        {
          provide: CircuitBreakers,
          useFactory: () => new CircuitBreakers({ ...DEFAULT_CIRCUIT_BREAKER_OPTIONS, ...options.circuitBreaker }),
        },
        {
          provide: UpstreamCaller,
          // The metrics are the gateway's (a global module); a module built without them records none.
          useFactory: (pools: UpstreamPools, breakers: CircuitBreakers, metrics: GatewayMetrics | undefined) => {
            metrics?.watchCircuits(circuitReadings(breakers, pools));
            return new UpstreamCaller(
              pools,
              breakers,
              { ...DEFAULT_UPSTREAM_RETRY_OPTIONS, ...options.retry },
              { observeAttempts: metrics === undefined ? undefined : upstreamAttemptsRecorder(metrics, pools) },
            );
          },
          inject: [UpstreamPools, CircuitBreakers, { token: GatewayMetrics, optional: true }],
        },
        {
          provide: UpstreamProvidersService,
          useFactory: (repository: ProviderRepository, pools: UpstreamPools) =>
            new UpstreamProvidersService(repository, pools, options.credentialKey),
          inject: [ProviderRepository, UpstreamPools],
        },
      ],
      exports: [UpstreamCaller, UpstreamPools, UpstreamProvidersService],
    };
  }
}
