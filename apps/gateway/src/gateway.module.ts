import { type DynamicModule, Module } from '@nestjs/common';
import { type GatewayConfig } from '@gatehouse/config';
import { DbModule, PostgresHealthProbe } from '@gatehouse/db';
import { type HostResolver } from '@gatehouse/egress';
import { HealthModule, LoggerModule, MetricsModule } from '@gatehouse/observability';
import { type LimitsEngineOptions, RedisHealthProbe, RedisModule } from '@gatehouse/redis';
import { AuthModule } from './auth/auth.module';
import { type KeySnapshotCacheOptions } from './auth/key-snapshot.cache';
import { CommonModule } from './common/common.module';
import { CompletionsModule } from './completions/completions.module';
import { EntitlementModule } from './entitlement/entitlement.module';
import { GATEWAY_CONFIG } from './gateway.constants';
import { HttpProductsModule } from './http-products/http-products.module';
import { MessagesModule } from './messages/messages.module';
import { ModelsModule } from './models/models.module';
import { LimitsModule } from './limits/limits.module';
import { UpstreamModule } from './upstream/upstream.module';
import { type UsageRecorderOptions } from './usage/usage-recorder';
import { UsageModule } from './usage/usage.module';

/** What the config does not carry: tests shorten the key cache's lifetimes and the usage recorder's timers. */
export interface GatewayModuleOptions {
  keySnapshotCache?: Partial<KeySnapshotCacheOptions>;
  usageRecorder?: Partial<UsageRecorderOptions>;
  /** Tests pass a clock or shorter timeouts. */
  limitsEngine?: LimitsEngineOptions;
  /** How providers that are not internal have their host names resolved; tests make names point at loopback. */
  upstreamResolver?: HostResolver;
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, options: GatewayModuleOptions = {}): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        LoggerModule.forRoot({
          appName: 'gateway',
          level: config.logLevel,
          format: config.logFormat,
          logRequests: false,
          requestContext: false,
        }),
        DbModule.forRoot({ url: config.database.url, readUrl: config.database.readUrl }),
        RedisModule.forRoot({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, connectionName: 'gateway' }),
        HealthModule.register([PostgresHealthProbe, RedisHealthProbe]),
        MetricsModule,
        CommonModule,
        AuthModule.forRoot(options.keySnapshotCache),
        EntitlementModule,
        ModelsModule,
        // Global: the endpoint modules (completions now, messages and HTTP products later) all call upstreams.
        {
          ...UpstreamModule.forRoot({
            credentialKey: Buffer.from(config.credentialEncryptionKey, 'base64'),
            pool: { connections: config.upstream.connectionsPerOrigin, resolver: options.upstreamResolver },
          }),
          global: true,
        },
        LimitsModule.forRoot({
          redisUrl: config.redis.url,
          keyPrefix: config.redis.keyPrefix,
          engine: options.limitsEngine,
          requestLimits: {
            defaultMaxTokens: config.limits.defaultMaxTokens,
            reservationTtlMs: config.limits.reservationTtlMs,
          },
        }),
        UsageModule.forRoot({
          redisUrl: config.redis.url,
          keyPrefix: config.redis.keyPrefix,
          spoolDir: config.usage.spoolDir,
          recorder: {
            batchSize: config.usage.batchSize,
            flushIntervalMs: config.usage.flushIntervalMs,
            ...options.usageRecorder,
          },
        }),
        CompletionsModule,
        MessagesModule,
        HttpProductsModule,
      ],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
