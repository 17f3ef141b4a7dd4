/**
 * Memory per cached key of the gateway's key snapshot cache, measured in process: the real `KeySnapshotCache`
 * class (apps/gateway/src/auth/key-snapshot.cache.ts, default options) is filled with `--keys` distinct keys
 * through its own warm-from-Redis path (`lookup` → Redis → parse → remember), and the heap is measured before
 * and after, each time after full garbage collections.
 *
 * Every key gets its own snapshot, parsed from JSON the way the gateway parses what it reads from Redis, made
 * from one real snapshot (read on stdin: the one the gateway cached for the benchmark's key) with a fresh key id,
 * a tenant id and subscription ids shared by `KEYS_PER_TENANT` keys, and a fresh hash: nothing is shared between
 * entries that the gateway would not share (it keeps one copy of a subscription that several keys carry). Redis is a stub answering `GET` from memory; Postgres is never reached.
 *
 *   node --expose-gc --import tsx bench/support/key-cache-memory.ts --keys 10000 < snapshot.json
 *
 * Prints one JSON object (`KeyCacheMemory`) on stdout.
 */
import { keySnapshotSchema, type KeySnapshot } from '@gatehouse/contracts';
import { RedisKeys } from '@gatehouse/redis';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS, KeySnapshotCache } from '../../apps/gateway/src/auth/key-snapshot.cache';

export interface KeyCacheMemory {
  keys: number;
  keysPerTenant: number;
  maxEntries: number;
  /** Heap growth from an empty process state to a cache holding `keys` keys, divided by `keys`. */
  bytesPerKey: number;
  /** Heap growth between half full and full, per key: without the cache's fixed, preallocated part. */
  marginalBytesPerKey: number;
  heapDeltaBytes: number;
  /** Heap per parsed snapshot alone, held in an array: what is left of `bytesPerKey` is the cache's own. */
  snapshotBytes: number;
  /** The snapshot as JSON (what Redis holds per key), for comparison. */
  snapshotJsonBytes: number;
  subscriptions: number;
  models: number;
}

const KEYS_PER_TENANT = 10;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function collectedHeap(gc: () => void): number {
  // Twice: objects with finalizers or weak references may need a second pass.
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { keys: { type: 'string', default: '10000' } } });
  const keys = Number(values.keys);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  const template: KeySnapshot = keySnapshotSchema.parse(JSON.parse(await readStdin()));
  if (!Number.isInteger(keys) || keys < 2 || keys > DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS.maxEntries) {
    throw new Error(`--keys must be an integer from 2 to the cache's ${DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS.maxEntries}`);
  }

  const tenantIds = Array.from({ length: Math.ceil(keys / KEYS_PER_TENANT) }, () => randomUUID());
  let current = 0;
  let redisReads = 0;
  // What the gateway reads from Redis for a warm-from-Redis key: a fresh string per read, parsed by the cache.
  const redis = {
    get: async () => {
      redisReads++;
      const tenant = Math.floor(current / KEYS_PER_TENANT);
      return JSON.stringify({
        ...template,
        keyId: randomUUID(),
        tenantId: tenantIds[tenant],
        // Each tenant its own subscriptions (shared by its keys, as in the gateway): ids that differ by tenant.
        subscriptions: template.subscriptions.map((subscription) => ({
          ...subscription,
          subscriptionId: `${tenantIds[tenant]}-${subscription.subscriptionId}`,
        })),
        loadedAt: new Date().toISOString(),
      });
    },
  };
  const unused = {};
  let lastHash = '';
  const fill = async (cache: KeySnapshotCache, until: number) => {
    for (; current < until; current++) {
      lastHash = createHash('sha256').update(randomBytes(32)).digest('hex');
      if ((await cache.lookup(lastHash)) === null) throw new Error('the cache answered "no such key"');
    }
  };

  const empty = collectedHeap(gc);
  const cache = new KeySnapshotCache(
    unused as never,
    redis as never,
    new RedisKeys('gatehouse-bench'),
    DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS,
    unused as never,
  );
  const half = Math.floor(keys / 2);
  await fill(cache, half);
  const halfFull = collectedHeap(gc);
  await fill(cache, keys);
  const full = collectedHeap(gc);

  // Every key was read from "Redis" once, and a cached one is answered from the process: entries were kept.
  if ((await cache.lookup(lastHash)) === null || redisReads !== keys) {
    throw new Error(`expected ${keys} Redis reads and a cached answer, saw ${redisReads} reads`);
  }

  // The same number of snapshots, parsed the same way, without the cache around them.
  const beforeSnapshots = collectedHeap(gc);
  const snapshots: KeySnapshot[] = [];
  for (let index = 0; index < keys; index++) {
    current = index;
    snapshots.push(keySnapshotSchema.parse(JSON.parse(await redis.get())));
  }
  const afterSnapshots = collectedHeap(gc);
  if (snapshots.length !== keys) throw new Error('snapshots lost');

  const result: KeyCacheMemory = {
    keys,
    keysPerTenant: KEYS_PER_TENANT,
    maxEntries: DEFAULT_KEY_SNAPSHOT_CACHE_OPTIONS.maxEntries,
    bytesPerKey: (full - empty) / keys,
    marginalBytesPerKey: (full - halfFull) / (keys - half),
    heapDeltaBytes: full - empty,
    snapshotBytes: (afterSnapshots - beforeSnapshots) / keys,
    snapshotJsonBytes: Buffer.byteLength(JSON.stringify(template)),
    subscriptions: template.subscriptions.length,
    models: template.subscriptions.reduce((sum, subscription) => sum + subscription.models.length, 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`key-cache-memory failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
