import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { createRedisClient, LimitsEngine, type LimitsEngineOptions, RedisKeys } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { DEFAULT_REQUEST_LIMITS_OPTIONS, REQUEST_LIMITS_OPTIONS, type RequestLimitsOptions } from './limits.options';

export interface LimitsModuleOptions {
  redisUrl: string;
  keyPrefix: string;
  engine?: LimitsEngineOptions;
  request?: Partial<RequestLimitsOptions>;
}

const LIMITS_REDIS = Symbol('LIMITS_REDIS');
/** How long boot waits for the connection: without an offline queue, commands sent before it is ready fail. */
const CONNECT_WAIT_MS = 5_000;

@Injectable()
class LimitsLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly engine: LimitsEngine,
    @Inject(LIMITS_REDIS) private readonly redis: Redis,
  ) {}

  /** Waits a little for the connection, never fails boot: while Redis is away the engine serves degraded. */
  async onModuleInit(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CONNECT_WAIT_MS);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** After the HTTP server has finished its requests, so their settlements went out first. */
  async onApplicationShutdown(): Promise<void> {
    this.engine.close();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

/**
 * The limits engine (docs/limits.md) on a Redis connection of its own whose commands fail at once while
 * Redis is away (no offline queue): an admit then falls back (or fails closed) immediately instead of waiting, and
 * no admit queued during an outage runs late, after its request was answered, holding budget nobody settles.
 */
@Module({})
export class LimitsModule {
  static forRoot(options: LimitsModuleOptions): DynamicModule {
    return {
      module: LimitsModule,
      providers: [
        {
          provide: LIMITS_REDIS,
          useFactory: () => {
            const redis = createRedisClient(options.redisUrl, {
              connectionName: 'gateway-limits',
              enableOfflineQueue: false,
              enableAutoPipelining: true,
              maxRetriesPerRequest: 1,
            });
            // The engine reports an outage once, as a warning; the connection's own retries stay at debug.
            redis.on('error', (error) =>
              new Logger(LimitsModule.name).debug({ err: error }, 'limits connection error'),
            );
            return redis;
          },
        },
        {
          provide: LimitsEngine,
          inject: [LIMITS_REDIS],
          useFactory: (redis: Redis) => new LimitsEngine(redis, new RedisKeys(options.keyPrefix), options.engine),
        },
        {
          provide: REQUEST_LIMITS_OPTIONS,
          useValue: { ...DEFAULT_REQUEST_LIMITS_OPTIONS, ...options.request },
        },
        LimitsLifecycle,
      ],
      exports: [LimitsEngine, REQUEST_LIMITS_OPTIONS],
    };
  }
}
