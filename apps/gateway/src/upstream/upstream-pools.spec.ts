import { UpstreamPools } from './upstream-pools';
import { UpstreamOriginRefusedError } from './upstream.error';
import { type UpstreamProvider } from './upstream.types';

const provider = (id: string, baseUrl: string): UpstreamProvider => ({
  id,
  name: id,
  type: 'OPENAI_COMPATIBLE',
  baseUrl,
  credential: null,
  internal: false,
});

describe('UpstreamPools', () => {
  let pools: UpstreamPools;

  beforeEach(async () => {
    pools = new UpstreamPools();
    await pools.setProviders([
      provider('a', 'https://api.example.com'),
      provider('b', 'https://api.example.com/openai/'),
      provider('c', 'http://127.0.0.1:8090'),
    ]);
  });

  afterEach(() => pools.close());

  it('keeps one pool per origin', () => {
    expect(pools.configuredOrigins.sort()).toEqual(['http://127.0.0.1:8090', 'https://api.example.com']);
  });

  it('gives an internal and a guarded provider on one origin a pool each, and replaces it when the flag changes', async () => {
    await pools.setProviders([
      provider('a', 'https://api.example.com'),
      { ...provider('i', 'https://api.example.com'), internal: true },
    ]);
    const guarded = pools.resolve('a', '/v1/models').pool;
    const internal = pools.resolve('i', '/v1/models').pool;
    expect(internal).not.toBe(guarded);
    expect(pools.configuredOrigins).toEqual(['https://api.example.com']);
    await pools.setProviders([{ ...provider('a', 'https://api.example.com'), internal: true }]);
    expect(pools.resolve('a', '/v1/models').pool).toBe(internal);
    expect(guarded.closed).toBe(true);
  });

  it('appends the API path to the base URL, path prefix included', () => {
    expect(pools.resolve('a', '/v1/chat/completions')).toMatchObject({
      origin: 'https://api.example.com',
      path: '/v1/chat/completions',
    });
    expect(pools.resolve('b', '/v1/embeddings').path).toBe('/openai/v1/embeddings');
  });

  it.each(['//evil.example/v1', 'http://evil.example/v1', 'v1/chat', '/v1/../../x', '/v1/%2e%2e/x', '/v1?x=1', '/a b'])(
    'refuses the path %p',
    (path) => {
      expect(() => pools.resolve('a', path)).toThrow(UpstreamOriginRefusedError);
    },
  );

  it('resolves any path to what URL parsing of base URL and path gives, parsing only when it must', () => {
    const characters = [...Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)), 'é', '€', '%41', '%'];
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let resolved = 0;
    for (let run = 0; run < 3_000; run++) {
      let apiPath = '/v1/';
      for (let length = Math.floor(random() * 12); length > 0; length--) {
        apiPath += characters[Math.floor(random() * characters.length)];
      }
      for (const [id, base] of [
        ['a', 'https://api.example.com'],
        ['b', 'https://api.example.com/openai/'],
      ] as const) {
        let path: string;
        try {
          path = pools.resolve(id, apiPath).path;
        } catch (error) {
          expect(error).toBeInstanceOf(UpstreamOriginRefusedError);
          continue;
        }
        const url = new URL(`${new URL(base).pathname.replace(/\/+$/, '')}${apiPath}`, base);
        expect(path).toBe(`${url.pathname}${url.search}`);
        resolved += 1;
      }
    }
    expect(resolved).toBeGreaterThan(1_000);
  });

  it("tells a configured provider's type, never its credential", async () => {
    await pools.setProviders([{ ...provider('a', 'https://api.example.com'), type: 'ANTHROPIC', credential: 'sk' }]);
    expect(pools.provider('a')).toEqual({ id: 'a', name: 'a', type: 'ANTHROPIC' });
    expect(pools.provider('a')).toBe(pools.provider('a'));
    expect(pools.provider('unknown')).toBeUndefined();
  });

  it('refuses a provider that is not configured', () => {
    expect(() => pools.resolve('unknown', '/v1/chat/completions')).toThrow(UpstreamOriginRefusedError);
  });

  it('leaves out providers with unusable base URLs, and closes pools of origins no longer configured', async () => {
    const { rejected } = await pools.setProviders([
      provider('c', 'http://127.0.0.1:8090'),
      provider('d', 'ftp://files.example'),
      provider('e', 'https://user:pw@api.example.com'),
      provider('f', 'not a url'),
    ]);
    expect(rejected.map((r) => r.id)).toEqual(['d', 'e', 'f']);
    expect(pools.configuredOrigins).toEqual(['http://127.0.0.1:8090']);
    expect(pools.has('a')).toBe(false);
    expect(() => pools.resolve('a', '/v1/chat/completions')).toThrow(UpstreamOriginRefusedError);
  });
});
