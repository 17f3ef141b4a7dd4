import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '@gatehouse/config';
import { queuePrefix } from '@gatehouse/redis';

export interface TestRedis {
  url: string;
  /** A key prefix of this suite alone, brace-free like production's (`RedisKeys` adds the tenant's hash tag). */
  prefix: string;
  /** BullMQ's prefix for the suite: `{<prefix>}`, as the apps derive it. */
  queuePrefix: string;
  /** A client for the test's own assertions; BullMQ-compatible (no per-request retry bound). */
  redis: Redis;
  /** Deletes every key under the prefix and closes the client. */
  cleanup(): Promise<void>;
}

/** Gives an integration suite its own Redis key prefix on the real Redis, and removes its keys after. */
export async function createTestRedis(suiteName: string, url: string = DEFAULT_REDIS_URL): Promise<TestRedis> {
  const prefix = `test-${suiteName}-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  await redis.ping();
  return {
    url,
    prefix,
    queuePrefix: queuePrefix(prefix),
    redis,
    async cleanup() {
      // The suite's own keys, and its queues' (`{<prefix>…}`).
      for (const pattern of [`${prefix}*`, `{${prefix}*`]) {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      }
      redis.disconnect();
    },
  };
}
