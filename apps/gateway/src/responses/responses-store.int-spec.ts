import { randomBytes, randomUUID } from 'node:crypto';
import { callLogKeyring, type CallLogKeyring, type ResponsesResponse } from '@gatehouse/domain';
import { RedisKeys } from '@gatehouse/redis';
import { createTestRedis, type TestRedis } from '@gatehouse/testing';
import { Redis } from 'ioredis';
import { GatewayError } from '../common/gateway-error';
import { ResponsesStore, type ResponsesStoreOptions, type StoredResponse } from './responses-store';

const KEY_ONE = randomBytes(32).toString('base64');
const KEY_TWO = randomBytes(32).toString('base64');

function stored(id: string, text = 'The answer.'): StoredResponse {
  const response = {
    id,
    object: 'response',
    status: 'completed',
    model: 'demo-chat',
    store: true,
    output: [
      {
        type: 'message',
        id: `msg_${id}`,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
  } as unknown as ResponsesResponse;
  return { response, conversation: [{ role: 'user', content: 'The question.' }, ...response.output] };
}

/**
 * The Responses store on the real Redis: what one tenant saves only it reads back, sealed (a record moved under
 * another tenant does not open), for the retention, readable after a key rotation; a Redis that is away costs an
 * answer its `store`, never the answer, and a read then is a 503.
 */
describe('ResponsesStore', () => {
  let redis: TestRedis;
  let keys: RedisKeys;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  const storeOf = (options: Partial<ResponsesStoreOptions> = {}, client: Redis = redis.redis) =>
    new ResponsesStore(client, keys, {
      retentionHours: 720,
      keyring: callLogKeyring({ version: 1, key: KEY_ONE }),
      maxStoredBytes: 1024 * 1024,
      saveTimeoutMs: 2_000,
      ...options,
    });

  beforeAll(async () => {
    redis = await createTestRedis('responses-store');
    keys = new RedisKeys(redis.prefix);
  });

  afterAll(() => redis?.cleanup());

  it("saves a tenant's response for the retention, sealed, and reads and deletes it for that tenant only", async () => {
    const store = storeOf();
    const id = `resp_${randomUUID().replaceAll('-', '')}`;
    expect(await store.save(tenantA, stored(id, 'A private answer.'))).toBe('stored');

    const raw = await redis.redis.get(keys.tenant(tenantA, 'responses', id));
    expect(raw).not.toContain('private answer');
    expect(await redis.redis.ttl(keys.tenant(tenantA, 'responses', id))).toBeGreaterThan(720 * 3_600 - 60);

    expect(await store.find(tenantA, id)).toEqual(stored(id, 'A private answer.'));
    expect(await store.retrieve(tenantA, id)).toEqual(stored(id, 'A private answer.').response);
    expect(await store.conversation(tenantA, id)).toEqual(stored(id, 'A private answer.').conversation);

    expect(await store.find(tenantB, id)).toBeNull();
    await expect(store.retrieve(tenantB, id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(store.conversation(tenantB, id)).rejects.toMatchObject({
      status: 400,
      param: 'previous_response_id',
      message: `Previous response with id '${id}' not found.`,
    });
    await expect(store.remove(tenantB, id)).rejects.toMatchObject({ status: 404 });

    expect(await store.remove(tenantA, id)).toEqual({ id, object: 'response', deleted: true });
    expect(await store.find(tenantA, id)).toBeNull();
  });

  it("does not open a record moved under another tenant's key or id", async () => {
    const store = storeOf();
    const id = `resp_${randomUUID().replaceAll('-', '')}`;
    await store.save(tenantA, stored(id));
    const raw = await redis.redis.get(keys.tenant(tenantA, 'responses', id));
    await redis.redis.set(keys.tenant(tenantB, 'responses', id), raw ?? '');
    await redis.redis.set(keys.tenant(tenantA, 'responses', `${id}x`), raw ?? '');
    expect(await store.find(tenantB, id)).toBeNull();
    expect(await store.find(tenantA, `${id}x`)).toBeNull();
    expect(await store.find(tenantA, id)).not.toBeNull();
  });

  it('reads what an earlier key sealed after a rotation, and nothing once that key is dropped', async () => {
    const id = `resp_${randomUUID().replaceAll('-', '')}`;
    await storeOf().save(tenantA, stored(id));
    const rotated: CallLogKeyring = callLogKeyring({ version: 2, key: KEY_TWO }, [{ version: 1, key: KEY_ONE }]);
    expect((await storeOf({ keyring: rotated }).find(tenantA, id))?.response.id).toBe(id);
    expect(await storeOf({ keyring: callLogKeyring({ version: 2, key: KEY_TWO }) }).find(tenantA, id)).toBeNull();
  });

  it('stores nothing larger than its cap', async () => {
    const store = storeOf({ maxStoredBytes: 2_048 });
    const id = `resp_${randomUUID().replaceAll('-', '')}`;
    expect(await store.save(tenantA, stored(id, 'x'.repeat(2_048)))).toBe('too_large');
    expect(await redis.redis.exists(keys.tenant(tenantA, 'responses', id))).toBe(0);
  });

  it('keeps nothing at retention 0, and says previous responses are not kept', async () => {
    const store = storeOf({ retentionHours: 0 });
    expect(store.enabled).toBe(false);
    await expect(store.conversation(tenantA, 'resp_1')).rejects.toMatchObject({
      status: 400,
      param: 'previous_response_id',
      message: "Previous response with id 'resp_1' not found: responses are not kept by this gateway.",
    });
    await expect(store.retrieve(tenantA, 'resp_1')).rejects.toMatchObject({ status: 404 });
  });

  it('reports a save to a Redis that is away as failed within its deadline, and a read as 503', async () => {
    // Nothing listens on port 1: every connection attempt is refused, and commands wait in the offline queue.
    const away = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, lazyConnect: true });
    away.on('error', () => undefined);
    try {
      const store = storeOf({ saveTimeoutMs: 300 }, away);
      const started = Date.now();
      expect(await store.save(tenantA, stored('resp_away'))).toBe('failed');
      expect(Date.now() - started).toBeLessThan(2_000);
      const read = await store.find(tenantA, 'resp_away').catch((error: unknown) => error);
      expect(read).toBeInstanceOf(GatewayError);
      expect(read).toMatchObject({ status: 503 });
    } finally {
      away.disconnect();
    }
  });
});
