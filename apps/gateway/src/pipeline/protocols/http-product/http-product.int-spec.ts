import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';
import { type GatewayConfig } from '@gatehouse/config';
import { type OpenAiErrorBody } from '@gatehouse/contracts';
import { countPostgresQueries } from '@gatehouse/db';
import { encryptCredential } from '@gatehouse/domain';
import { eventually } from '@gatehouse/testing';
import { GatewayHarness } from '../../../../test/gateway-harness';
import { GatewayCatalog } from '../../../catalog/gateway-catalog.service';
import { GATEWAY_MAX_BODY_BYTES } from '../../../common/configure-gateway';
import { GATEWAY_CONFIG } from '../../../gateway.constants';
import { UpstreamProvidersService } from '../../../upstream/upstream-providers.service';

/** What the echo upstream saw of one request, and answers with. */
interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  bodyLength: number;
  bodySha256: string;
}

interface EchoUpstream {
  url: string;
  /** Every request the upstream read to its end, in order. */
  received: Echo[];
  /** Every `/stream` response started, to see whether the gateway hung up on it. */
  streams: ServerResponse[];
  /** Lets the open `/stream` responses send their second half. */
  releaseStreams(): void;
  close(): Promise<void>;
}

/**
 * A plain HTTP upstream that answers every request with what it received: method, URL, headers and body (with
 * its length and sha256). Test headers: `x-echo-status` sets the status; `x-flaky-id` makes the first request
 * with that id lose its connection; a path containing `/stream` sends a first chunk and holds the rest until
 * `releaseStreams()`.
 */
async function startEchoUpstream(): Promise<EchoUpstream> {
  const received: Echo[] = [];
  const streams: ServerResponse[] = [];
  const flaky = new Set<string>();
  let held: (() => void)[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const echo: Echo = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: body.toString('utf8'),
        bodyLength: body.length,
        bodySha256: createHash('sha256').update(body).digest('hex'),
      };
      received.push(echo);
      const flakyId = request.headers['x-flaky-id'];
      if (typeof flakyId === 'string' && !flaky.has(flakyId)) {
        flaky.add(flakyId);
        request.socket.destroy();
        return;
      }
      if (echo.url.includes('/stream')) {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('first;');
        streams.push(response);
        held.push(() => response.end('second'));
        return;
      }
      const text = JSON.stringify(echo);
      response.writeHead(Number(request.headers['x-echo-status'] ?? 200), {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-upstream': 'echo',
        connection: 'keep-alive, x-upstream-hop',
        'x-upstream-hop': 'listed in connection',
        'set-cookie': 'upstream-session=1',
      });
      response.end(request.method === 'HEAD' ? undefined : text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    streams,
    releaseStreams: () => {
      for (const release of held) release();
      held = [];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: an upstream that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request with node:http rather than fetch: the path goes out exactly as written (a URL parser, fetch's or
 * node:http's for a URL string, would resolve `..`, `%2e%2e` and `\`), and hop-by-hop headers can be set. A body
 * given as an array of chunks goes out chunked.
 */
function send(
  gateway: GatewayHarness,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer | Buffer[],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(gateway.url);
    const request = httpRequest({ hostname, port, path, method, headers, agent: false });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    if (Array.isArray(body)) for (const chunk of body) request.write(chunk);
    request.end(Array.isArray(body) ? undefined : body);
  });
}

const json = <Body>(answer: Answer): Body => JSON.parse(answer.body.toString('utf8')) as Body;

describe('gateway HTTP products (/apis/{productSlug}/...)', () => {
  let gateway: GatewayHarness;
  let echo: EchoUpstream;
  let tenantId: string;
  let apiKey: string;
  let echoProviderId: string;

  const auth = (key: string = apiKey) => ({ authorization: `Bearer ${key}` });

  /** An HTTP provider row, its credential encrypted as admin-api does, and the pools reloaded. */
  async function httpProvider(name: string, baseUrl: string, credential: string | null): Promise<string> {
    const id = randomUUID();
    const config = gateway.app.get<GatewayConfig>(GATEWAY_CONFIG);
    const encrypted =
      credential === null
        ? null
        : encryptCredential(credential, Buffer.from(config.credentialEncryptionKey, 'base64'), id);
    await gateway.db.provider.create({
      data: {
        id,
        name,
        type: 'HTTP',
        baseUrl,
        internal: true,
        credentialCiphertext: encrypted?.ciphertext ?? null,
        credentialIv: encrypted?.iv ?? null,
        credentialAuthTag: encrypted?.authTag ?? null,
      },
    });
    await gateway.app.get(UpstreamProvidersService).reload();
    return id;
  }

  /** An HTTP product with one plan; the product index is reloaded (as a `product` message would). */
  async function httpProduct(
    slug: string,
    providerId: string,
    data: { upstreamPath?: string | null; status?: 'DRAFT' | 'PUBLISHED' } = {},
  ): Promise<{ productId: string; planId: string }> {
    const product = await gateway.db.product.create({
      data: {
        slug,
        name: slug,
        kind: 'HTTP',
        status: data.status ?? 'PUBLISHED',
        httpProviderId: providerId,
        httpUpstreamPath: data.upstreamPath ?? null,
        plans: { create: [{ name: `${slug}-free` }] },
      },
      select: { id: true, plans: { select: { id: true } } },
    });
    const [plan] = product.plans;
    if (plan === undefined) throw new Error('plan not created');
    await gateway.app.get(GatewayCatalog).refresh();
    return { productId: product.id, planId: plan.id };
  }

  async function subscribe(tenant: string, product: { productId: string; planId: string }): Promise<string> {
    const subscription = await gateway.db.subscription.create({
      data: { tenantId: tenant, productId: product.productId, planId: product.planId, status: 'APPROVED' },
      select: { id: true },
    });
    return subscription.id;
  }

  /** A fresh tenant subscribed to `product`, and a key of it. */
  async function subscribedKey(product: { productId: string; planId: string }) {
    const tenant = await gateway.tenant();
    const subscriptionId = await subscribe(tenant, product);
    return { tenant, subscriptionId, key: (await gateway.key(tenant)).key };
  }

  beforeAll(async () => {
    [gateway, echo] = await Promise.all([GatewayHarness.start('gateway-http-products'), startEchoUpstream()]);
    echoProviderId = await httpProvider('echo', `${echo.url}/base`, 'sk-echo-upstream');
    const product = await httpProduct('echo-api', echoProviderId, { upstreamPath: '/v2' });
    tenantId = await gateway.tenant();
    await subscribe(tenantId, product);
    apiKey = (await gateway.key(tenantId)).key;
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await gateway?.close();
    await echo?.close();
  });

  it("forwards a GET with its path and query under the product's upstream path, and relays the answer", async () => {
    const answer = await send(gateway, 'GET', '/apis/echo-api/items/42?units=metric&q=a%2Fb&filter[name]=x', {
      ...auth(),
      'x-custom': 'kept',
    });
    expect(answer.status).toBe(200);
    const seen = json<Echo>(answer);
    expect(seen).toMatchObject({ method: 'GET', url: '/base/v2/items/42?units=metric&q=a%2Fb&filter[name]=x' });
    expect(seen.headers).toMatchObject({ 'x-custom': 'kept', host: echo.url.replace('http://', '') });
    expect(seen.headers['x-request-id']).toBe(answer.headers['x-request-id']);
    expect(answer.headers['x-request-id']).toMatch(/^req_/);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-upstream']).toBe('echo');
    expect(answer.headers['content-length']).toBe(String(answer.body.length));
  });

  it('serves the product root, with and without a trailing slash', async () => {
    expect(json<Echo>(await send(gateway, 'GET', '/apis/echo-api', auth())).url).toBe('/base/v2');
    expect(json<Echo>(await send(gateway, 'GET', '/apis/echo-api/?x=1', auth())).url).toBe('/base/v2/?x=1');
  });

  it("sends the provider's credential, never the client's key, cookies or other credentials", async () => {
    const answer = await send(gateway, 'GET', '/apis/echo-api/whoami', {
      ...auth(),
      'x-api-key': apiKey,
      'api-key': apiKey,
      cookie: 'portal-session=secret',
      'proxy-authorization': 'Basic dXNlcjpwYXNz',
    });
    expect(answer.status).toBe(200);
    const { headers } = json<Echo>(answer);
    expect(headers.authorization).toBe('Bearer sk-echo-upstream');
    for (const name of ['x-api-key', 'api-key', 'cookie', 'proxy-authorization']) expect(headers[name]).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(apiKey);
  });

  it('strips hop-by-hop headers on the way up and on the way back', async () => {
    const answer = await send(gateway, 'GET', '/apis/echo-api/hops', {
      ...auth(),
      connection: 'keep-alive, x-client-hop',
      'x-client-hop': 'listed in connection',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      'x-end-to-end': 'kept',
    });
    expect(answer.status).toBe(200);
    const { headers } = json<Echo>(answer);
    expect(headers['x-end-to-end']).toBe('kept');
    for (const name of ['x-client-hop', 'keep-alive', 'te']) expect(headers[name]).toBeUndefined();
    expect(answer.headers['x-upstream']).toBe('echo');
    expect(answer.headers['x-upstream-hop']).toBeUndefined();
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it("forwards a JSON body byte for byte, never re-serialised, with the client's content type", async () => {
    const body = '{"b": 1.0,\n  "a": [1, 2], "big": 12345678901234567890, "a": "duplicate"}';
    const answer = await send(
      gateway,
      'POST',
      '/apis/echo-api/orders',
      { ...auth(), 'content-type': 'application/json; charset=utf-8' },
      body,
    );
    expect(answer.status).toBe(200);
    const seen = json<Echo>(answer);
    expect(seen).toMatchObject({ method: 'POST', url: '/base/v2/orders', body });
    expect(seen.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('streams a binary PUT body of any content type, with its length or chunked', async () => {
    const bytes = randomBytes(512 * 1024);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sized = await send(
      gateway,
      'PUT',
      '/apis/echo-api/blobs/1',
      { ...auth(), 'content-type': 'application/x-gatehouse-test' },
      bytes,
    );
    expect(sized.status).toBe(200);
    const seen = json<Echo>(sized);
    expect(seen).toMatchObject({ method: 'PUT', bodyLength: bytes.length, bodySha256: sha256 });
    expect(seen.headers).toMatchObject({
      'content-type': 'application/x-gatehouse-test',
      'content-length': String(bytes.length),
    });
    expect(seen.headers['transfer-encoding']).toBeUndefined();

    const chunks = [bytes.subarray(0, 1000), bytes.subarray(1000, 300_000), bytes.subarray(300_000)];
    const chunked = await send(gateway, 'PUT', '/apis/echo-api/blobs/2', auth(), chunks);
    expect(chunked.status).toBe(200);
    const seenChunked = json<Echo>(chunked);
    expect(seenChunked).toMatchObject({ bodyLength: bytes.length, bodySha256: sha256 });
    expect(seenChunked.headers['transfer-encoding']).toBe('chunked');
    expect(seenChunked.headers['content-type']).toBeUndefined();
  });

  it('forwards HEAD, DELETE and OPTIONS, and refuses methods it does not forward with 405', async () => {
    const head = await send(gateway, 'HEAD', '/apis/echo-api/items/1', auth());
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(echo.received.at(-1)).toMatchObject({ method: 'HEAD', url: '/base/v2/items/1' });

    const removed = await send(gateway, 'DELETE', '/apis/echo-api/items/1', auth());
    expect(json<Echo>(removed)).toMatchObject({ method: 'DELETE', url: '/base/v2/items/1' });
    const options = await send(gateway, 'OPTIONS', '/apis/echo-api/items', auth());
    expect(json<Echo>(options).method).toBe('OPTIONS');

    const refused = await send(gateway, 'TRACE', '/apis/echo-api/items', auth());
    expect(refused.status).toBe(405);
    expect(refused.headers.allow).toContain('PATCH');
    expect(json<OpenAiErrorBody>(refused).error.type).toBe('invalid_request_error');
  });

  it("relays the upstream's own error status and body as they are", async () => {
    const answer = await send(gateway, 'GET', '/apis/echo-api/missing', { ...auth(), 'x-echo-status': '404' });
    expect(answer.status).toBe(404);
    expect(json<Echo>(answer).url).toBe('/base/v2/missing');
    const failing = await send(gateway, 'POST', '/apis/echo-api/boom', { ...auth(), 'x-echo-status': '503' }, 'x');
    expect(failing.status).toBe(503);
    expect(json<Echo>(failing).body).toBe('x');
  });

  it('streams the response: the first bytes reach the client before the upstream has finished', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpRequest(`${gateway.url}/apis/echo-api/stream`, { headers: auth(), agent: false });
      request.on('response', resolve).on('error', reject);
      request.end();
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toMatch(/^req_/);
    const first = await new Promise<Buffer>((resolve) => response.once('data', resolve));
    expect(first.toString()).toBe('first;');
    echo.releaseStreams();
    const rest: Buffer[] = [];
    for await (const chunk of response) rest.push(chunk as Buffer);
    expect(Buffer.concat(rest).toString()).toBe('second');
  });

  it('cancels the upstream response when the client goes away', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpRequest(`${gateway.url}/apis/echo-api/stream/abandoned`, { headers: auth(), agent: false });
      request.on('response', resolve).on('error', reject);
      request.end();
    });
    await new Promise((resolve) => response.once('data', resolve));
    const upstream = echo.streams.at(-1);
    expect(upstream?.req.url).toBe('/base/v2/stream/abandoned');
    response.destroy();
    expect(await eventually(() => upstream?.destroyed === true, 2000)).toBe(true);
    expect(upstream?.writableFinished).toBe(false);
  });

  it.each([
    ['a dot-dot segment', '/apis/echo-api/../echo-api/admin'],
    ['an encoded dot-dot', '/apis/echo-api/%2e%2e/admin'],
    ['a double-encoded dot-dot', '/apis/echo-api/%252E%252E/admin'],
    ['an encoded slash', '/apis/echo-api/a%2F..%2F..%2Fadmin'],
    ['a network-path reference', '/apis/echo-api//evil.example/x'],
    ['an absolute URL', '/apis/echo-api/http://evil.example/x'],
    ['a backslash', '/apis/echo-api/a\\..\\admin'],
  ])('refuses a path with %s (400), before any upstream call', async (_name, path) => {
    const before = echo.received.length;
    const answer = await send(gateway, 'GET', path, auth());
    expect(answer.status).toBe(400);
    expect(json<OpenAiErrorBody>(answer).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_request_error',
      message: expect.stringContaining("'echo-api'"),
    });
    expect(echo.received.length).toBe(before);
  });

  it('answers 404 model_not_found for a slug no published product has', async () => {
    for (const path of ['/apis/no-such-api/items', '/apis/demo/items']) {
      const answer = await send(gateway, 'GET', path, auth());
      expect(answer.status).toBe(404);
      expect(json<OpenAiErrorBody>(answer).error).toMatchObject({
        code: 'model_not_found',
        type: 'invalid_request_error',
        message: expect.stringMatching(/^The product '(no-such-api|demo)' does not exist or is not published\.$/),
      });
    }
    const draft = await httpProduct('draft-api', echoProviderId, { status: 'DRAFT' });
    const { key } = await subscribedKey(draft);
    expect((await send(gateway, 'GET', '/apis/draft-api/items', auth(key))).status).toBe(404);
  });

  it('stops serving a product once it is retired and the product message arrives', async () => {
    const retiring = await httpProduct('retiring-api', echoProviderId);
    const { key } = await subscribedKey(retiring);
    expect((await send(gateway, 'GET', '/apis/retiring-api/x', auth(key))).status).toBe(200);
    await gateway.db.product.update({ where: { id: retiring.productId }, data: { status: 'RETIRED' } });
    await gateway.publish({ kind: 'product', productId: retiring.productId });
    expect(
      await eventually(
        async () => (await send(gateway, 'GET', '/apis/retiring-api/x', auth(key))).status === 404,
        1000,
      ),
    ).toBe(true);
  });

  it('answers 403 model_not_allowed, naming the product, to a tenant without a subscription or a key scoped elsewhere', async () => {
    const stranger = (await gateway.key(await gateway.tenant())).key;
    const before = echo.received.length;
    const refused = await send(gateway, 'GET', '/apis/echo-api/items', auth(stranger));
    expect(refused.status).toBe(403);
    expect(json<OpenAiErrorBody>(refused).error).toMatchObject({
      code: 'model_not_allowed',
      type: 'permission_error',
      message: "Your organisation has no approved subscription to the product 'echo-api'.",
    });

    const tenant = await gateway.tenant();
    await subscribe(tenant, await httpProduct('scoped-api', echoProviderId));
    const demoSubscription = await gateway.subscribeToDemo(tenant);
    const scoped = (await gateway.key(tenant, { subscriptionIds: [demoSubscription] })).key;
    const outOfScope = await send(gateway, 'GET', '/apis/scoped-api/items', auth(scoped));
    expect(outOfScope.status).toBe(403);
    expect(json<OpenAiErrorBody>(outOfScope).error.message).toMatch(/not scoped .* the product 'scoped-api'/);
    expect(echo.received.length).toBe(before);
  });

  it('stops a revoked subscription within one second of the invalidation message', async () => {
    const product = await httpProduct('revocable-api', echoProviderId);
    const { tenant, subscriptionId, key } = await subscribedKey(product);
    expect((await send(gateway, 'GET', '/apis/revocable-api/x', auth(key))).status).toBe(200);
    await gateway.db.subscription.update({
      where: { id: subscriptionId },
      data: { status: 'REVOKED', reason: 'test' },
    });
    await gateway.publish({ kind: 'subscription', tenantId: tenant, subscriptionId });
    expect(
      await eventually(
        async () => (await send(gateway, 'GET', '/apis/revocable-api/x', auth(key))).status === 403,
        1000,
      ),
    ).toBe(true);
  });

  it('answers 502 upstream_error in OpenAI shape when the upstream is down', async () => {
    const down = await httpProvider('down', `http://127.0.0.1:${await closedPort()}`, 'sk-down');
    const { key } = await subscribedKey(await httpProduct('down-api', down));
    for (const method of ['GET', 'POST']) {
      const answer = await send(gateway, method, '/apis/down-api/x', auth(key), method === 'POST' ? '{}' : undefined);
      expect(answer.status).toBe(502);
      expect(answer.headers['x-request-id']).toMatch(/^req_/);
      expect(json<OpenAiErrorBody>(answer)).toEqual({
        error: {
          message: "The upstream of 'down-api' could not be reached.",
          type: 'api_error',
          param: null,
          code: 'upstream_error',
        },
      });
    }
  });

  it('retries an idempotent request that lost its connection, but never a POST', async () => {
    const hits = (id: string) => echo.received.filter((seen) => seen.headers['x-flaky-id'] === id).length;
    const get = await send(gateway, 'GET', '/apis/echo-api/flaky', { ...auth(), 'x-flaky-id': 'get-1' });
    expect(get.status).toBe(200);
    expect(hits('get-1')).toBe(2);

    const post = await send(gateway, 'POST', '/apis/echo-api/flaky', { ...auth(), 'x-flaky-id': 'post-1' }, 'once');
    expect(post.status).toBe(502);
    expect(hits('post-1')).toBe(1);
  });

  it("refuses a body over the gateway's body limit with 413, declared or chunked", async () => {
    const limit = GATEWAY_MAX_BODY_BYTES;
    const before = echo.received.length;
    const declared = await send(gateway, 'POST', '/apis/echo-api/upload', auth(), Buffer.alloc(limit + 1));
    expect(declared.status).toBe(413);
    expect(json<OpenAiErrorBody>(declared).error.type).toBe('invalid_request_error');
    expect(echo.received.length).toBe(before);

    const chunks = Array.from({ length: limit / (256 * 1024) + 1 }, () => Buffer.alloc(256 * 1024));
    const chunked = await send(gateway, 'PUT', '/apis/echo-api/upload', auth(), chunks);
    expect(chunked.status).toBe(413);
  });

  it('records the call as an HTTP product call: endpoint, subscription and product, provider, time to first byte, no tokens', async () => {
    gateway.watchUsage();
    const product = await gateway.db.product.findUniqueOrThrow({ where: { slug: 'echo-api' }, select: { id: true } });
    const subscription = await gateway.db.subscription.findFirstOrThrow({
      where: { tenantId, productId: product.id },
      select: { id: true },
    });
    const response = await send(gateway, 'GET', '/apis/echo-api/metered', auth());
    expect(response.status).toBe(200);
    const event = await gateway.usageEventOf(String(response.headers['x-request-id']));
    expect(event).toMatchObject({
      endpoint: 'http',
      subscriptionId: subscription.id,
      productId: product.id,
      model: null,
      providerId: echoProviderId,
      upstreamModel: null,
      statusCode: 200,
      errorCode: null,
      // No tokens to count, which is known (not `unknown`): the usage event and the limits count the call alone.
      inputTokens: 0,
      outputTokens: 0,
      usageSource: 'none',
    });
    expect(event?.timeToFirstByteMs).toEqual(expect.any(Number));
  });

  it('makes no Postgres query on warm requests', async () => {
    const warm = () =>
      Promise.all([
        send(gateway, 'GET', '/apis/echo-api/warm?x=1', auth()),
        send(gateway, 'POST', '/apis/echo-api/warm', { ...auth(), 'content-type': 'text/plain' }, 'hello'),
        send(gateway, 'GET', '/apis/no-such-api/warm', auth()),
        send(gateway, 'GET', '/apis/echo-api/%2e%2e/warm', auth()),
      ]);
    expect((await warm()).map((answer) => answer.status)).toEqual([200, 200, 404, 400]);
    const queries = countPostgresQueries();
    try {
      for (let round = 0; round < 5; round++) {
        expect((await warm()).map((answer) => answer.status)).toEqual([200, 200, 404, 400]);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(queries.statements).toEqual([]);
    } finally {
      queries.stop();
    }
  });
});
