import { randomUUID } from 'node:crypto';
import { createPrismaClient, type DbClient, ProviderRepository } from '@gatehouse/db';
import { encryptCredential } from '@gatehouse/domain';
import { createTestDatabase, type TestDatabase } from '@gatehouse/testing';
import { loadUpstreamProviders } from './provider-loader';

describe('loadUpstreamProviders', () => {
  const key = Buffer.alloc(32, 7);
  let database: TestDatabase;
  let db: DbClient;
  let repository: ProviderRepository;

  beforeAll(async () => {
    database = await createTestDatabase('upstream-providers');
    db = createPrismaClient({ url: database.url });
    repository = new ProviderRepository(db);
  });

  afterAll(async () => {
    await db.$disconnect();
    await database.drop();
  });

  it('loads enabled providers with decrypted credentials, and skips disabled or undecryptable ones', async () => {
    const base = { region: null, baseUrl: 'https://api.example.com', internal: false };
    const withKey = randomUUID();
    const none = randomUUID();
    const disabled = randomUUID();
    const foreign = randomUUID();
    await repository.create({
      ...base,
      id: withKey,
      name: 'openai',
      type: 'OPENAI',
      enabled: true,
      credential: encryptCredential('sk-1', key, withKey),
    });
    await repository.create({
      ...base,
      id: none,
      name: 'mock',
      type: 'OPENAI_COMPATIBLE',
      enabled: true,
      credential: null,
    });
    await repository.create({
      ...base,
      id: disabled,
      name: 'off',
      type: 'ANTHROPIC',
      enabled: false,
      credential: null,
    });
    // A ciphertext made for another provider id must not decrypt here (associated data = provider id).
    await repository.create({
      ...base,
      id: foreign,
      name: 'moved',
      type: 'ANTHROPIC',
      enabled: true,
      credential: encryptCredential('sk-2', key, withKey),
    });

    const { providers, skipped } = await loadUpstreamProviders(repository, key);
    expect(providers.map((p) => [p.name, p.credential]).sort()).toEqual([
      ['mock', null],
      ['openai', 'sk-1'],
    ]);
    expect(skipped).toEqual([{ id: foreign, reason: expect.not.stringContaining('sk-2') }]);
  });
});
