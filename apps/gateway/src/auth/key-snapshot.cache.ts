import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type InvalidationMessage, type KeySnapshot, keySnapshotSchema } from '@gatehouse/contracts';
import { GatewaySnapshotRepository } from '@gatehouse/db';
import { REDIS_CLIENT, REDIS_KEYS, type RedisKeys } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { GatewayError } from '../common/gateway-error';
import { type InvalidationHandler, InvalidationSubscriber } from '../common/invalidation.subscriber';
import { toKeySnapshot } from './key-snapshot.mapper';
import { SnapshotInterner } from './snapshot-interner';

export interface KeySnapshotCacheOptions {
  /** In-process entries; the least recently used go first. */
  maxEntries: number;
  /**
   * In-process lifetime. Invalidations drop entries at once; the TTL only bounds staleness when a pub/sub
   * message is lost (Redis pub/sub is at-most-once), so it stays short.
   */
  localTtlMs: number;
  /** Lifetime in Redis, shared by every gateway instance: a cold instance warms up without Postgres. */
  redisTtlMs: number;
  /**
   * Lifetime of "no such key" (in process and in Redis): short, so that a key created while the message
   * announcing it is lost works within seconds, yet long enough to absorb a flood of made-up keys.
   */
  negativeTtlMs: number;
  /** Milliseconds since the epoch; injectable for tests. */
  clock: () => number;
}

export const KEY_SNAPSHOT_CACHE_OPTIONS = Symbol('KEY_SNAPSHOT_CACHE_OPTIONS');

export const DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS: KeySnapshotCacheOptions = {
  maxEntries: 10_000,
  localTtlMs: 30_000,
  redisTtlMs: 5 * 60_000,
  negativeTtlMs: 10_000,
  clock: Date.now,
};

/** A cache entry: a key's snapshot, or the knowledge that no key has this hash. */
type Entry = { kind: 'key'; snapshot: KeySnapshot } | { kind: 'unknown' };

const UNKNOWN_MARKER = 'unknown';
const SCAN_BATCH = 500;

/**
 * Key hash → snapshot, through an in-process LRU, then Redis, then one Postgres load per hash per process
 * (concurrent misses share it). Warm requests touch neither Redis nor Postgres.
 *
 * Invalidation drops entries in process and in Redis. A load that was in flight when an invalidation arrived
 * may have read the old state, so its result answers the requests that waited for it but is not cached
 * (`generation`): a later request loads again.
 */
@Injectable()
export class KeySnapshotCache implements OnModuleInit, InvalidationHandler {
  private readonly logger = new Logger(KeySnapshotCache.name);
  private readonly local: LRUCache<string, Entry>;
  /** tenantId → hashes cached in process, to drop a tenant's keys when its subscriptions change. */
  private readonly hashesByTenant = new Map<string, Set<string>>();
  private readonly interner = new SnapshotInterner();
  private readonly loads = new Map<string, Promise<KeySnapshot | null>>();
  private generation = 0;
  /** Invalidations whose Redis deletes are still running: what a lookup reads meanwhile may be old. */
  private invalidating = 0;

  constructor(
    private readonly repository: GatewaySnapshotRepository,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(KEY_SNAPSHOT_CACHE_OPTIONS) private readonly options: KeySnapshotCacheOptions,
    private readonly invalidations: InvalidationSubscriber,
  ) {
    this.local = new LRUCache<string, Entry>({
      max: options.maxEntries,
      ttl: options.localTtlMs,
      perf: { now: options.clock },
      dispose: (entry, hash) => {
        if (entry.kind === 'key') this.unindex(entry.snapshot.tenantId, hash);
      },
    });
  }

  onModuleInit(): void {
    this.invalidations.register(this);
  }

  /** The snapshot of the key with this hash, or null when there is none. Throws a 503 when a cold lookup fails. */
  lookup(hash: string): Promise<KeySnapshot | null> {
    const cached = this.local.get(hash);
    if (cached !== undefined) return Promise.resolve(cached.kind === 'key' ? cached.snapshot : null);
    const pending = this.loads.get(hash);
    if (pending !== undefined) return pending;
    const load = this.loadThrough(hash, this.generation).finally(() => {
      if (this.loads.get(hash) === load) this.loads.delete(hash);
    });
    this.loads.set(hash, load);
    return load;
  }

  async onInvalidation(message: InvalidationMessage): Promise<void> {
    switch (message.kind) {
      case 'api-key':
        return this.dropHashes(message.hashes);
      case 'subscription':
      case 'tenant':
        return this.dropTenant(message.tenantId);
      case 'plan':
      case 'product':
        // A plan's limits or a product's models are in the snapshots of every tenant subscribed to it, and
        // nothing here indexes snapshots by plan or product: drop everything. Such changes are rare admin
        // actions, and each instance reloads only the keys that are actually used.
        return this.dropAll();
      case 'provider':
      case 'policy':
        // Neither is part of a key snapshot (routing and policy caches handle their own).
        return;
    }
  }

  onResubscribed(): void {
    // Messages sent while the subscription was down are lost: forget what this process holds. Redis entries
    // were dropped by the instances that did receive them, or expire within their TTL.
    this.generation++;
    this.loads.clear();
    this.local.clear();
  }

  private async loadThrough(hash: string, generation: number): Promise<KeySnapshot | null> {
    const fromRedis = await this.readRedis(hash);
    if (fromRedis !== undefined) {
      if (this.mayCache(generation)) this.remember(hash, fromRedis, false);
      return fromRedis.kind === 'key' ? fromRedis.snapshot : null;
    }
    let entry: Entry;
    try {
      const record = await this.repository.loadByKeyHash(hash, new Date(this.options.clock()));
      entry =
        record === null
          ? { kind: 'unknown' }
          : { kind: 'key', snapshot: toKeySnapshot(record, new Date(this.options.clock())) };
    } catch (error) {
      this.logger.error({ err: error }, 'key lookup failed: Postgres is unreachable');
      throw GatewayError.serviceUnavailable('The service is temporarily unable to verify API keys; try again shortly.');
    }
    if (this.mayCache(generation)) this.remember(hash, entry, true);
    return entry.kind === 'key' ? entry.snapshot : null;
  }

  /** Whether a lookup that started at `generation` read a state no invalidation has overtaken since. */
  private mayCache(generation: number): boolean {
    return generation === this.generation && this.invalidating === 0;
  }

  private remember(hash: string, entry: Entry, writeRedis: boolean): void {
    if (entry.kind === 'unknown') {
      this.local.set(hash, entry, { ttl: Math.min(this.options.negativeTtlMs, this.options.localTtlMs) });
    } else {
      this.local.set(hash, { kind: 'key', snapshot: this.interner.intern(entry.snapshot) });
      let hashes = this.hashesByTenant.get(entry.snapshot.tenantId);
      if (hashes === undefined) this.hashesByTenant.set(entry.snapshot.tenantId, (hashes = new Set()));
      hashes.add(hash);
    }
    // Written behind: the request does not wait for Redis, and a Redis outage costs only the shared cache.
    if (writeRedis) void this.writeRedis(hash, entry);
  }

  /** undefined = not in Redis, or Redis unavailable (then Postgres answers: cold keys keep working). */
  private async readRedis(hash: string): Promise<Entry | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.get(this.snapshotKey(hash));
    } catch (error) {
      this.logger.warn({ err: error }, 'key snapshot not read from Redis; loading from Postgres');
      return undefined;
    }
    if (raw === null) return undefined;
    if (raw === UNKNOWN_MARKER) return { kind: 'unknown' };
    try {
      const parsed = keySnapshotSchema.safeParse(JSON.parse(raw));
      // A snapshot of another shape (an older or newer gateway version) is treated as a miss.
      return parsed.success ? { kind: 'key', snapshot: parsed.data } : undefined;
    } catch {
      return undefined;
    }
  }

  private async writeRedis(hash: string, entry: Entry): Promise<void> {
    const key = this.snapshotKey(hash);
    try {
      if (entry.kind === 'unknown') {
        await this.redis.set(key, UNKNOWN_MARKER, 'PX', this.options.negativeTtlMs);
        return;
      }
      const tenantSet = this.tenantSetKey(entry.snapshot.tenantId);
      // A pipeline, not MULTI: the snapshot and the tenant's set live in different hash slots on a cluster.
      // The set outlives its members (its TTL is renewed on every add), so it always names them all.
      await this.redis
        .pipeline()
        .set(key, JSON.stringify(entry.snapshot), 'PX', this.options.redisTtlMs)
        .sadd(tenantSet, hash)
        .pexpire(tenantSet, this.options.redisTtlMs)
        .exec();
    } catch (error) {
      this.logger.warn({ err: error }, 'key snapshot not written to Redis');
    }
  }

  private dropHashes(hashes: readonly string[]): Promise<void> {
    return this.invalidate(
      () => hashes.forEach((hash) => this.local.delete(hash)),
      async () => {
        if (hashes.length > 0) await this.redis.del(...hashes.map((hash) => this.snapshotKey(hash)));
      },
    );
  }

  private dropTenant(tenantId: string): Promise<void> {
    const local = [...(this.hashesByTenant.get(tenantId) ?? [])];
    return this.invalidate(
      () => {
        local.forEach((hash) => this.local.delete(hash));
        this.hashesByTenant.delete(tenantId);
      },
      async () => {
        const tenantSet = this.tenantSetKey(tenantId);
        // Other instances cached this tenant's keys in Redis too; the set names them all.
        const shared = await this.redis.smembers(tenantSet);
        const hashes = [...new Set([...local, ...shared])];
        // Two commands: the set and the snapshots live in different hash slots on a cluster.
        if (hashes.length > 0) await this.redis.del(...hashes.map((hash) => this.snapshotKey(hash)));
        await this.redis.del(tenantSet);
      },
    );
  }

  private dropAll(): Promise<void> {
    return this.invalidate(
      () => {
        this.local.clear();
        this.hashesByTenant.clear();
      },
      async () => {
        let cursor = '0';
        do {
          const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.snapshotKey('*'), 'COUNT', SCAN_BATCH);
          cursor = next;
          if (keys.length > 0) await this.redis.unlink(...keys);
        } while (cursor !== '0');
      },
    );
  }

  /**
   * Drops entries in process at once, then in Redis. A lookup that overlaps the Redis delete in any way may
   * have read the old Redis entry: it answers its own request but is not cached, so the first request after
   * the delete reads the new state.
   */
  private async invalidate(dropLocal: () => void, dropShared: () => Promise<void>): Promise<void> {
    this.generation++;
    this.invalidating++;
    this.loads.clear();
    dropLocal();
    try {
      await dropShared();
    } finally {
      this.invalidating--;
      this.generation++;
      this.loads.clear();
    }
  }

  private unindex(tenantId: string, hash: string): void {
    const hashes = this.hashesByTenant.get(tenantId);
    if (hashes === undefined) return;
    hashes.delete(hash);
    if (hashes.size === 0) this.hashesByTenant.delete(tenantId);
  }

  private snapshotKey(hash: string): string {
    return this.keys.global('key-snapshot', hash);
  }

  private tenantSetKey(tenantId: string): string {
    return this.keys.tenant(tenantId, 'key-snapshots');
  }
}
