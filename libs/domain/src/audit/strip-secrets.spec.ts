import { stripSecrets } from './strip-secrets';

describe('stripSecrets', () => {
  it('removes secret-bearing properties at every depth and keeps the rest', () => {
    expect(
      stripSecrets({
        name: 'prod key',
        hash: 'abc',
        previousHash: 'def',
        provider: {
          baseUrl: 'https://api.example.com',
          credentialCiphertext: 'x',
          credentialIv: 'y',
          credentialAuthTag: 'z',
        },
        users: [{ email: 'a@example.com', passwordHash: 'p' }],
        secret: 'gh_live_x',
        token: 't',
        createdAt: new Date(0),
      }),
    ).toEqual({
      name: 'prod key',
      provider: { baseUrl: 'https://api.example.com' },
      users: [{ email: 'a@example.com' }],
      createdAt: new Date(0),
    });
  });
});
