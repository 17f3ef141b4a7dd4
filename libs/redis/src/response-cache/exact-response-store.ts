import {
  type CacheScope,
  type CachedAnswer,
  type CallLogKeyring,
  decryptUnderCallLogKeys,
  encryptUnderCallLogKeys,
} from '@gatehouse/domain';
import { type Redis } from 'ioredis';
import { CommandDeadlines } from '../limits/command-deadlines';
import { type RedisKeys } from '../redis-keys';
import { EXACT_GET_LUA, EXACT_PUT_LUA } from './exact-response.lua';

/**
 * The exact response cache's store: answers by exact key (`exactCacheKey`), sealed, bounded per tenant, and
 * invalidated at once on every gateway.
 *
 * - **Entries** live under `{t:<tenantId>}:cache:x:<key>` with the policy's TTL, sealed with AES-256-GCM under the
 *   call log's keys (an answer is as sensitive as its prompt), with the tenant, the cache key and the generation as
 *   associated data: a record copied onto another tenant's or another request's key does not open, and is a miss.
 * - **The bound**: a per-tenant sorted set of cache keys by write time, their sizes and a running byte total. One
 *   Lua script writes an entry and evicts the tenant's oldest entries until the total fits (`EXACT_PUT_LUA`); being
 *   one script, concurrent writes keep the total exact.
 * - **Invalidation** by tenant, model or key is a generation counter in `{t:<tenantId>}:cache:gen` (field `tenant`,
 *   `m:<model>`, `k:<keyId>`). An entry carries the generation it was written under, and the lookup script reads the
 *   current generation and the entry together and answers a hit only when they agree. So an invalidation is one
 *   HINCRBY that every gateway sees on its next lookup, with no pub/sub (whose messages a gateway that is
 *   reconnecting would miss, serving stale answers meanwhile) and no scan of the tenant's entries: the stale ones
 *   are never served and age out (TTL or eviction). A write carries the generation its lookup saw and is refused
 *   when an invalidation came in between, since its answer may come from what was invalidated. The price is one
 *   HMGET inside the lookup script: `get` stays one round trip (EVALSHA), measured in the integration test.
 *   The generation hash has no TTL: under an eviction policy that may evict keys without one (`allkeys-*`), losing
 *   it would bring invalidated entries back, so the Redis must not evict keys without a TTL (`noeviction` or a
 *   `volatile-*` policy).
 * - **Redis away or slow**: `get` answers a miss after `getTimeoutMs` at most (never an error on the request
 *   path); `put` never rejects (fire-and-forget, with its failures counted); the client should be the gateway's
 *   hot-path one (`createHotPathRedisClient`: no offline queue, so an outage fails a command at once).
 */

export interface ExactCacheScope extends CacheScope {
  /** The public model of the request: its generation is part of the entry's. */
  model: string;
}

export interface ExactResponseStoreOptions {
  /** The call log's keyring: entries are sealed under its current key and opened under any of its versions. */
  keyring: CallLogKeyring;
  /** The most bytes a tenant's entries may take; the oldest are evicted past it. */
  maxBytesPerTenant: number;
  /** How long a lookup may take before it is answered as a miss. */
  getTimeoutMs?: number;
  /**
   * How long a write may wait for its answer before it is counted as failed. Without a bound, a write sent while
   * the connection is away can wait forever (an auto-pipelined command is not failed at once), and the answers
   * it holds with it.
   */
  putTimeoutMs?: number;
}

/** What a lookup found: the answer, or a miss with the generation to write the fresh answer under. */
export type ExactCacheLookup =
  | { hit: true; answer: CachedAnswer }
  | { hit: false; generation: string | null; reason: 'absent' | 'unreadable' | 'unavailable' };

export type ExactCachePutOutcome = 'written' | 'invalidated' | 'too-large' | 'unavailable' | 'skipped';

export interface ExactCacheCounters {
  hits: number;
  misses: number;
  /** Lookups answered as a miss because Redis failed or was too slow. */
  getFailures: number;
  /** Entries that did not open (moved, altered, or sealed under a key no longer configured). */
  unreadable: number;
  /** Writes that failed (Redis away or a reply error). */
  putFailures: number;
  evicted: number;
}

/**
 * The store's scripts, which a connection with auto-pipelining must send at once (`autoPipeliningIgnoredCommands`):
 * ioredis 5 holds an auto-pipelined script sent while the connection is down in a pipeline that never settles, and
 * every auto-pipelined command after it waits behind it, PING included, even once Redis is back (seen in the
 * outage integration test). Sent at once, such a command fails at once and the connection recovers.
 */
export const EXACT_CACHE_COMMANDS: readonly string[] = ['gatehouseExactCacheGet', 'gatehouseExactCachePut'];

interface ExactScripts {
  gatehouseExactCacheGet(entry: string, gens: string, modelField: string, keyField: string): Promise<string[]>;
  gatehouseExactCachePut(...keysAndArgs: string[]): Promise<[outcome: number, evicted: number, total: number]>;
}

const DEFAULT_GET_TIMEOUT_MS = 50;
const DEFAULT_PUT_TIMEOUT_MS = 1_000;

export class ExactResponseStore {
  private readonly scripts: ExactScripts;
  private readonly getDeadlines: CommandDeadlines;
  private readonly putDeadlines: CommandDeadlines;
  private readonly stats: ExactCacheCounters = {
    hits: 0,
    misses: 0,
    getFailures: 0,
    unreadable: 0,
    putFailures: 0,
    evicted: 0,
  };

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: ExactResponseStoreOptions,
  ) {
    if (!(options.maxBytesPerTenant > 0)) throw new Error('The exact cache needs a positive byte bound per tenant');
    redis.defineCommand('gatehouseExactCacheGet', { lua: EXACT_GET_LUA, numberOfKeys: 2 });
    redis.defineCommand('gatehouseExactCachePut', { lua: EXACT_PUT_LUA, numberOfKeys: 5 });
    this.scripts = redis as unknown as ExactScripts;
    this.getDeadlines = new CommandDeadlines(options.getTimeoutMs ?? DEFAULT_GET_TIMEOUT_MS);
    this.putDeadlines = new CommandDeadlines(options.putTimeoutMs ?? DEFAULT_PUT_TIMEOUT_MS);
  }

  /** The key names of a tenant's cache, for operators' tools and tests. */
  tenantKeys(tenantId: string): {
    entryPrefix: string;
    generations: string;
    index: string;
    sizes: string;
    total: string;
  } {
    return {
      entryPrefix: this.keys.tenant(tenantId, 'cache', 'x', ''),
      generations: this.keys.tenant(tenantId, 'cache', 'gen'),
      index: this.keys.tenant(tenantId, 'cache', 'x-index'),
      sizes: this.keys.tenant(tenantId, 'cache', 'x-sizes'),
      total: this.keys.tenant(tenantId, 'cache', 'x-bytes'),
    };
  }

  counters(): Readonly<ExactCacheCounters> {
    return { ...this.stats };
  }

  /** The entry of this key, when one of the current generation opens; a miss otherwise, never an error. */
  async get(scope: ExactCacheScope, key: string): Promise<ExactCacheLookup> {
    const names = this.tenantKeys(scope.tenantId);
    let reply: string[];
    try {
      if (this.redis.status !== 'ready') throw new Error('Redis is not connected');
      reply = await this.getDeadlines.within(
        this.scripts.gatehouseExactCacheGet(
          names.entryPrefix + key,
          names.generations,
          modelField(scope),
          keyField(scope),
        ),
      );
    } catch {
      this.stats.getFailures += 1;
      this.stats.misses += 1;
      return { hit: false, generation: null, reason: 'unavailable' };
    }
    const [generation = '', entry] = reply;
    if (entry === undefined) {
      this.stats.misses += 1;
      return { hit: false, generation, reason: 'absent' };
    }
    const answer = this.open(entry, scope.tenantId, key, generation);
    if (answer === null) {
      this.stats.unreadable += 1;
      this.stats.misses += 1;
      return { hit: false, generation, reason: 'unreadable' };
    }
    this.stats.hits += 1;
    return { hit: true, answer };
  }

  /**
   * Writes the answer under the generation its lookup saw (`generation` of the miss); without one (Redis was away
   * at the lookup) nothing is written. Never rejects: the caller need not wait for it.
   */
  async put(
    scope: ExactCacheScope,
    key: string,
    stored: CachedAnswer,
    options: { ttlSeconds: number; generation: string | null },
  ): Promise<ExactCachePutOutcome> {
    if (options.generation === null || !(options.ttlSeconds >= 1)) return 'skipped';
    const names = this.tenantKeys(scope.tenantId);
    try {
      if (this.redis.status !== 'ready') throw new Error('Redis is not connected');
      const entry = this.seal(stored, scope.tenantId, key, options.generation);
      const [outcome, evicted] = await this.putDeadlines.within(
        this.scripts.gatehouseExactCachePut(
          names.entryPrefix + key,
          names.generations,
          names.index,
          names.sizes,
          names.total,
          modelField(scope),
          keyField(scope),
          options.generation,
          key,
          entry,
          String(Math.floor(options.ttlSeconds)),
          String(this.options.maxBytesPerTenant),
          names.entryPrefix,
        ),
      );
      this.stats.evicted += evicted;
      return outcome === 1 ? 'written' : outcome === 0 ? 'invalidated' : 'too-large';
    } catch {
      this.stats.putFailures += 1;
      return 'unavailable';
    }
  }

  /**
   * Invalidates, on every gateway at once, the tenant's entries of a model, of a key (the entries cached for that
   * key's own scope), both when both are given, or all of the tenant's when neither is. Unlike `get` and `put`, it
   * rejects when Redis cannot be reached: whoever asked for it must learn that it did not happen.
   */
  async invalidate(target: { tenantId: string; model?: string; keyId?: string }): Promise<void> {
    const { generations } = this.tenantKeys(target.tenantId);
    const fields: string[] = [];
    if (target.model !== undefined) fields.push(modelField({ model: target.model }));
    if (target.keyId !== undefined) fields.push(keyField({ keyId: target.keyId }));
    if (fields.length === 0) fields.push('tenant');
    await Promise.all(fields.map((field) => this.redis.hincrby(generations, field, 1)));
  }

  private seal(stored: CachedAnswer, tenantId: string, key: string, generation: string): string {
    const sealed = encryptUnderCallLogKeys(
      JSON.stringify(stored),
      this.options.keyring,
      context(tenantId, key, generation),
    );
    const payload = Buffer.concat([sealed.iv, sealed.authTag, sealed.ciphertext]).toString('base64');
    return `${generation}\n${sealed.keyVersion}\n${payload}`;
  }

  private open(entry: string, tenantId: string, key: string, generation: string): CachedAnswer | null {
    const [, version, payload] = entry.split('\n');
    const keyVersion = Number(version);
    if (payload === undefined || !Number.isInteger(keyVersion)) return null;
    const bytes = Buffer.from(payload, 'base64');
    if (bytes.length < IV_AND_TAG_BYTES) return null;
    try {
      const text = decryptUnderCallLogKeys(
        {
          iv: bytes.subarray(0, IV_BYTES),
          authTag: bytes.subarray(IV_BYTES, IV_AND_TAG_BYTES),
          ciphertext: bytes.subarray(IV_AND_TAG_BYTES),
          keyVersion,
        },
        this.options.keyring,
        context(tenantId, key, generation),
      );
      return JSON.parse(text) as CachedAnswer;
    } catch {
      return null;
    }
  }
}

const IV_BYTES = 12;
const IV_AND_TAG_BYTES = IV_BYTES + 16;

/** Associated data: never starts as the call log's or the stored Responses' do, so none passes for another. */
function context(tenantId: string, key: string, generation: string): string {
  return `exact-cache\n${tenantId}\n${key}\n${generation}`;
}

function modelField(scope: { model: string }): string {
  return `m:${scope.model}`;
}

function keyField(scope: { keyId: string | null }): string {
  return `k:${scope.keyId ?? ''}`;
}
