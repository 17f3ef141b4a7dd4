import { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type MockProviderConfig, mockProviderConfigSchema, parseConfig } from '@gatehouse/config';
import { type FastifyInstance } from 'fastify';
// The deterministic upstream, in-process: the upstream of every integration test.
import { buildMockProvider } from '../../../mock-provider/src/app';
import { CircuitBreakers } from './circuit-breakers';
import { SseUsageTap } from './sse-usage-tap';
import { type StreamUsageReport } from './stream-usage';
import { UpstreamCaller, type UpstreamRetryOptions } from './upstream-caller';
import { UpstreamPools } from './upstream-pools';
import { UpstreamError } from './upstream.error';
import { type UpstreamRequest, type UpstreamTarget } from './upstream.types';

/** A mock-provider listening on an ephemeral port, counting the requests that reach it. */
interface RunningMock {
  url: string;
  hits: number;
  /** Headers of every request received, in order (to check what the gateway forwarded). */
  received: IncomingHttpHeaders[];
  /** Rewrites the headers of the n-th request (0-based) before the mock reads them, e.g. to fail only once. */
  rewrite?: (hit: number, headers: IncomingHttpHeaders) => void;
  close(): Promise<void>;
}

async function startMock(defaults: Partial<MockProviderConfig['defaults']> = {}): Promise<RunningMock> {
  const base = parseConfig('mock-provider', mockProviderConfigSchema, { LOG_LEVEL: 'silent' });
  const app: FastifyInstance = buildMockProvider({ ...base, defaults: { ...base.defaults, ...defaults } });
  const mock: RunningMock = { url: '', hits: 0, received: [], close: () => app.close() };
  await app.listen({ host: '127.0.0.1', port: 0 });
  // Ahead of Fastify's own listener, so that every route, fault hook included, sees the rewritten headers.
  app.server.prependListener('request', (request: IncomingMessage) => {
    const hit = mock.hits++;
    mock.received.push({ ...request.headers });
    mock.rewrite?.(hit, request.headers);
  });
  mock.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return mock;
}

const PATH = '/v1/chat/completions';

function chat(headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): UpstreamRequest {
  return {
    method: 'POST',
    path: PATH,
    headers: { 'content-type': 'application/json', authorization: 'Bearer gh_live_client_key', ...headers },
    body: (target) =>
      JSON.stringify({ model: target.upstreamModel, messages: [{ role: 'user', content: 'hello' }], ...extra }),
  };
}

const target = (providerId: string, priority = 0, weight = 1): UpstreamTarget => ({
  providerId,
  upstreamModel: 'mock-chat',
  weight,
  priority,
});

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamError) return error;
    throw error;
  }
  throw new Error('expected an UpstreamError');
}

/** Reads a body through the usage tap, noting when the first and last bytes arrived. */
async function drain(
  body: NodeJS.ReadableStream,
  tap: SseUsageTap,
): Promise<{ text: string; firstAt: number; lastAt: number; report: StreamUsageReport | null; error?: Error }> {
  const chunks: Buffer[] = [];
  let firstAt = 0;
  let lastAt = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      firstAt ||= Date.now();
      lastAt = Date.now();
      chunks.push(chunk);
      callback();
    },
  });
  let error: Error | undefined;
  await pipeline(body, tap, sink).catch((caught: Error) => {
    error = caught;
  });
  return { text: Buffer.concat(chunks).toString('utf8'), firstAt, lastAt, report: tap.report, error };
}

describe('UpstreamCaller against mock-provider', () => {
  let healthy: RunningMock;
  let failing: RunningMock;
  let flaky: RunningMock;
  let stranger: RunningMock;
  let pools: UpstreamPools;

  const retry: UpstreamRetryOptions = { maxAttempts: 4, maxAttemptsPerTarget: 2, baseDelayMs: 10, maxDelayMs: 50 };
  const makeCaller = (breakerOptions = { failureThreshold: 50, cooldownMs: 10_000 }) =>
    new UpstreamCaller(pools, new CircuitBreakers(breakerOptions), retry);

  beforeAll(async () => {
    [healthy, failing, flaky, stranger] = await Promise.all([
      startMock(),
      startMock({ status: 500 }),
      startMock(),
      startMock(),
    ]);
    pools = new UpstreamPools({
      connectTimeoutMs: 2_000,
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      connections: 16,
    });
    await pools.setProviders([
      {
        id: 'healthy',
        name: 'healthy',
        type: 'OPENAI_COMPATIBLE',
        baseUrl: healthy.url,
        credential: 'sk-healthy',
        internal: true,
      },
      {
        id: 'failing',
        name: 'failing',
        type: 'OPENAI_COMPATIBLE',
        baseUrl: failing.url,
        credential: null,
        internal: true,
      },
      { id: 'flaky', name: 'flaky', type: 'OPENAI_COMPATIBLE', baseUrl: flaky.url, credential: null, internal: true },
      {
        id: 'anthropic',
        name: 'anthropic',
        type: 'ANTHROPIC',
        baseUrl: healthy.url,
        credential: 'sk-ant',
        internal: true,
      },
    ]);
  });

  afterAll(async () => {
    await pools.close();
    await Promise.all([healthy, failing, flaky, stranger].map((mock) => mock.close()));
  });

  beforeEach(() => {
    for (const mock of [healthy, failing, flaky, stranger]) {
      mock.hits = 0;
      mock.received = [];
      mock.rewrite = undefined;
    }
  });

  it('returns the first successful response, with the provider credential instead of the client key', async () => {
    const firstByte = jest.fn();
    const response = await makeCaller().call(chat(), [target('healthy')], {
      deadlineMs: 5_000,
      onFirstByte: firstByte,
    });
    expect(response.status).toBe(200);
    const body = JSON.parse(await readText(response.body)) as { usage: { completion_tokens: number } };
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(response.attempts).toEqual([expect.objectContaining({ providerId: 'healthy', outcome: 'success' })]);
    expect(firstByte).toHaveBeenCalledWith(expect.objectContaining({ target: target('healthy') }));
    expect(healthy.received[0]?.authorization).toBe('Bearer sk-healthy');
    expect(JSON.stringify(healthy.received[0])).not.toContain('gh_live_client_key');
  });

  it("builds each target's path and body for its provider's API, once per target, across a fallback", async () => {
    const built: string[] = [];
    const request: UpstreamRequest = {
      method: 'POST',
      path: (_target, provider) => (provider.type === 'ANTHROPIC' ? '/v1/messages' : PATH),
      headers: { 'content-type': 'application/json' },
      body: (routed, provider) => {
        built.push(provider.id);
        const messages = [{ role: 'user', content: 'hello' }];
        return JSON.stringify(
          provider.type === 'ANTHROPIC'
            ? { model: routed.upstreamModel, max_tokens: 32, messages }
            : { model: routed.upstreamModel, messages },
        );
      },
    };
    const response = await makeCaller().call(request, [target('failing', 0), target('anthropic', 1)], {
      deadlineMs: 5_000,
    });
    expect(response.provider).toEqual({ id: 'anthropic', name: 'anthropic', type: 'ANTHROPIC' });
    expect(JSON.parse(await readText(response.body))).toMatchObject({ type: 'message', role: 'assistant' });
    expect(built).toEqual(['failing', 'anthropic']);
    expect(failing.hits).toBe(2);
    expect(healthy.received[0]).toMatchObject({ 'x-api-key': 'sk-ant', 'anthropic-version': '2023-06-01' });
    expect(healthy.received[0]?.authorization).toBeUndefined();
  });

  it('retries a 500 with backoff, then falls back to the next priority', async () => {
    const response = await makeCaller().call(chat(), [target('healthy', 1), target('failing', 0)], {
      deadlineMs: 5_000,
    });
    expect(response.status).toBe(200);
    expect(response.target.providerId).toBe('healthy');
    await readText(response.body);
    expect(failing.hits).toBe(2);
    expect(response.attempts.map((a) => [a.providerId, a.outcome, a.status])).toEqual([
      ['failing', 'status', 500],
      ['failing', 'status', 500],
      ['healthy', 'success', 200],
    ]);
  });

  it('returns a typed 502 failure with the last upstream status and body when every target fails', async () => {
    const failure = await failureOf(makeCaller().call(chat(), [target('failing')], { deadlineMs: 5_000 }));
    expect(failure.kind).toBe('upstream_status');
    expect(failure.httpStatus).toBe(502);
    expect(failure.upstreamStatus).toBe(500);
    expect(JSON.parse(failure.upstreamBody ?? '{}')).toHaveProperty('error.type');
    expect(failure.upstreamProvider).toEqual({ id: 'failing', name: 'failing', type: 'OPENAI_COMPATIBLE' });
  });

  it('does not retry a 4xx that is about the request', async () => {
    const failure = await failureOf(
      makeCaller().call(chat({ 'x-mock-status': '400' }), [target('healthy'), target('flaky', 1)], {
        deadlineMs: 5_000,
      }),
    );
    expect(failure.upstreamStatus).toBe(400);
    expect(healthy.hits + flaky.hits).toBe(1);
  });

  it('honours retry-after on a 429 before retrying the same target', async () => {
    flaky.rewrite = (hit, headers) => {
      if (hit === 0) Object.assign(headers, { 'x-mock-status': '429', 'x-mock-retry-after': '1' });
    };
    const started = Date.now();
    const response = await makeCaller().call(chat(), [target('flaky')], { deadlineMs: 5_000 });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(200);
    await readText(response.body);
    expect(flaky.hits).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(1_800);
  });

  it('does not sleep past the deadline for a retry-after it cannot honour', async () => {
    const started = Date.now();
    const failure = await failureOf(
      makeCaller().call(chat({ 'x-mock-status': '429', 'x-mock-retry-after': '30' }), [target('flaky')], {
        deadlineMs: 2_000,
      }),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(failure.upstreamStatus).toBe(429);
    expect(failure.upstreamHeaders?.['retry-after']).toBe('30');
    expect(flaky.hits).toBe(1);
  });

  it('gives up with a 504 timeout when the deadline passes before the headers', async () => {
    const started = Date.now();
    const failure = await failureOf(
      makeCaller().call(chat({ 'x-mock-delay-ms': '1500' }), [target('healthy')], { deadlineMs: 300 }),
    );
    const elapsed = Date.now() - started;
    expect(failure.kind).toBe('timeout');
    expect(failure.httpStatus).toBe(504);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('opens the breaker after N failures, skips the target, and probes it once after the cool-down', async () => {
    const caller = makeCaller({ failureThreshold: 3, cooldownMs: 400 });
    const targets = [target('failing', 0), target('healthy', 1)];
    // Two calls: 2 + 1 failures on `failing` (the third opens the circuit mid-call), each rescued by `healthy`.
    for (let i = 0; i < 2; i++) {
      const response = await caller.call(chat(), targets, { deadlineMs: 5_000 });
      await readText(response.body);
    }
    expect(failing.hits).toBe(3);

    const skipped = await caller.call(chat(), targets, { deadlineMs: 5_000 });
    await readText(skipped.body);
    expect(failing.hits).toBe(3);
    expect(skipped.attempts[0]).toMatchObject({ providerId: 'failing', outcome: 'circuit_open' });

    // All targets open: 503-ish `unavailable`, without a request.
    const unavailable = await failureOf(caller.call(chat(), [target('failing')], { deadlineMs: 5_000 }));
    expect(unavailable.kind).toBe('unavailable');
    expect(unavailable.httpStatus).toBe(503);

    // After the cool-down one probe goes through; it fails, so the circuit opens again at once.
    await new Promise((resolve) => setTimeout(resolve, 450));
    const probeFailed = await caller.call(chat(), targets, { deadlineMs: 5_000 });
    await readText(probeFailed.body);
    expect(failing.hits).toBe(4);
    expect(probeFailed.attempts.map((a) => a.outcome)).toEqual(['status', 'circuit_open', 'success']);

    // Next cool-down: the probe succeeds (the header overrides the mock's failing default) and closes it.
    await new Promise((resolve) => setTimeout(resolve, 450));
    const probeOk = await caller.call(chat({ 'x-mock-status': '200' }), targets, { deadlineMs: 5_000 });
    await readText(probeOk.body);
    expect(probeOk.target.providerId).toBe('failing');
    const closed = await caller.call(chat({ 'x-mock-status': '200' }), targets, { deadlineMs: 5_000 });
    await readText(closed.body);
    expect(closed.target.providerId).toBe('failing');
    expect(failing.hits).toBe(6);
  });

  it('streams: the first chunk arrives before the last is produced, and usage is captured', async () => {
    const started = Date.now();
    const response = await makeCaller().call(
      chat(
        { 'x-mock-chunks': '5', 'x-mock-chunk-delay-ms': '150' },
        { stream: true, stream_options: { include_usage: true } },
      ),
      [target('healthy')],
      { deadlineMs: 5_000 },
    );
    const tap = new SseUsageTap({ protocol: 'openai', stripUsageChunk: false });
    const { text, firstAt, lastAt, report, error } = await drain(response.body, tap);
    expect(error).toBeUndefined();
    expect(lastAt - started).toBeGreaterThanOrEqual(600);
    expect(lastAt - firstAt).toBeGreaterThanOrEqual(500);
    expect(text).toContain('"choices":[]');
    expect(report).toMatchObject({ ending: 'completed', outputTokensSource: 'upstream' });
    expect(report?.inputTokens).toBeGreaterThan(0);
    expect(report?.contentDeltas).toBe(5);
  });

  it('strips the usage chunk when the client did not ask for it, still reporting usage', async () => {
    const response = await makeCaller().call(
      chat({}, { stream: true, stream_options: { include_usage: true } }),
      [target('healthy')],
      { deadlineMs: 5_000 },
    );
    const { text, report } = await drain(response.body, new SseUsageTap({ protocol: 'openai', stripUsageChunk: true }));
    expect(text).not.toContain('"choices":[]');
    expect(text).toContain('data: [DONE]');
    expect(report?.outputTokensSource).toBe('upstream');
    expect(report?.outputTokens).toBeGreaterThan(0);
  });

  it('never retries once a stream is handed over: an upstream cut mid-stream reports partial usage', async () => {
    const response = await makeCaller().call(
      chat(
        { 'x-mock-chunks': '6', 'x-mock-fail-after-chunks': '2', 'x-mock-fail-mode': 'abort' },
        { stream: true, stream_options: { include_usage: true } },
      ),
      [target('healthy'), target('flaky', 1)],
      { deadlineMs: 5_000 },
    );
    expect(response.status).toBe(200);
    const { report, error } = await drain(
      response.body,
      new SseUsageTap({ protocol: 'openai', stripUsageChunk: true }),
    );
    expect(error).toBeDefined();
    expect(report).toMatchObject({ ending: 'cut', outputTokensSource: 'estimate', contentDeltas: 2 });
    expect(report?.outputTokens).toBeGreaterThanOrEqual(2);
    expect(healthy.hits + flaky.hits).toBe(1);
  });

  it('cancels the upstream stream when the client aborts', async () => {
    const client = new AbortController();
    const request = {
      ...chat({ 'x-mock-chunks': '20', 'x-mock-chunk-delay-ms': '100' }, { stream: true }),
      signal: client.signal,
    };
    const response = await makeCaller().call(request, [target('healthy')], { deadlineMs: 5_000 });
    const tap = new SseUsageTap({ protocol: 'openai', stripUsageChunk: false, signal: client.signal });
    setTimeout(() => client.abort(), 250);
    const started = Date.now();
    const { report, error } = await drain(response.body, tap);
    expect(error).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report?.ending).toBe('client_aborted');
    expect(response.body.destroyed).toBe(true);
  });

  it('refuses a target whose provider is not configured, and never contacts it', async () => {
    const failure = await failureOf(
      makeCaller().call(chat(), [{ ...target('stranger'), providerId: stranger.url }], { deadlineMs: 5_000 }),
    );
    expect(failure.kind).toBe('not_configured');
    expect(failure.httpStatus).toBe(502);
    expect(stranger.hits).toBe(0);
    expect(() => pools.resolve('healthy', `//${new URL(stranger.url).host}${PATH}`)).toThrow(/Refused/);
  });
});

async function readText(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
