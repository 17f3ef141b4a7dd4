import { eventually } from '@gatehouse/testing';
import { type InvalidationMessage, type ProviderResponse } from '@gatehouse/contracts';
import { ProviderRepository } from '@gatehouse/db';
import { credentialKeyFromBase64, CredentialDecryptionError, decryptCredential } from '@gatehouse/domain';
import { randomBytes } from 'node:crypto';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';

const KEY_BASE64 = randomBytes(32).toString('base64');
const SECRET = 'sk-test-PLAINTEXT-credential-0123456789';

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
    harness = await AdminApiHarness.start('providers', { CREDENTIAL_ENCRYPTION_KEY: KEY_BASE64 });
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
    for (const baseUrl of ['http://api.example.com', 'https://user:pw@api.example.com', 'https://x.example?key=1']) {
      const response = await create({ name: 'bad', type: 'http', baseUrl });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'baseUrl' }] });
    }
    const local = await create({ name: 'local-dev', type: 'openai-compatible', baseUrl: 'http://localhost:8090' });
    expect(local.status).toBe(201);
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
