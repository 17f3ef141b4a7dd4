import { eventually } from '@gatehouse/testing';
import { type InvalidationMessage, type ProviderResponse } from '@gatehouse/contracts';
import { ProviderRepository } from '@gatehouse/db';
import { credentialKeyFromBase64, CredentialDecryptionError, decryptCredential } from '@gatehouse/domain';
import { type HostResolver, systemResolver } from '@gatehouse/egress';
import { randomBytes } from 'node:crypto';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

const KEY_BASE64 = randomBytes(32).toString('base64');
const SECRET = 'sk-test-PLAINTEXT-credential-0123456789';

/** Names made up for the test (no DNS is asked for them); anything else goes to the system's resolver. */
const resolver: HostResolver = async (hostname) => {
  if (hostname === 'rebind.example.test') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'metadata.example.test') return [{ address: '169.254.169.254', family: 4 }];
  if (hostname === 'public.example.test') return [{ address: '93.184.216.34', family: 4 }];
  return systemResolver(hostname);
};

/** The value, or a failed test when it is missing. */
function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

describe('providers (admin API)', () => {
  let harness: AdminApiHarness;
  let admin: { id: string; token: string };
  let tenantUser: TestUser;
  let stopRecording: () => Promise<void>;
  const messages: InvalidationMessage[] = [];

  beforeAll(async () => {
    harness = await AdminApiHarness.start('providers', { CREDENTIAL_ENCRYPTION_KEY: KEY_BASE64 }, { resolver });
    admin = await harness.admin();
    tenantUser = await harness.tenantUser('OWNER');
    stopRecording = await harness.recordInvalidations(messages);
  });

  afterAll(async () => {
    await stopRecording();
    await harness.close();
  });

  const create = (body: unknown) =>
    harness.request<ProviderResponse>('POST', '/admin/providers', { token: admin.token, body });

  it('creates a provider with a credential that is encrypted at rest and never returned', async () => {
    const response = await create({
      name: 'openai-eu',
      type: 'openai',
      baseUrl: 'https://api.openai.com/',
      region: 'eu-west-1',
      credential: SECRET,
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      name: 'openai-eu',
      type: 'openai',
      baseUrl: 'https://api.openai.com',
      region: 'eu-west-1',
      enabled: true,
      internal: false,
      hasCredential: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(response.body)).not.toMatch(/sk-test|ciphertext|"credential"|authTag|6789/i);

    const row = present(await new ProviderRepository(harness.db).findCredential(response.body.id));
    const ciphertext = Buffer.from(present(row.credentialCiphertext));
    expect(ciphertext.toString('utf8')).not.toContain(SECRET);
    expect(ciphertext.toString('latin1')).not.toContain(SECRET);
    expect(ciphertext.equals(Buffer.from(SECRET))).toBe(false);
    expect(row.credentialIv).toHaveLength(12);
    expect(decryptCredential(row, credentialKeyFromBase64(KEY_BASE64))).toBe(SECRET);
    // Copied onto another provider's row (different associated data), it does not decrypt.
    expect(() => decryptCredential({ ...row, id: tenantUser.tenantId }, credentialKeyFromBase64(KEY_BASE64))).toThrow(
      CredentialDecryptionError,
    );

    expect(
      await eventually(() => messages.some((m) => m.kind === 'provider' && m.providerId === response.body.id)),
    ).toBe(true);

    const audit = await harness.db.auditEvent.findFirstOrThrow({
      where: { action: 'provider.create', targetId: response.body.id },
      select: { before: true, after: true },
    });
    expect(audit.after).toMatchObject({ name: 'openai-eu', credentialStored: true });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('lists and reads providers without credentials', async () => {
    const list = await harness.request<{ items: ProviderResponse[]; nextCursor: string | null }>(
      'GET',
      '/admin/providers',
      { token: admin.token },
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((provider) => provider.name)).toEqual(expect.arrayContaining(['mock', 'openai-eu']));
    const mock = present(list.body.items.find((provider) => provider.name === 'mock'));
    expect(mock).toMatchObject({ type: 'openai-compatible', hasCredential: false });
    expect(JSON.stringify(list.body)).not.toContain(SECRET);

    const one = await harness.request<ProviderResponse>('GET', `/admin/providers/${mock.id}`, { token: admin.token });
    expect(one.body).toEqual(mock);
  });

  it('replaces and removes the credential', async () => {
    const created = await create({ name: 'anthropic-main', type: 'anthropic', baseUrl: 'https://api.anthropic.com' });
    expect(created.body.hasCredential).toBe(false);
    const key = credentialKeyFromBase64(KEY_BASE64);
    const providers = new ProviderRepository(harness.db);

    const set = await harness.request<ProviderResponse>('PATCH', `/admin/providers/${created.body.id}`, {
      token: admin.token,
      body: { credential: 'first-secret' },
    });
    expect(set.status).toBe(200);
    expect(set.body.hasCredential).toBe(true);
    expect(decryptCredential(present(await providers.findCredential(created.body.id)), key)).toBe('first-secret');

    await harness.request('PATCH', `/admin/providers/${created.body.id}`, {
      token: admin.token,
      body: { credential: 'second-secret', region: 'us' },
    });
    expect(decryptCredential(present(await providers.findCredential(created.body.id)), key)).toBe('second-secret');

    const renamed = await harness.request<ProviderResponse>('PATCH', `/admin/providers/${created.body.id}`, {
      token: admin.token,
      body: { name: 'anthropic-us' },
    });
    expect(renamed.body).toMatchObject({ name: 'anthropic-us', region: 'us', hasCredential: true });

    const removed = await harness.request<ProviderResponse>('PATCH', `/admin/providers/${created.body.id}`, {
      token: admin.token,
      body: { credential: null },
    });
    expect(removed.body.hasCredential).toBe(false);
    expect(await providers.findCredential(created.body.id)).toEqual({
      id: created.body.id,
      credentialCiphertext: null,
      credentialIv: null,
      credentialAuthTag: null,
    });
  });

  it('refuses insecure or credential-bearing base URLs with field details', async () => {
    for (const baseUrl of ['ftp://api.example.com', 'https://user:pw@api.example.com', 'https://x.example?key=1']) {
      const response = await create({ name: 'bad', type: 'http', baseUrl });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'baseUrl' }] });
    }
    // Over the internet only TLS; plain http is for an internal provider (a model server on the private network).
    const plain = await create({ name: 'bad', type: 'http', baseUrl: 'http://api.example.com' });
    expect(plain.status).toBe(400);
    expect(plain.body).toMatchObject({
      code: 'invalid_provider_base_url',
      details: [{ field: 'baseUrl', reason: expect.stringContaining('https') }],
    });
    const local = await create({
      name: 'local-dev',
      type: 'openai-compatible',
      baseUrl: 'http://localhost:8090',
      internal: true,
    });
    expect(local.status).toBe(201);
    const privateName = await create({
      name: 'vllm-internal',
      type: 'openai-compatible',
      baseUrl: 'http://vllm.internal:8000',
      internal: true,
    });
    expect(privateName.status).toBe(201);
  });

  it('refuses a base URL on a loopback or private network unless the provider is marked internal', async () => {
    for (const baseUrl of [
      'http://127.0.0.1:5432',
      'http://localhost:8090',
      'http://[::1]:8090',
      'https://[::ffff:127.0.0.1]:8443',
      'https://169.254.169.254/latest',
      'https://10.0.0.8',
      'https://rebind.example.test',
      'https://metadata.example.test',
    ]) {
      const refused = await create({ name: 'not-internal', type: 'openai-compatible', baseUrl });
      expect({ baseUrl, status: refused.status, body: refused.body }).toMatchObject({
        baseUrl,
        status: 400,
        body: { code: 'invalid_provider_base_url', details: [{ field: 'baseUrl', reason: expect.any(String) }] },
      });
    }
    expect(await harness.db.provider.count({ where: { name: 'not-internal' } })).toBe(0);

    const internal = await create({
      name: 'internal-one',
      type: 'openai-compatible',
      baseUrl: 'https://rebind.example.test',
      internal: true,
    });
    expect(internal.status).toBe(201);
    expect(internal.body.internal).toBe(true);
    const audit = await harness.db.auditEvent.findFirstOrThrow({
      where: { action: 'provider.create', targetId: internal.body.id },
      select: { after: true },
    });
    expect(audit.after).toMatchObject({ internal: true });

    // Taking the flag away, or moving a public provider onto a private address, is refused the same way.
    const unmark = await harness.request('PATCH', `/admin/providers/${internal.body.id}`, {
      token: admin.token,
      body: { internal: false },
    });
    expect(unmark.status).toBe(400);
    expect(unmark.body).toMatchObject({ code: 'invalid_provider_base_url' });
    const publicOne = await create({ name: 'public-one', type: 'openai', baseUrl: 'https://public.example.test' });
    expect(publicOne.status).toBe(201);
    const moved = await harness.request('PATCH', `/admin/providers/${publicOne.body.id}`, {
      token: admin.token,
      body: { baseUrl: 'https://rebind.example.test' },
    });
    expect(moved.status).toBe(400);
    const movedAndMarked = await harness.request<ProviderResponse>('PATCH', `/admin/providers/${publicOne.body.id}`, {
      token: admin.token,
      body: { baseUrl: 'https://rebind.example.test', internal: true },
    });
    expect(movedAndMarked.status).toBe(200);
    expect(movedAndMarked.body).toMatchObject({ baseUrl: 'https://rebind.example.test', internal: true });
  });

  it('seeds the mock provider as internal', async () => {
    expect(await harness.db.provider.findUniqueOrThrow({ where: { name: 'mock' } })).toMatchObject({ internal: true });
  });

  it('answers 409 for a taken name and 404 for an unknown id', async () => {
    const taken = await create({ name: 'mock', type: 'openai', baseUrl: 'https://api.openai.com' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'provider_name_taken' });
    const missing = await harness.request('GET', '/admin/providers/00000000-0000-4000-8000-000000000000', {
      token: admin.token,
    });
    expect(missing.status).toBe(404);
  });

  it('keeps a provider that serves models from becoming an http provider', async () => {
    const mock = await harness.db.provider.findUniqueOrThrow({ where: { name: 'mock' } });
    const response = await harness.request('PATCH', `/admin/providers/${mock.id}`, {
      token: admin.token,
      body: { type: 'http' },
    });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'provider_in_use' });
  });

  it('is for platform admins only', async () => {
    for (const [method, path] of [
      ['GET', '/admin/providers'],
      ['POST', '/admin/providers'],
    ] as const) {
      const response = await harness.request(method, path, {
        token: tenantUser.token,
        body: method === 'POST' ? { name: 'x', type: 'openai', baseUrl: 'https://a.example' } : undefined,
      });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'admin_only' });
    }
    expect((await harness.request('GET', '/admin/providers')).status).toBe(401);
  });
});
