import { randomBytes, randomUUID } from 'node:crypto';
import { type CachedAnswer, cachedOpenAiChat, callLogKeyring, type OpenAiChatCompletion } from '@gatehouse/domain';
import { createTestRedis, eventually, TcpProxy, type TestRedis } from '@gatehouse/testing';
import { type Redis } from 'ioredis';
import { createHotPathRedisClient } from '../redis-client.factory';
import { RedisKeys } from '../redis-keys';
import { type ExactCacheScope, ExactResponseStore, type ExactResponseStoreOptions } from './exact-response-store';

function answer(text: string): CachedAnswer {
  const completion: OpenAiChatCompletion = {
    id: 'chatcmpl-upstream',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
  };
  return cachedOpenAiChat(completion);
}

const keyring = callLogKeyring({ version: 1, key: randomBytes(32).toString('base64') });
const cacheKey = () => randomBytes(32).toString('hex');

describe('ExactResponseStore on the real Redis', () => {
  let testRedis: TestRedis;
  let keys: RedisKeys;
  const clients: Redis[] = [];

  /** A store on a connection of its own, as one gateway instance has. */
  async function store(options: Partial<ExactResponseStoreOptions> = {}): Promise<ExactResponseStore> {
    const client = createHotPathRedisClient(testRedis.url, 'exact-cache-test');
    clients.push(client);
    await eventually(() => client.status === 'ready', 5_000);
    // Deadlines far above what these tests wait for (another suite may load the machine): only the outage suite
    // below is about them.
    return new ExactResponseStore(client, keys, {
      keyring,
      maxBytesPerTenant: 1_000_000,
      getTimeoutMs: 2_000,
      putTimeoutMs: 5_000,
      ...options,
    });
  }

  const scopeOf = (overrides: Partial<ExactCacheScope> = {}): ExactCacheScope => ({
    tenantId: `tenant-${randomUUID()}`,
    keyId: null,
    model: 'demo-chat',
    ...overrides,
  });

  /** Looks up, then writes what a miss would have fetched, as the cache stage will. */
  async function fill(cache: ExactResponseStore, scope: ExactCacheScope, key: string, text: string, ttlSeconds = 60) {
    const lookup = await cache.get(scope, key);
    expect(lookup.hit).toBe(false);
    if (lookup.hit) throw new Error('unreachable');
    return cache.put(scope, key, answer(text), { ttlSeconds, generation: lookup.generation });
  }

  beforeAll(async () => {
    testRedis = await createTestRedis('exact-cache');
    keys = new RedisKeys(testRedis.prefix);
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await testRedis?.cleanup();
  });

  it('reads back what it wrote, sealed at rest, in exactly one Redis command', async () => {
    const cache = await store();
    const scope = scopeOf();
    const key = cacheKey();
    expect(await fill(cache, scope, key, 'Paris is the capital of France.')).toBe('written');

    const raw = await testRedis.redis.get(keys.tenant(scope.tenantId, 'cache', 'x', key));
    expect(raw).not.toBeNull();
    expect(raw).not.toContain('Paris');
    expect(await testRedis.redis.ttl(keys.tenant(scope.tenantId, 'cache', 'x', key))).toBeGreaterThan(55);

    // The script is loaded by now (EVALSHA answered), so a lookup is one command: one round trip.
    const client = clients.at(-1) as Redis;
    const sendCommand = jest.spyOn(client, 'sendCommand');
    const lookup = await cache.get(scope, key);
    expect(sendCommand.mock.calls.map(([command]) => command.name)).toEqual(['evalsha']);
    sendCommand.mockRestore();
    expect(lookup).toEqual({ hit: true, answer: answer('Paris is the capital of France.') });
    expect(cache.counters()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('misses once the TTL has passed', async () => {
    const cache = await store();
    const scope = scopeOf();
    const key = cacheKey();
    expect(await fill(cache, scope, key, 'short-lived', 1)).toBe('written');
    expect((await cache.get(scope, key)).hit).toBe(true);
    expect(await eventually(async () => !(await cache.get(scope, key)).hit, 3_000)).toBe(true);
  });

  it('never crosses tenants: same key, no hit; a record copied to another tenant or key does not open', async () => {
    const cache = await store();
    const owner = scopeOf();
    const other = scopeOf();
    const key = cacheKey();
    expect(await fill(cache, owner, key, 'tenant A’s answer')).toBe('written');
    expect(await cache.get(other, key)).toMatchObject({ hit: false, reason: 'absent' });

    const raw = await testRedis.redis.get(keys.tenant(owner.tenantId, 'cache', 'x', key));
    await testRedis.redis.set(keys.tenant(other.tenantId, 'cache', 'x', key), raw ?? '');
    expect(await cache.get(other, key)).toMatchObject({ hit: false, reason: 'unreadable' });

    const otherKey = cacheKey();
    await testRedis.redis.set(keys.tenant(owner.tenantId, 'cache', 'x', otherKey), raw ?? '');
    expect(await cache.get(owner, otherKey)).toMatchObject({ hit: false, reason: 'unreadable' });
    expect(cache.counters().unreadable).toBe(2);
    expect((await cache.get(owner, key)).hit).toBe(true);
  });

  it('evicts the tenant’s oldest entries past its byte bound', async () => {
    const probe = await store();
    const scope = scopeOf();
    await fill(probe, scope, 'probe', 'x'.repeat(200));
    const entrySize = Number(await testRedis.redis.strlen(keys.tenant(scope.tenantId, 'cache', 'x', 'probe')));

    // Room for three entries of this size, not four.
    const cache = await store({ maxBytesPerTenant: entrySize * 3 + entrySize / 2 });
    const tenant = scopeOf();
    for (let index = 0; index < 5; index++) {
      expect(await fill(cache, tenant, `key-${index}`, 'x'.repeat(200))).toBe('written');
    }
    const present = await Promise.all(
      [0, 1, 2, 3, 4].map(async (index) => (await cache.get(tenant, `key-${index}`)).hit),
    );
    expect(present).toEqual([false, false, true, true, true]);
    expect(cache.counters().evicted).toBe(2);
    const names = cache.tenantKeys(tenant.tenantId);
    expect(Number(await testRedis.redis.get(names.total))).toBe(entrySize * 3);
    expect(await testRedis.redis.zrange(names.index, 0, -1)).toEqual(['key-2', 'key-3', 'key-4']);

    // An entry larger than the whole bound is not written, and evicts nothing.
    const huge = await fill(cache, tenant, 'huge', 'x'.repeat(entrySize * 4));
    expect(huge).toBe('too-large');
    expect(await testRedis.redis.zcard(names.index)).toBe(3);
  });

  it('keeps the byte total exact under concurrent writes from several gateways', async () => {
    const bound = 20_000;
    const gateways = await Promise.all([store({ maxBytesPerTenant: bound }), store({ maxBytesPerTenant: bound })]);
    const tenant = scopeOf();
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, (_, index) =>
        fill(gateways[index % 2] as ExactResponseStore, tenant, `key-${index}`, 'y'.repeat(100 + (index % 7) * 40)),
      ),
    );
    expect(outcomes.filter((outcome) => outcome !== 'written')).toEqual([]);

    const names = gateways[0]?.tenantKeys(tenant.tenantId);
    if (names === undefined) throw new Error('no store');
    const total = Number(await testRedis.redis.get(names.total));
    const sizes = await testRedis.redis.hgetall(names.sizes);
    const members = await testRedis.redis.zrange(names.index, 0, -1);
    const liveSizes = await Promise.all(members.map((member) => testRedis.redis.strlen(names.entryPrefix + member)));
    expect(total).toBeLessThanOrEqual(bound);
    expect(total).toBeGreaterThan(bound / 2);
    expect(Object.keys(sizes).sort()).toEqual([...members].sort());
    expect(Object.values(sizes).reduce((sum, size) => sum + Number(size), 0)).toBe(total);
    expect(liveSizes.reduce((sum, size) => sum + size, 0)).toBe(total);
  });

  it('drops expired entries from the index and the total on the next write', async () => {
    const cache = await store();
    const tenant = scopeOf();
    await fill(cache, tenant, 'expiring', 'soon gone', 1);
    const names = cache.tenantKeys(tenant.tenantId);
    expect(
      await eventually(async () => (await testRedis.redis.exists(names.entryPrefix + 'expiring')) === 0, 3_000),
    ).toBe(true);
    await fill(cache, tenant, 'fresh', 'still here', 30);
    expect(await testRedis.redis.zrange(names.index, 0, -1)).toEqual(['fresh']);
    expect(Number(await testRedis.redis.get(names.total))).toBe(
      await testRedis.redis.strlen(names.entryPrefix + 'fresh'),
    );
    // The bookkeeping lives as long as the longest-lived entry, and no longer: a shorter-lived one does not shorten it.
    await fill(cache, tenant, 'brief', 'gone soon', 2);
    for (const name of [names.index, names.sizes, names.total]) {
      const ttl = await testRedis.redis.ttl(name);
      expect(ttl).toBeGreaterThan(25);
      expect(ttl).toBeLessThanOrEqual(30);
    }
    expect(Number(await testRedis.redis.get(names.total))).toBe(
      (await testRedis.redis.strlen(names.entryPrefix + 'fresh')) +
        (await testRedis.redis.strlen(names.entryPrefix + 'brief')),
    );
  });

  it('invalidates by model, by key and by tenant, seen by another gateway at once', async () => {
    const writer = await store();
    const reader = await store();
    const tenantId = `tenant-${randomUUID()}`;
    const chat = scopeOf({ tenantId, model: 'demo-chat' });
    const other = scopeOf({ tenantId, model: 'demo-other' });
    const keyScoped = scopeOf({ tenantId, model: 'demo-other', keyId: 'key-1' });
    const [chatKey, otherKey, keyScopedKey] = [cacheKey(), cacheKey(), cacheKey()];
    await fill(writer, chat, chatKey, 'chat');
    await fill(writer, other, otherKey, 'other');
    await fill(writer, keyScoped, keyScopedKey, 'key scoped');
    const hits = async () => [
      (await reader.get(chat, chatKey)).hit,
      (await reader.get(other, otherKey)).hit,
      (await reader.get(keyScoped, keyScopedKey)).hit,
    ];
    expect(await hits()).toEqual([true, true, true]);

    await writer.invalidate({ tenantId, model: 'demo-chat' });
    expect(await hits()).toEqual([false, true, true]);
    await writer.invalidate({ tenantId, keyId: 'key-1' });
    expect(await hits()).toEqual([false, true, false]);
    await writer.invalidate({ tenantId });
    expect(await hits()).toEqual([false, false, false]);

    // Another tenant's entries are untouched.
    const elsewhere = scopeOf({ model: 'demo-chat' });
    await fill(writer, elsewhere, chatKey, 'elsewhere');
    await writer.invalidate({ tenantId, model: 'demo-chat' });
    expect((await reader.get(elsewhere, chatKey)).hit).toBe(true);

    // A fresh answer is cached again under the new generation.
    expect(await fill(writer, chat, chatKey, 'chat, fresh')).toBe('written');
    expect(await reader.get(chat, chatKey)).toEqual({ hit: true, answer: answer('chat, fresh') });
  });

  it('refuses a write whose lookup came before an invalidation', async () => {
    const cache = await store();
    const scope = scopeOf();
    const key = cacheKey();
    const lookup = await cache.get(scope, key);
    if (lookup.hit) throw new Error('unexpected hit');
    await cache.invalidate({ tenantId: scope.tenantId, model: scope.model });
    expect(await cache.put(scope, key, answer('from before'), { ttlSeconds: 60, generation: lookup.generation })).toBe(
      'invalidated',
    );
    expect((await cache.get(scope, key)).hit).toBe(false);
  });
});

describe('ExactResponseStore when Redis goes away (TCP proxy cut)', () => {
  let testRedis: TestRedis;
  let proxy: TcpProxy;
  let client: Redis;
  let cache: ExactResponseStore;
  const scope: ExactCacheScope = { tenantId: `tenant-${randomUUID()}`, keyId: null, model: 'demo-chat' };
  const GET_TIMEOUT_MS = 100;

  beforeAll(async () => {
    testRedis = await createTestRedis('exact-cache-outage');
    const target = new URL(testRedis.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
    client = createHotPathRedisClient(proxy.url(testRedis.url), 'exact-cache-outage-test');
    client.on('error', () => undefined);
    await eventually(() => client.status === 'ready', 5_000);
    cache = new ExactResponseStore(client, new RedisKeys(testRedis.prefix), {
      keyring,
      maxBytesPerTenant: 1_000_000,
      getTimeoutMs: GET_TIMEOUT_MS,
      putTimeoutMs: 300,
    });
  });

  afterAll(async () => {
    client?.disconnect();
    await proxy?.close();
    await testRedis?.cleanup();
  });

  it('answers a miss within the deadline when Redis is slow, and when it is gone; writes fail quietly', async () => {
    const key = cacheKey();
    const lookup = await cache.get(scope, key);
    if (lookup.hit) throw new Error('unexpected hit');
    expect(await cache.put(scope, key, answer('cached'), { ttlSeconds: 60, generation: lookup.generation })).toBe(
      'written',
    );

    // Slow: the command reaches Redis's socket, no answer ever comes.
    proxy.blackHole();
    let started = Date.now();
    expect(await cache.get(scope, key)).toEqual({ hit: false, generation: null, reason: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(GET_TIMEOUT_MS + 400);

    // Gone: connections dropped and refused.
    proxy.cut();
    await eventually(() => client.status !== 'ready');
    started = Date.now();
    expect(await cache.get(scope, key)).toMatchObject({ hit: false, reason: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(GET_TIMEOUT_MS + 400);
    expect(await cache.put(scope, cacheKey(), answer('lost'), { ttlSeconds: 60, generation: '0.0.0' })).toBe(
      'unavailable',
    );
    expect(cache.counters()).toMatchObject({ getFailures: 2, putFailures: 1 });

    proxy.restore();
    expect(await eventually(() => client.status === 'ready', 10_000)).toBe(true);
    expect(await client.ping()).toBe('PONG');
    expect(await cache.get(scope, key)).toEqual({ hit: true, answer: answer('cached') });
  });
});
