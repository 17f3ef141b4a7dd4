import { type DynamicModule, Module } from '@nestjs/common';
import { type GatewayConfig } from '@gatehouse/config';
import { DbModule, PostgresHealthProbe } from '@gatehouse/db';
import { callLogKeyring } from '@gatehouse/domain';
import { type HostResolver } from '@gatehouse/egress';
import { HealthModule, LoggerModule } from '@gatehouse/observability';
import { type LimitsEngineOptions, RedisHealthProbe, RedisModule } from '@gatehouse/redis';
import { type Logger } from 'pino';
import { type KeySnapshotCacheOptions } from './auth/key-snapshot.cache';
import { CommonModule } from './common/common.module';
import { GATEWAY_CONFIG } from './gateway.constants';
import { GatewayObservabilityModule } from './observability/observability.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { type ResponsesStoreOptions } from './responses/responses-store';
import { type UsageRecorderOptions } from './usage/usage-recorder';

/** What the config does not carry: tests shorten the key cache's lifetimes and the usage recorder's timers. */
export interface GatewayModuleOptions {
  keySnapshotCache?: Partial<KeySnapshotCacheOptions>;
  usageRecorder?: Partial<UsageRecorderOptions>;
  /** Tests pass a clock or shorter timeouts. */
  limitsEngine?: LimitsEngineOptions;
  /** How providers that are not internal have their host names resolved; tests make names point at loopback. */
  upstreamResolver?: HostResolver;
  /** Where the one line per request goes; tests read it. The app's logger otherwise. */
  requestLogger?: Logger;
  /** Tests lower the stored Responses' size cap and their save's deadline. */
  responsesStore?: Partial<Pick<ResponsesStoreOptions, 'maxStoredBytes' | 'saveTimeoutMs'>>;
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
        // The metrics are on their own port (GATEWAY_METRICS_PORT), not on the public one.
        GatewayObservabilityModule.forRoot(config, options.requestLogger),
        CommonModule,
        PipelineModule.forRoot({
          keySnapshotCache: options.keySnapshotCache,
          upstream: {
            credentialKey: Buffer.from(config.credentialEncryptionKey, 'base64'),
            pool: { connections: config.upstream.connectionsPerOrigin, resolver: options.upstreamResolver },
          },
          guardrails: { allowLoopback: config.guardrails.allowLoopback },
          tracing: config.tracing,
          callLogKeys: callLogKeyring(config.callLogKeys.current, config.callLogKeys.previous),
          responses: { retentionHours: config.responses.retentionHours, store: options.responsesStore },
          hotPath: {
            redisUrl: config.redis.url,
            keyPrefix: config.redis.keyPrefix,
            limits: {
              engine: options.limitsEngine,
              request: {
                defaultMaxTokens: config.limits.defaultMaxTokens,
                reservationTtlMs: config.limits.reservationTtlMs,
              },
            },
            usage: {
              spoolDir: config.usage.spoolDir,
              recorder: {
                batchSize: config.usage.batchSize,
                flushIntervalMs: config.usage.flushIntervalMs,
                ...options.usageRecorder,
              },
            },
          },
        }),
      ],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
