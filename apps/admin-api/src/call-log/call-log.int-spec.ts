import {
  type CallLogDetailResponse,
  type PlatformCallLogResponse,
  type TenantCallLogResponse,
} from '@gatehouse/contracts';
import { DEV_CALL_LOG_ENCRYPTION_KEY } from '@gatehouse/config';
import { UsageIngestionRepository, type UsageEventInput } from '@gatehouse/db';
import { type CallLogBodySide, callLogKeyring, encryptCallLogBody } from '@gatehouse/domain';
import { randomBytes, randomUUID } from 'node:crypto';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

type ErrorBody = { statusCode: number; code: string; message: string; details?: { field: string; reason: string }[] };

/** A window in the past that only this suite's calls fall in; `to` is exclusive. */
const WINDOW = 'from=2025-07-01T00:00:00Z&to=2025-07-02T00:00:00Z';

describe('call log', () => {
  let api: AdminApiHarness;
  let admin: { id: string; token: string };
  let owner: TestUser;
  let viewer: TestUser;
  let other: TestUser;
  let alphaKey: string;
  let betaKey: string;
  let otherKey: string;
  let demoId: string;
  let mockProviderId: string;

  /** Request ids of the calls below, by name. */
  const ids = {
    chat: randomUUID(),
    refused: randomUUID(),
    blocked: randomUUID(),
    upstream: randomUUID(),
    cached: randomUUID(),
    otherTenant: randomUUID(),
  };

  function event(call: Partial<UsageEventInput> & Pick<UsageEventInput, 'requestId' | 'occurredAt' | 'tenantId'>) {
    return {
      apiKeyId: null,
      subscriptionId: null,
      productId: demoId,
      model: 'demo-chat',
      providerId: null,
      upstreamModel: null,
      endpoint: 'chat.completions',
      statusCode: 200,
      errorCode: null,
      latencyMs: 100,
      timeToFirstByteMs: null,
      timeToFirstTokenMs: null,
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      usageSource: 'upstream',
      streamed: false,
      cacheHit: false,
      policyActions: [],
      ...call,
    } satisfies UsageEventInput;
  }

  async function createKey(tenantId: string, name: string, prefix: string): Promise<string> {
    const key = await api.db.apiKey.create({
      data: { tenantId, name, prefix, hash: randomBytes(32).toString('hex'), last4: 'abcd' },
      select: { id: true },
    });
    return key.id;
  }

  const list = (tenantId: string, query: string, token = viewer.token) =>
    api.request<TenantCallLogResponse>('GET', `/tenants/${tenantId}/logs?${query}`, { token });
  const platform = (query: string, token = admin.token) =>
    api.request<PlatformCallLogResponse>('GET', `/admin/logs?${query}`, { token });
  const requestIds = (response: { body: { items: { requestId: string }[] } }) =>
    response.body.items.map((item) => item.requestId);

  beforeAll(async () => {
    api = await AdminApiHarness.start('call-log');
    admin = await api.admin();
    owner = await api.tenantUser('OWNER');
    viewer = await api.tenantUser('VIEWER', owner.tenantId);
    other = await api.tenantUser('OWNER');
    demoId = (await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    mockProviderId = (await api.db.provider.findUniqueOrThrow({ where: { name: 'mock' } })).id;
    alphaKey = await createKey(owner.tenantId, 'alpha key', 'gh_live_alph');
    betaKey = await createKey(owner.tenantId, 'beta key', 'gh_live_beta');
    otherKey = await createKey(other.tenantId, 'other key', 'gh_live_othr');
    const a = { tenantId: owner.tenantId };
    const inserted = await new UsageIngestionRepository(api.db).ingest([
      // demo-chat: 0.5 / 1.5 USD per 1M input / output, 0.25 per 1M cached input (the seed's prices).
      // 800 × 0.5 + 200 × 0.25 + 2 000 × 1.5 = 3 450 µUSD.
      event({
        ...a,
        requestId: ids.chat,
        occurredAt: new Date('2025-07-01T10:00:00.000Z'),
        apiKeyId: alphaKey,
        providerId: mockProviderId,
        upstreamModel: 'mock-large',
        latencyMs: 250,
        timeToFirstByteMs: 40,
        timeToFirstTokenMs: 55,
        inputTokens: 1_000,
        cachedTokens: 200,
        outputTokens: 2_000,
        streamed: true,
        policyActions: ['redact:pii.input.EMAIL@global'],
      }),
      event({
        ...a,
        requestId: ids.refused,
        occurredAt: new Date('2025-07-01T11:00:00.000Z'),
        apiKeyId: betaKey,
        model: 'demo-embed',
        statusCode: 403,
        errorCode: 'model_not_allowed',
        latencyMs: 3,
        usageSource: 'none',
      }),
      event({
        ...a,
        requestId: ids.blocked,
        occurredAt: new Date('2025-07-01T12:00:00.000Z'),
        apiKeyId: alphaKey,
        statusCode: 400,
        errorCode: 'policy_violation',
        latencyMs: 5,
        usageSource: 'none',
        policyActions: [`block:pii.input.CREDIT_CARD@tenant:${owner.tenantId}`, 'monitor:subscription.rpm'],
      }),
      event({
        ...a,
        requestId: ids.upstream,
        occurredAt: new Date('2025-07-01T13:00:00.000Z'),
        apiKeyId: alphaKey,
        statusCode: 502,
        errorCode: 'upstream_error',
        // A whole answer (not streamed): its first token came with the response.
        timeToFirstByteMs: 30,
        policyActions: ['monitor:injection@global'],
      }),
      // 100 × 0.5 + 100 × 1.5 = 200 µUSD.
      event({
        ...a,
        requestId: ids.cached,
        occurredAt: new Date('2025-07-01T14:00:00.000Z'),
        apiKeyId: betaKey,
        inputTokens: 100,
        outputTokens: 100,
        cacheHit: true,
      }),
      // Tenant B, in the middle of tenant A's window.
      event({
        tenantId: other.tenantId,
        requestId: ids.otherTenant,
        occurredAt: new Date('2025-07-01T11:30:00.000Z'),
        apiKeyId: otherKey,
        statusCode: 403,
        errorCode: 'model_not_allowed',
      }),
    ]);
    expect(inserted).toEqual({ inserted: 6 });
  });

  afterAll(async () => {
    await api.close();
  });

  it('answers a viewer exactly the tenant’s calls of the window, newest first, with tokens, cost and decisions', async () => {
    const response = await list(owner.tenantId, WINDOW);
    expect(response.status).toBe(200);
    expect(response.body.from).toBe('2025-07-01T00:00:00.000Z');
    expect(response.body.to).toBe('2025-07-02T00:00:00.000Z');
    expect(response.body.nextCursor).toBeNull();
    expect(requestIds(response)).toEqual([ids.cached, ids.upstream, ids.blocked, ids.refused, ids.chat]);
    expect(response.body.items[4]).toEqual({
      requestId: ids.chat,
      at: '2025-07-01T10:00:00.000Z',
      keyId: alphaKey,
      model: 'demo-chat',
      status: 200,
      errorCode: null,
      latencyMs: 250,
      ttftMs: 55,
      ttfbMs: 40,
      inputTokens: 1_000,
      outputTokens: 2_000,
      costUsd: 0.00345,
      cache: 'miss',
      policy: ['redact:pii.input.EMAIL@global'],
    });
    expect(response.body.items[0]).toMatchObject({ requestId: ids.cached, cache: 'hit', costUsd: 0.0002 });
    // Not streamed: the first token came with the whole answer, at the upstream's response.
    expect(response.body.items[1]).toMatchObject({ requestId: ids.upstream, ttftMs: 30, ttfbMs: 30 });
    expect(response.body.items[2]).toMatchObject({
      status: 400,
      errorCode: 'policy_violation',
      policy: [`block:pii.input.CREDIT_CARD@tenant:${owner.tenantId}`, 'monitor:subscription.rpm'],
    });
  });

  it('keeps `from` inclusive and `to` exclusive', async () => {
    const response = await list(owner.tenantId, 'from=2025-07-01T11:00:00Z&to=2025-07-01T13:00:00Z');
    expect(requestIds(response)).toEqual([ids.blocked, ids.refused]);
  });

  it('filters by model, key, status code or class, error code and decision', async () => {
    const filtered = async (query: string) => requestIds(await list(owner.tenantId, `${WINDOW}&${query}`));
    expect(await filtered('model=demo-embed')).toEqual([ids.refused]);
    expect(await filtered(`keyId=${betaKey}`)).toEqual([ids.cached, ids.refused]);
    expect(await filtered('status=4xx')).toEqual([ids.blocked, ids.refused]);
    expect(await filtered('status=502')).toEqual([ids.upstream]);
    expect(await filtered('status=2xx')).toEqual([ids.cached, ids.chat]);
    expect(await filtered('errorCode=model_not_allowed')).toEqual([ids.refused]);
    expect(await filtered('status=4xx&keyId=' + alphaKey)).toEqual([ids.blocked]);
    // An action, a rule (and the names below it), or both.
    expect(await filtered('decision=block')).toEqual([ids.blocked]);
    expect(await filtered('decision=monitor')).toEqual([ids.upstream, ids.blocked]);
    expect(await filtered('decision=pii.input')).toEqual([ids.blocked, ids.chat]);
    expect(await filtered('decision=pii.input.EMAIL')).toEqual([ids.chat]);
    expect(await filtered('decision=redact:pii.input')).toEqual([ids.chat]);
    expect(await filtered('decision=block:injection')).toEqual([]);
    expect(await filtered('decision=injection')).toEqual([ids.upstream]);
    expect(await filtered('decision=subscription.rpm')).toEqual([ids.blocked]);
    // Names are matched a whole segment at a time: `pii` covers `pii.input`, `pii.in` nothing.
    expect(await filtered('decision=pii')).toEqual([ids.blocked, ids.chat]);
    expect(await filtered('decision=pii.in')).toEqual([]);
  });

  it('pages through many calls, some in the same millisecond, without a duplicate or a gap', async () => {
    const pagingTenant = await api.tenantUser('VIEWER');
    // 53 calls over 6 milliseconds: every page boundary falls inside a run of equal times.
    const events = Array.from({ length: 53 }, (_, index) =>
      event({
        tenantId: pagingTenant.tenantId,
        requestId: `paging-${String(index).padStart(2, '0')}`,
        occurredAt: new Date(Date.parse('2025-07-01T09:00:00.000Z') + (index % 6)),
      }),
    );
    expect(await new UsageIngestionRepository(api.db).ingest(events)).toEqual({ inserted: 53 });

    const seen: string[] = [];
    const times: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: { status: number; body: TenantCallLogResponse } = await list(
        pagingTenant.tenantId,
        `${WINDOW}&limit=10${cursor === null ? '' : `&cursor=${cursor}`}`,
        pagingTenant.token,
      );
      expect(response.status).toBe(200);
      seen.push(...requestIds(response));
      times.push(...response.body.items.map((item) => Date.parse(item.at)));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(pages).toBe(6);
    expect(seen).toHaveLength(53);
    expect(new Set(seen).size).toBe(53);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('caps a page at the limit asked for, 50 by default', async () => {
    const response = await list(owner.tenantId, `${WINDOW}&limit=2`);
    expect(requestIds(response)).toEqual([ids.cached, ids.upstream]);
    const next = await list(owner.tenantId, `${WINDOW}&limit=2&cursor=${response.body.nextCursor}`);
    expect(requestIds(next)).toEqual([ids.blocked, ids.refused]);
  });

  it('never shows a tenant another tenant’s call, in a list or by request id', async () => {
    const all = await list(owner.tenantId, WINDOW);
    expect(requestIds(all)).not.toContain(ids.otherTenant);

    const foreign = await api.request<ErrorBody>('GET', `/tenants/${owner.tenantId}/logs/${ids.otherTenant}`, {
      token: owner.token,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('call_not_found');

    // A member of another tenant cannot read this tenant's log at all.
    const outsider = await list(owner.tenantId, WINDOW, other.token);
    expect(outsider.status).toBe(404);
  });

  it('answers a call’s detail by request id, names included', async () => {
    const response = await api.request<CallLogDetailResponse>('GET', `/tenants/${owner.tenantId}/logs/${ids.chat}`, {
      token: viewer.token,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      requestId: ids.chat,
      tenantId: owner.tenantId,
      at: '2025-07-01T10:00:00.000Z',
      keyId: alphaKey,
      keyName: 'alpha key',
      keyPrefix: 'gh_live_alph',
      model: 'demo-chat',
      status: 200,
      errorCode: null,
      latencyMs: 250,
      ttftMs: 55,
      ttfbMs: 40,
      inputTokens: 1_000,
      outputTokens: 2_000,
      cachedTokens: 200,
      costUsd: 0.00345,
      cache: 'miss',
      policy: ['redact:pii.input.EMAIL@global'],
      endpoint: 'chat.completions',
      productId: demoId,
      productSlug: 'demo',
      providerId: mockProviderId,
      providerName: 'mock',
      upstreamModel: 'mock-large',
      streamed: true,
      usageSource: 'upstream',
      bodies: null,
    });

    const unknown = await api.request<ErrorBody>('GET', `/tenants/${owner.tenantId}/logs/no-such-call`, {
      token: viewer.token,
    });
    expect(unknown.status).toBe(404);
  });

  it('answers the stored bodies decrypted, to the call’s tenant and platform admins only, until they expire', async () => {
    const keys = callLogKeyring({ version: 1, key: DEV_CALL_LOG_ENCRYPTION_KEY });
    const sealed = (requestId: string, side: CallLogBodySide, text: string, keyring = keys) => {
      const { ciphertext, iv, authTag } = encryptCallLogBody(text, keyring, requestId, side);
      const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
      return { ciphertext: base64(ciphertext), iv: base64(iv), tag: base64(authTag) };
    };
    const stored = { requestId: randomUUID(), rotated: randomUUID(), expired: randomUUID() };
    const at = (minute: number) => new Date(`2025-07-01T20:${String(minute).padStart(2, '0')}:00.000Z`);
    const future = '2099-01-01T00:00:00.000Z';
    const unknownKey = callLogKeyring({ version: 7, key: randomBytes(32).toString('base64') });
    await new UsageIngestionRepository(api.db).ingest([
      event({
        tenantId: owner.tenantId,
        requestId: stored.requestId,
        occurredAt: at(1),
        bodies: {
          keyVersion: 1,
          expiresAt: future,
          request: sealed(stored.requestId, 'request', '{"messages":[{"role":"user","content":"hi [EMAIL_1]"}]}'),
          response: sealed(stored.requestId, 'response', 'Hello!'),
          requestTruncated: false,
          responseTruncated: true,
        },
      }),
      event({
        tenantId: owner.tenantId,
        requestId: stored.rotated,
        occurredAt: at(2),
        bodies: {
          keyVersion: 7,
          expiresAt: future,
          request: sealed(stored.rotated, 'request', '{}', unknownKey),
          response: null,
          requestTruncated: false,
          responseTruncated: false,
        },
      }),
      event({
        tenantId: owner.tenantId,
        requestId: stored.expired,
        occurredAt: at(3),
        bodies: {
          keyVersion: 1,
          expiresAt: '2025-07-02T00:00:00.000Z',
          request: sealed(stored.expired, 'request', '{}'),
          response: null,
          requestTruncated: false,
          responseTruncated: false,
        },
      }),
    ]);
    const detail = (requestId: string, tenantId = owner.tenantId, token = viewer.token) =>
      api.request<CallLogDetailResponse>('GET', `/tenants/${tenantId}/logs/${requestId}`, { token });

    const shown = await detail(stored.requestId);
    expect(shown.status).toBe(200);
    expect(shown.body.bodies).toEqual({
      request: '{"messages":[{"role":"user","content":"hi [EMAIL_1]"}]}',
      response: 'Hello!',
      requestTruncated: false,
      responseTruncated: true,
      decryptionError: null,
    });
    const asAdmin = await api.request<CallLogDetailResponse>('GET', `/admin/logs/${stored.requestId}`, {
      token: admin.token,
    });
    expect(asAdmin.body.bodies?.response).toBe('Hello!');
    expect((await detail(stored.requestId, other.tenantId, other.token)).status).toBe(404);

    // A key no longer configured: the call is still shown, its bodies marked unreadable, never a server error.
    const rotated = await detail(stored.rotated);
    expect(rotated.status).toBe(200);
    expect(rotated.body.bodies).toMatchObject({ request: null, response: null });
    expect(rotated.body.bodies?.decryptionError).toMatch(/no key of version 7/);

    expect((await detail(stored.expired)).body.bodies).toBeNull();
  });

  it('shows platform admins every tenant’s calls, filtered like a tenant’s, and by tenant', async () => {
    const all = await platform(`${WINDOW}&status=4xx`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((item) => [item.requestId, item.tenantId])).toEqual([
      [ids.blocked, owner.tenantId],
      [ids.otherTenant, other.tenantId],
      [ids.refused, owner.tenantId],
    ]);

    const refusals = await platform(`${WINDOW}&errorCode=model_not_allowed`);
    expect(requestIds(refusals)).toEqual([ids.otherTenant, ids.refused]);

    const oneTenant = await platform(`${WINDOW}&errorCode=model_not_allowed&tenantId=${other.tenantId}`);
    expect(requestIds(oneTenant)).toEqual([ids.otherTenant]);

    const found = await api.request<CallLogDetailResponse>('GET', `/admin/logs/${ids.otherTenant}`, {
      token: admin.token,
    });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      requestId: ids.otherTenant,
      tenantId: other.tenantId,
      errorCode: 'model_not_allowed',
    });
    expect((await api.request('GET', '/admin/logs/no-such-call', { token: admin.token })).status).toBe(404);

    // Platform admins act on every tenant, so its route answers them too.
    const detail = await api.request<CallLogDetailResponse>(
      'GET',
      `/tenants/${other.tenantId}/logs/${ids.otherTenant}`,
      { token: admin.token },
    );
    expect(detail.status).toBe(200);
    expect(detail.body.keyName).toBe('other key');
  });

  it('keeps the platform view from tenant users', async () => {
    expect((await platform(WINDOW, owner.token)).status).toBe(403);
    expect((await api.request('GET', `/admin/logs/${ids.chat}`, { token: owner.token })).status).toBe(403);
  });

  it('refuses a bad query with 400 and the fields at fault', async () => {
    const refused = async (query: string) => {
      const response = await api.request<ErrorBody>('GET', `/tenants/${owner.tenantId}/logs?${query}`, {
        token: viewer.token,
      });
      expect(response.status).toBe(400);
      return response.body;
    };
    expect((await refused('from=yesterday')).details).toEqual([{ field: 'from', reason: expect.any(String) }]);
    expect((await refused('to=2025-02-30T00:00:00Z')).details?.[0]?.field).toBe('to');
    expect((await refused('status=6xx')).details?.[0]?.field).toBe('status');
    expect((await refused('status=40')).details?.[0]?.field).toBe('status');
    expect((await refused('keyId=alpha')).details?.[0]?.field).toBe('keyId');
    expect((await refused('decision=drop table')).details?.[0]?.field).toBe('decision');
    expect((await refused('cursor=12345')).details?.[0]?.field).toBe('cursor');
    expect((await refused('limit=201')).details?.[0]?.field).toBe('limit');
    expect((await refused('statusCode=403')).code).toBe('validation_failed');
    expect(await refused('from=2025-07-02T00:00:00Z&to=2025-07-01T00:00:00Z')).toMatchObject({
      code: 'invalid_time_range',
    });
    expect(await refused('from=2025-06-01T00:00:00Z&to=2025-07-03T00:00:00Z')).toMatchObject({
      code: 'time_range_too_large',
    });

    const platformRefusal = await api.request<ErrorBody>('GET', '/admin/logs?tenantId=acme', { token: admin.token });
    expect(platformRefusal.status).toBe(400);
    expect(platformRefusal.body.details?.[0]?.field).toBe('tenantId');
  });

  it('reads the last 24 hours when no window is given', async () => {
    const recent = randomUUID();
    await new UsageIngestionRepository(api.db).ingest([
      event({ tenantId: owner.tenantId, requestId: recent, occurredAt: new Date(Date.now() - 60_000) }),
      event({ tenantId: owner.tenantId, requestId: randomUUID(), occurredAt: new Date(Date.now() - 25 * 3_600_000) }),
    ]);
    const response = await list(owner.tenantId, '');
    expect(requestIds(response)).toEqual([recent]);
    expect(Date.parse(response.body.to) - Date.parse(response.body.from)).toBe(24 * 3_600_000);
  });
});
