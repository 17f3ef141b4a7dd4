import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type ExternalGuardrailConfig } from '@gatehouse/domain';
import { type Agent } from 'undici';
import { ClientLifetime } from '../upstream';
import { callExternalGuardrail, createExternalGuardrailDispatcher } from './external-guardrail';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A guardrail service on a loopback port of this test's own, one behaviour per path. */
function startService(): Promise<{ server: Server; origin: string; received: Received[] }> {
  const received: Received[] = [];
  const answer = (response: ServerResponse, status: number, body: string) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: request.url ?? '', headers: request.headers, body });
      const text = (JSON.parse(body) as { input?: string; messages?: { content: string }[] }).input ?? '';
      switch (request.url) {
        case '/moderate':
          return answer(
            response,
            200,
            JSON.stringify({ results: [{ flagged: text.includes('attack'), score: 0.91 }] }),
          );
        case '/slow':
          // Answers long after any timeout a test sets; closed when the suite ends.
          return void setTimeout(() => answer(response, 200, '{"results":[{"flagged":false}]}'), 5_000).unref();
        case '/error':
          return answer(response, 500, '{"error":"boom"}');
        case '/not-json':
          return answer(response, 200, 'flagged: yes');
        case '/not-boolean':
          return answer(response, 200, '{"results":[{"flagged":"yes"}]}');
        case '/huge':
          return answer(response, 200, JSON.stringify({ results: [{ flagged: false }], padding: 'x'.repeat(100_000) }));
        default:
          return answer(response, 404, '{}');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://127.0.0.1:${port}`, received });
    });
  });
}

describe('callExternalGuardrail', () => {
  let service: Awaited<ReturnType<typeof startService>>;
  let dispatcher: Agent;
  const config = (path: string, overrides: Partial<ExternalGuardrailConfig> = {}): ExternalGuardrailConfig => ({
    url: `${service.origin}${path}`,
    timeoutMs: 1_000,
    failMode: 'closed',
    response: { flagged: '/results/0/flagged', score: '/results/0/score' },
    ...overrides,
  });

  beforeAll(async () => {
    service = await startService();
    dispatcher = createExternalGuardrailDispatcher({ policy: { allowLoopback: true } });
  });

  afterAll(async () => {
    service.server.closeAllConnections();
    await new Promise((resolve) => service.server.close(resolve));
    await dispatcher.close();
  });

  it('returns the service’s verdict and score: flagged', async () => {
    expect(await callExternalGuardrail(config('/moderate'), 'an attack', undefined, dispatcher)).toEqual({
      flagged: true,
      score: 0.91,
    });
  });

  it('returns the service’s verdict: clean, without a score when none is mapped', async () => {
    const verdict = await callExternalGuardrail(
      config('/moderate', { response: { flagged: '/results/0/flagged' } }),
      'hello',
      undefined,
      dispatcher,
    );
    expect(verdict).toEqual({ flagged: false });
  });

  it('sends the rendered template and the configured headers', async () => {
    const text = 'quote " and {{braces}} and\nnewline';
    await callExternalGuardrail(
      config('/moderate', {
        headers: { authorization: 'Bearer service-token', 'x-tenant': 't1' },
        request: { input: '{{text}}', meta: { echo: 'said: {{text}}' }, list: ['{{text}}', 3, true, null] },
      }),
      text,
      undefined,
      dispatcher,
    );
    const last = service.received[service.received.length - 1];
    expect(JSON.parse(last?.body ?? '')).toEqual({
      input: text,
      meta: { echo: `said: ${text}` },
      list: [text, 3, true, null],
    });
    expect(last?.headers.authorization).toBe('Bearer service-token');
    expect(last?.headers['x-tenant']).toBe('t1');
    expect(last?.headers['content-type']).toBe('application/json');
  });

  it('fails closed on a timeout, and open when configured', async () => {
    const started = Date.now();
    expect(await callExternalGuardrail(config('/slow', { timeoutMs: 150 }), 'x', undefined, dispatcher)).toEqual({
      flagged: true,
      failed: 'timeout',
    });
    expect(
      await callExternalGuardrail(config('/slow', { timeoutMs: 150, failMode: 'open' }), 'x', undefined, dispatcher),
    ).toEqual({ flagged: false, failed: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it.each(['/error', '/not-json', '/not-boolean', '/huge'])(
    'treats %s as an error, per the fail mode',
    async (path) => {
      expect(await callExternalGuardrail(config(path), 'x', undefined, dispatcher)).toEqual({
        flagged: true,
        failed: 'error',
      });
      expect(await callExternalGuardrail(config(path, { failMode: 'open' }), 'x', undefined, dispatcher)).toEqual({
        flagged: false,
        failed: 'error',
      });
    },
  );

  it('refuses a loopback or private address unless the guard allows it', async () => {
    const strict = createExternalGuardrailDispatcher({ policy: { allowLoopback: false } });
    try {
      const before = service.received.length;
      expect(await callExternalGuardrail(config('/moderate', { failMode: 'open' }), 'x', undefined, strict)).toEqual({
        flagged: false,
        failed: 'error',
      });
      expect(service.received.length).toBe(before);
    } finally {
      await strict.close();
    }
  });

  it('rejects when the caller’s request is aborted: nobody waits for the verdict', async () => {
    const controller = new AbortController();
    const call = callExternalGuardrail(config('/slow', { timeoutMs: 2_000 }), 'x', controller.signal, dispatcher);
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(call).rejects.toThrow('client went away');
  });

  it('listens to a request’s client lifetime, and rejects at once when the client already left', async () => {
    const lifetime = new ClientLifetime();
    const call = callExternalGuardrail(config('/slow', { timeoutMs: 2_000 }), 'x', lifetime, dispatcher);
    setTimeout(() => lifetime.abort(new Error('client went away')), 50);
    await expect(call).rejects.toThrow('client went away');
    const before = service.received.length;
    await expect(callExternalGuardrail(config('/moderate'), 'x', lifetime, dispatcher)).rejects.toThrow(
      'client went away',
    );
    expect(service.received.length).toBe(before);
  });
});
