import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '@gatehouse/config';

export interface TestRedis {
  url: string;
  /** A key prefix of this suite alone, hash-tagged like production's. */
  prefix: string;
  /** A client for the test's own assertions; BullMQ-compatible (no per-request retry bound). */
  redis: Redis;
  /** Deletes every key under the prefix and closes the client. */
  cleanup(): Promise<void>;
}

/** Gives an integration suite its own Redis key prefix on the real Redis, and removes its keys after. */
export async function createTestRedis(suiteName: string, url: string = DEFAULT_REDIS_URL): Promise<TestRedis> {
  const prefix = `{test-${suiteName}-${randomBytes(4).toString('hex')}}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  await redis.ping();
  return {
    url,
    prefix,
    redis,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
