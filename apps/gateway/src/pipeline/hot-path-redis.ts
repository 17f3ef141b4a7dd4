import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { JobProducer } from '@gatehouse/jobs';
import {
  createHotPathRedisClient,
  LimitsEngine,
  type LimitsEngineOptions,
  queuePrefix,
  RedisKeys,
} from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import {
  DEFAULT_REQUEST_LIMITS_OPTIONS,
  REQUEST_LIMITS_OPTIONS,
  type RequestLimitsOptions,
} from '../limits/limits.options';
import { DEFAULT_USAGE_RECORDER_OPTIONS, UsageRecorder, type UsageRecorderOptions } from '../usage/usage-recorder';
import { UsageSpool } from '../usage/usage-spool';

export interface HotPathRedisOptions {
  redisUrl: string;
  /** The deployment's Redis prefix; BullMQ's queues carry it too. */
  keyPrefix: string;
  limits?: { engine?: LimitsEngineOptions; request?: Partial<RequestLimitsOptions> };
  usage: { spoolDir: string; recorder?: Partial<UsageRecorderOptions> };
}

/** The one connection of the request path's Redis work: the limits' scripts and the usage batches. */
export const HOT_PATH_REDIS = Symbol('HOT_PATH_REDIS');

/** How long boot waits for the connection: without an offline queue, commands sent before it is ready fail. */
const CONNECT_WAIT_MS = 5_000;

/**
 * Closes the request path's Redis work in order, after the HTTP server has finished its requests (and so their
 * end-of-request steps were tracked): the recorder's last flush, the producer, the limits engine, then the
 * connection they share.
 */
@Injectable()
class HotPathLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(HOT_PATH_REDIS) private readonly redis: Redis,
    private readonly engine: LimitsEngine,
    private readonly recorder: UsageRecorder,
    private readonly producer: JobProducer,
  ) {}

  /** Waits a little for the connection, never fails boot: while Redis is away the limits serve degraded. */
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

  async onApplicationShutdown(): Promise<void> {
    await this.recorder.close();
    await this.producer.close();
    this.engine.close();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

/**
 * The limits engine (docs/limits.md) and the usage recorder (its BullMQ producer and disk spool) on one Redis
 * connection whose commands fail at once while Redis is away and are never sent again after it
 * (`createHotPathRedisClient`): an admit then falls back (or fails closed) immediately, no admit runs late holding
 * budget nobody settles, and a usage batch goes to the spool instead of waiting in memory.
 */
export function hotPathProviders(options: HotPathRedisOptions): Provider[] {
  const logger = new Logger('HotPathRedis');
  return [
    {
      provide: HOT_PATH_REDIS,
      useFactory: () => {
        const redis = createHotPathRedisClient(options.redisUrl, 'gateway-hot-path');
        // The engine and the recorder each report an outage once, as a warning; the connection's retries stay at debug.
        redis.on('error', (error) => logger.debug({ err: error }, 'hot-path Redis connection error'));
        return redis;
      },
    },
    {
      provide: LimitsEngine,
      inject: [HOT_PATH_REDIS],
      useFactory: (redis: Redis) => new LimitsEngine(redis, new RedisKeys(options.keyPrefix), options.limits?.engine),
    },
    { provide: REQUEST_LIMITS_OPTIONS, useValue: { ...DEFAULT_REQUEST_LIMITS_OPTIONS, ...options.limits?.request } },
    {
      provide: JobProducer,
      inject: [HOT_PATH_REDIS],
      useFactory: (redis: Redis) =>
        new JobProducer(redis, queuePrefix(options.keyPrefix), (error) =>
          logger.debug({ err: error }, 'usage queue connection error'),
        ),
    },
    { provide: UsageSpool, useFactory: () => UsageSpool.open(options.usage.spoolDir) },
    {
      provide: UsageRecorder,
      inject: [JobProducer, UsageSpool],
      useFactory: (producer: JobProducer, spool: UsageSpool) =>
        new UsageRecorder(producer, spool, { ...DEFAULT_USAGE_RECORDER_OPTIONS, ...options.usage.recorder }),
    },
    HotPathLifecycle,
  ];
}
