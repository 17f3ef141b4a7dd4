import { countPostgresQueries, type PostgresQueryCounter } from '@gatehouse/db';
import { GatewayHarness } from '../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../test/mock-upstream';

/**
 * The gateway's hot path never queries Postgres per request. Once a key, the model catalog, the
 * model routes and the upstream pools are warm, requests of every kind must reach the upstream and answer without
 * a single statement sent to Postgres. The counter sits under Prisma, on `pg.Client#query`, so it sees every
 * statement of every client in this process; the control test proves it sees the gateway's.
 */

/** Warm requests of each kind, sent `CONCURRENCY` at a time, so that concurrent lookups are covered too. */
const WARM_REQUESTS = 24;
const CONCURRENCY = 4;
/**
 * Work a response leaves behind (its usage event, a write-behind) gets this long to send its statements before
 * the count is read: a query made just after the response is still a query per request.
 */
const SETTLE_MS = 300;

interface RequestKind {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  /** Whether the request goes on to the upstream (GET /v1/models is answered by the gateway alone). */
  upstream: boolean;
  /** The problem with a response, if any: a fast wrong answer (a 401, a 503) would prove nothing. */
  problem(status: number, contentType: string, text: string): string | undefined;
}

const messages = [{ role: 'user', content: 'Say hello to the gateway.' }];

const json = (status: number, contentType: string, text: string, valid: (body: Record<string, unknown>) => boolean) =>
  status === 200 && contentType.startsWith('application/json') && valid(JSON.parse(text) as Record<string, unknown>)
    ? undefined
    : `${status} ${contentType}: ${text.slice(0, 300)}`;

const KINDS: RequestKind[] = [
  {
    name: 'GET /v1/models',
    method: 'GET',
    path: '/v1/models',
    upstream: false,
    problem: (status, contentType, text) =>
      json(status, contentType, text, (body) => JSON.stringify(body.data).includes('"demo-chat"')),
  },
  {
    name: 'POST /v1/chat/completions',
    method: 'POST',
    path: '/v1/chat/completions',
    body: { model: 'demo-chat', messages },
    upstream: true,
    problem: (status, contentType, text) =>
      json(status, contentType, text, (body) => body.object === 'chat.completion' && body.model === 'demo-chat'),
  },
  {
    name: 'POST /v1/chat/completions, streamed',
    method: 'POST',
    path: '/v1/chat/completions',
    body: { model: 'demo-chat', messages, stream: true, stream_options: { include_usage: true } },
    upstream: true,
    problem: (status, contentType, text) =>
      status === 200 && contentType.startsWith('text/event-stream') && text.trimEnd().endsWith('data: [DONE]')
        ? undefined
        : `${status} ${contentType}: ${text.slice(-300)}`,
  },
  {
    name: 'POST /v1/embeddings',
    method: 'POST',
    path: '/v1/embeddings',
    body: { model: 'demo-embed', input: 'The quick brown fox jumps over the lazy dog.' },
    upstream: true,
    problem: (status, contentType, text) =>
      json(status, contentType, text, (body) => body.object === 'list' && body.model === 'demo-embed'),
  },
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the gateway hot path: warm requests', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let queries: PostgresQueryCounter;
  let tenantId: string;
  let apiKey: string;

  /** Sends one request of `kind` with `key` and reads its whole body (a stream to its end); returns the problem. */
  const send = async (kind: RequestKind, key: string = apiKey): Promise<string | undefined> => {
    const response = await fetch(`${gateway.url}${kind.path}`, {
      method: kind.method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(kind.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: kind.body === undefined ? undefined : JSON.stringify(kind.body),
      signal: AbortSignal.timeout(10_000),
    });
    return kind.problem(response.status, response.headers.get('content-type') ?? '', await response.text());
  };

  beforeAll(async () => {
    [gateway, mock] = await Promise.all([GatewayHarness.start('gateway-hot-path'), startMockProvider()]);
    await gateway.useMockProvider(mock.url);
    tenantId = await gateway.tenant();
    // demo-free's quotas and budget stay, so the limits run on every request; only its rate is raised for the load.
    await gateway.subscribeToDemo(tenantId, { limitOverrides: { rpm: 100_000, concurrency: 100 } });
    apiKey = (await gateway.key(tenantId)).key;
    queries = countPostgresQueries();
  });

  afterAll(async () => {
    queries?.stop();
    await gateway?.close();
    await mock?.close();
  });

  it('control: the counter sees the queries of a cold key, and none once the key is warm', async () => {
    const fresh = (await gateway.key(tenantId)).key;
    const models = KINDS[0] as RequestKind;
    queries.reset();
    expect(await send(models, fresh)).toBeUndefined();
    // Without this, a counter blind to the gateway's client would pass the zero assertions below.
    expect(queries.count).toBeGreaterThan(0);
    expect(queries.statements.some((sql) => sql.includes('api_keys'))).toBe(true);

    await pause(SETTLE_MS);
    queries.reset();
    expect(await send(models, fresh)).toBeUndefined();
    await pause(SETTLE_MS);
    expect(queries.statements).toEqual([]);
  });

  it('answers warm requests of every kind, through to the upstream, with zero Postgres queries', async () => {
    const statements: Record<string, readonly string[]> = {};
    const upstreamResponses: Record<string, number> = {};
    for (const kind of KINDS) {
      // The cold request of this kind: it may load what the kind needs (the model routes, an upstream socket).
      expect({ [kind.name]: await send(kind) }).toEqual({ [kind.name]: undefined });
      await pause(SETTLE_MS);

      queries.reset();
      const upstreamBefore = mock.responses.length;
      const problems: string[] = [];
      for (let sent = 0; sent < WARM_REQUESTS; sent += CONCURRENCY) {
        const batch = await Promise.all(Array.from({ length: CONCURRENCY }, () => send(kind)));
        problems.push(...batch.filter((problem): problem is string => problem !== undefined));
      }
      expect(problems).toEqual([]);
      await pause(SETTLE_MS);
      statements[kind.name] = [...queries.statements];
      upstreamResponses[kind.name] = mock.responses.length - upstreamBefore;
    }

    // One line per kind, so a failure names the kind and the SQL it sent.
    expect(statements).toEqual(Object.fromEntries(KINDS.map((kind) => [kind.name, []])));
    // The warm requests really went the whole way: each one of the relayed kinds reached the mock.
    expect(upstreamResponses).toEqual(
      Object.fromEntries(KINDS.map((kind) => [kind.name, kind.upstream ? WARM_REQUESTS : 0])),
    );
  });
});
