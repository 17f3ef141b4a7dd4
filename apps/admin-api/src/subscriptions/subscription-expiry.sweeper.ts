import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SubscriptionRepository } from '@gatehouse/db';
import { REDIS_CLIENT, REDIS_KEYS, type RedisKeys } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { WebhookDeliveryService } from '../notifications/webhook-delivery.service';
import { SubscriptionDecisionsService } from './subscription-decisions.service';

/**
 * Reads already show an approved grant past its expiry as EXPIRED and the gateway refuses it (`grantsAccess`);
 * the sweep makes the row say so too, with its audit event, the tenant's notification and an invalidation.
 * A grant is therefore marked at most one interval after it expired.
 */
export const SWEEP_INTERVAL_MS = 30_000;

/** Rows handled per run; the rest wait for the next run, so one run stays well inside the lock's lifetime. */
const SWEEP_BATCH = 200;

/**
 * The lock outlives a normal run by far; if a run were slower, a second instance could start a run of its
 * own, which is safe (every expiry and delivery is compare-and-set), only wasteful.
 */
const LOCK_TTL_MS = 25_000;

export interface SweepResult {
  /** False when another instance held the lock (or Redis was unreachable) and this run did nothing. */
  ran: boolean;
  expired: number;
  webhookAttempts: number;
}

/** Compare-and-delete: release the lock only if this run still holds it. */
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Every 30 s, on one admin-api instance at a time (a Redis `SET NX PX` lock): expires due subscriptions and
 * retries webhook deliveries whose next attempt is due.
 */
@Injectable()
export class SubscriptionExpirySweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SubscriptionExpirySweeper');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly decisions: SubscriptionDecisionsService,
    private readonly deliveries: WebhookDeliveryService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.runOnce().catch(() => undefined), SWEEP_INTERVAL_MS);
    // The sweep never keeps the process alive on its own.
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One run under the lock; skipped (not queued) when a run of this process is still going. */
  runOnce(now: Date = new Date()): Promise<SweepResult> {
    if (this.running) return this.running;
    const run = this.locked(now).finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  private async locked(now: Date): Promise<SweepResult> {
    const lockKey = this.keys.global('lock', 'subscription-expiry-sweep');
    const token = randomUUID();
    let acquired: string | null;
    try {
      acquired = await this.redis.set(lockKey, token, 'PX', LOCK_TTL_MS, 'NX');
    } catch (cause) {
      this.logger.warn(
        `Sweep skipped, Redis is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
      return { ran: false, expired: 0, webhookAttempts: 0 };
    }
    if (acquired !== 'OK') return { ran: false, expired: 0, webhookAttempts: 0 };
    try {
      return { ran: true, ...(await this.sweep(now)) };
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, lockKey, token).catch(() => undefined);
    }
  }

  /** The work itself, without the lock: expire what is due, then retry due webhook deliveries. */
  async sweep(now: Date = new Date()): Promise<{ expired: number; webhookAttempts: number }> {
    let expired = 0;
    for (const due of await this.subscriptions.listDueForExpiry(now, SWEEP_BATCH)) {
      try {
        if (await this.decisions.expire(due.id, now)) expired += 1;
      } catch (cause) {
        // One bad row must not stop the others; it is tried again next run.
        this.logger.error(
          `Could not expire subscription ${due.id}: ${cause instanceof Error ? cause.message : String(cause)}`,
        );
      }
    }
    const webhookAttempts = await this.deliveries.retryDue(now);
    if (expired > 0) this.logger.log(`Expired ${expired} subscription(s)`);
    return { expired, webhookAttempts };
  }
}
