import { Inject, Injectable } from '@nestjs/common';
import { type InvalidationMessage, invalidationMessageSchema } from '@gatehouse/contracts';
import { type Redis } from 'ioredis';
import { REDIS_CLIENT, REDIS_KEYS } from './redis.constants';
import { type RedisKeys } from './redis-keys';

/**
 * Announces changes that gateways cache. Call it after the change has committed: a gateway that reloads on
 * the message must find the new state in Postgres.
 */
@Injectable()
export class InvalidationPublisher {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  /** Resolves with the number of gateway instances that received the message. */
  async publish(message: InvalidationMessage): Promise<number> {
    const payload = JSON.stringify(invalidationMessageSchema.parse(message));
    return this.redis.publish(this.keys.invalidationChannel(), payload);
  }
}
