import { type DynamicModule, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { JobProducer } from '@gatehouse/jobs';
import { createRedisClient, queuePrefix } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { DEFAULT_USAGE_RECORDER_OPTIONS, UsageRecorder, type UsageRecorderOptions } from './usage-recorder';
import { UsageSpool } from './usage-spool';

export interface UsageModuleOptions {
  redisUrl: string;
  /** The deployment's Redis prefix, which BullMQ queues carry too. */
  keyPrefix: string;
  spoolDir: string;
  recorder?: Partial<UsageRecorderOptions>;
}

const USAGE_REDIS = Symbol('USAGE_REDIS');

@Injectable()
class UsageLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly recorder: UsageRecorder,
    private readonly producer: JobProducer,
    @Inject(USAGE_REDIS) private readonly redis: Redis,
  ) {}

  /** After the HTTP server has finished its requests (Nest closes it before the shutdown hooks). */
  async onApplicationShutdown(): Promise<void> {
    await this.recorder.close();
    await this.producer.close();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

/**
 * Usage events (docs/architecture.md, The gateway): the recorder, its BullMQ producer and the disk spool. The producer has
 * a Redis connection of its own whose commands fail at once while Redis is away (no offline queue), so that a
 * batch is spooled instead of waiting in memory.
 */
@Module({})
export class UsageModule {
  static forRoot(options: UsageModuleOptions): DynamicModule {
    return {
      module: UsageModule,
      providers: [
        {
          provide: USAGE_REDIS,
          useFactory: () =>
            createRedisClient(options.redisUrl, {
              connectionName: 'gateway-usage',
              enableOfflineQueue: false,
              maxRetriesPerRequest: 1,
            }),
        },
        {
          provide: JobProducer,
          inject: [USAGE_REDIS],
          useFactory: (redis: Redis) =>
            new JobProducer(redis, queuePrefix(options.keyPrefix), (error) =>
              // The recorder reports an outage once, as a warning; the connection's own retries stay at debug.
              new Logger(UsageModule.name).debug({ err: error }, 'usage queue connection error'),
            ),
        },
        { provide: UsageSpool, useFactory: () => UsageSpool.open(options.spoolDir) },
        {
          provide: UsageRecorder,
          inject: [JobProducer, UsageSpool],
          useFactory: (producer: JobProducer, spool: UsageSpool) =>
            new UsageRecorder(producer, spool, { ...DEFAULT_USAGE_RECORDER_OPTIONS, ...options.recorder }),
        },
        UsageLifecycle,
      ],
      exports: [UsageRecorder],
    };
  }
}
