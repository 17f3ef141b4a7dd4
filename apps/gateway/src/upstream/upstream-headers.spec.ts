import {
  forwardableRequestHeaders,
  providerAuthHeaders,
  responseHeadersForClient,
  upstreamRequestHeaders,
} from './upstream-headers';

describe('upstream headers', () => {
  const client = {
    host: 'gateway.local',
    connection: 'keep-alive, x-custom-hop',
    'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked',
    upgrade: 'h2c',
    te: 'trailers',
    trailer: 'x-checksum',
    'proxy-authorization': 'Basic eA==',
    'proxy-foo': 'bar',
    'x-custom-hop': 'gone',
    authorization: 'Bearer gh_live_secret',
    'x-api-key': 'gh_live_secret',
    'api-key': 'gh_live_secret',
    cookie: 'session=1',
    'content-length': '12',
    'accept-encoding': 'gzip',
    'content-type': 'application/json',
    'x-mock-delay-ms': '5',
    'anthropic-beta': 'tools-2024',
    'x-multi': ['one', 'two'],
  };

  it('forwards only end-to-end, non-credential headers', () => {
    expect(forwardableRequestHeaders(client)).toEqual({
      'content-type': 'application/json',
      'x-mock-delay-ms': '5',
      'anthropic-beta': 'tools-2024',
      'x-multi': ['one', 'two'],
    });
  });

  it('authenticates with a bearer token to OpenAI and OpenAI-compatible providers', () => {
    for (const type of ['OPENAI', 'OPENAI_COMPATIBLE'] as const) {
      const headers = upstreamRequestHeaders({ type, credential: 'sk-provider' }, client);
      expect(headers.authorization).toBe('Bearer sk-provider');
      expect(headers['x-api-key']).toBeUndefined();
    }
  });

  it('authenticates with x-api-key and anthropic-version to Anthropic, keeping the client version', () => {
    expect(providerAuthHeaders({ type: 'ANTHROPIC', credential: 'sk-ant' })).toEqual({
      'x-api-key': 'sk-ant',
      'anthropic-version': '2023-06-01',
    });
    const headers = upstreamRequestHeaders(
      { type: 'ANTHROPIC', credential: 'sk-ant' },
      {
        ...client,
        'anthropic-version': '2024-01-01',
      },
    );
    expect(headers).toMatchObject({ 'x-api-key': 'sk-ant', 'anthropic-version': '2024-01-01' });
    expect(headers.authorization).toBeUndefined();
  });

  it("keeps Anthropic's headers off requests to OpenAI-format providers, and on those to Anthropic", () => {
    const withVersion = { ...client, 'anthropic-version': '2023-06-01' };
    for (const type of ['OPENAI', 'OPENAI_COMPATIBLE'] as const) {
      const headers = upstreamRequestHeaders({ type, credential: null }, withVersion);
      expect(Object.keys(headers).filter((name) => name.startsWith('anthropic-'))).toEqual([]);
    }
    expect(upstreamRequestHeaders({ type: 'ANTHROPIC', credential: null }, withVersion)).toMatchObject({
      'anthropic-beta': 'tools-2024',
      'anthropic-version': '2023-06-01',
    });
  });

  it("adds the call's own headers after the client's, and the provider's auth last, each name once", () => {
    const headers = upstreamRequestHeaders(
      { type: 'OPENAI', credential: 'sk-provider' },
      { 'x-first': '1', 'content-type': 'text/plain', authorization: 'Bearer gh_live_secret' },
      { 'content-type': 'application/json', 'content-length': '2' },
    );
    expect(Object.entries(headers)).toEqual([
      ['x-first', '1'],
      ['content-type', 'application/json'],
      ['content-length', '2'],
      ['authorization', 'Bearer sk-provider'],
    ]);
  });

  it('sends no auth header when the provider has no credential, and never the client one', () => {
    const headers = upstreamRequestHeaders({ type: 'OPENAI_COMPATIBLE', credential: null }, client);
    expect(headers.authorization).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain('gh_live_secret');
  });

  it('strips hop-by-hop, cookies and length from a response before it reaches the client', () => {
    expect(
      responseHeadersForClient({
        connection: 'close',
        'transfer-encoding': 'chunked',
        'keep-alive': 'timeout=5',
        'content-length': '10',
        'set-cookie': ['a=1'],
        'content-type': 'text/event-stream',
        'x-request-id': 'up-1',
      }),
    ).toEqual({ 'content-type': 'text/event-stream', 'x-request-id': 'up-1' });
  });
});
