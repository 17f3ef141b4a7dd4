import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type InvalidationMessage, invalidationMessageSchema } from '@gatehouse/contracts';
import { REDIS_CLIENT, REDIS_KEYS, type RedisKeys } from '@gatehouse/redis';
import { type Redis } from 'ioredis';

export interface InvalidationHandler {
  /** One message from admin-api. */
  onInvalidation(message: InvalidationMessage): Promise<void> | void;
  /**
   * The subscription was (re)established after a gap: messages may have been missed, so drop whatever could
   * be stale. Not called for the first connection.
   */
  onResubscribed(): Promise<void> | void;
}

/**
 * Listens to admin-api's invalidation channel on a connection of its own (a subscribed ioredis connection
 * can run no other command) and hands each message to the registered caches.
 */
@Injectable()
export class InvalidationSubscriber implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InvalidationSubscriber.name);
  private readonly handlers: InvalidationHandler[] = [];
  private subscriber: Redis | null = null;
  private connectedBefore = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  register(handler: InvalidationHandler): void {
    this.handlers.push(handler);
  }

  onModuleInit(): void {
    const channel = this.keys.invalidationChannel();
    // No per-command retry bound: SUBSCRIBE waits for Redis however long it is down; ioredis re-subscribes
    // after every reconnect by itself.
    const subscriber = this.redis.duplicate({ connectionName: 'gateway-invalidation', maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('message', (received: string, payload: string) => {
      if (received === channel) void this.dispatch(payload);
    });
    subscriber.on('ready', () => {
      if (this.connectedBefore) void this.each((handler) => handler.onResubscribed());
      this.connectedBefore = true;
    });
    // Without a listener, ioredis prints every failed reconnect; the health endpoint reports the outage.
    subscriber.on('error', () => undefined);
    subscriber.subscribe(channel).catch((error: unknown) => {
      if (this.subscriber !== null) this.logger.error({ err: error }, 'could not subscribe to invalidations');
    });
  }

  onApplicationShutdown(): void {
    const subscriber = this.subscriber;
    this.subscriber = null;
    subscriber?.disconnect();
  }

  private async dispatch(payload: string): Promise<void> {
    let message: InvalidationMessage;
    try {
      message = invalidationMessageSchema.parse(JSON.parse(payload));
    } catch (error) {
      this.logger.warn({ err: error }, 'ignoring a malformed invalidation message');
      return;
    }
    await this.each((handler) => handler.onInvalidation(message));
  }

  private async each(call: (handler: InvalidationHandler) => Promise<void> | void): Promise<void> {
    for (const handler of this.handlers) {
      try {
        await call(handler);
      } catch (error) {
        this.logger.error({ err: error }, 'an invalidation handler failed');
      }
    }
  }
}
