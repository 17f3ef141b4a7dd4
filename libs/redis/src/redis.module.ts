import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { createRedisClient } from './redis-client.factory';
import { REDIS_CLIENT, REDIS_KEYS } from './redis.constants';
import { InvalidationPublisher } from './invalidation.publisher';
import { RedisHealthProbe } from './redis-health.probe';
import { RedisKeys } from './redis-keys';

export interface RedisModuleOptions {
  url: string;
  keyPrefix: string;
  connectionName: string;
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    // QUIT lets queued replies arrive first, but a client that is reconnecting would queue QUIT forever.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(options: RedisModuleOptions): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS_CLIENT,
          useFactory: () => createRedisClient(options.url, { connectionName: options.connectionName }),
        },
        { provide: REDIS_KEYS, useValue: new RedisKeys(options.keyPrefix) },
        RedisLifecycle,
        RedisHealthProbe,
        InvalidationPublisher,
      ],
      exports: [REDIS_CLIENT, REDIS_KEYS, RedisHealthProbe, InvalidationPublisher],
    };
  }
}
