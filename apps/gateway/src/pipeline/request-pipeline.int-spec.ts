import { request as httpRequest, type IncomingMessage } from 'node:http';
import { type UsageRecordedV1 } from '@gatehouse/jobs';
import { eventually } from '@gatehouse/testing';
import { GatewayHarness } from '../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../test/mock-upstream';
import { GatewayError } from '../common/gateway-error';
import { refuse } from './decision';
import { type RequestContext } from './request-context';
import { AuthenticateStage } from './stages/authenticate.stage';
import { CacheStage } from './stages/cache.stage';
import { EntitleStage } from './stages/entitle.stage';
import { LimitsStage } from './stages/limits.stage';
import { PolicyStage } from './stages/policy.stage';
import { RecordStage } from './stages/record.stage';
import { RouteStage } from './stages/route.stage';
import { UpstreamStage } from './stages/upstream.stage';

const messages = [{ role: 'user', content: 'Walk through every stage.' }];

/** A refusal as a policy would make it: 400 `content_policy_violation` naming the rule. */
const policyRefusal = (rule: string) =>
  new GatewayError(400, 'content_policy_violation', 'invalid_request_error', `Refused by ${rule}.`);

describe('the request pipeline', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let failing: RunningMock;
  let slow: RunningMock;
  let apiKey: string;
  /** Stage calls in order, as `<stage>.<method>`, by request id. */
  const calls = new Map<string, string[]>();
  const restores: (() => void)[] = [];

  const push = (map: Map<string, string[]>, requestId: string, entry: string) =>
    map.set(requestId, [...(map.get(requestId) ?? []), entry]);

  /** Wraps methods of a stage to note each call under the request id of the context it got (its first argument). */
  function watch(stage: object, name: string, methods: string[]) {
    for (const method of methods) {
      const spy = jest.spyOn(stage as Record<string, (...args: unknown[]) => unknown>, method);
      const original =
        spy.getMockImplementation() ?? (stage as Record<string, (...args: unknown[]) => unknown>)[method];
      restores.push(() => spy.mockRestore());
      spy.mockImplementation(function (this: unknown, ...args: unknown[]) {
        push(calls, (args[0] as RequestContext).requestId, `${name}.${method}`);
        return (original as (...args: unknown[]) => unknown).apply(stage, args);
      });
    }
  }

  function chat(requestId: string, body: object = {}): Promise<Response> {
    return fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ model: 'demo-chat', messages, ...body }),
    });
  }

  /** The request's usage event, once its end-of-request step ran; and that step's calls. */
  async function ended(
    requestId: string,
    timeoutMs = 5_000,
  ): Promise<{ event: UsageRecordedV1 | undefined; steps: string[] }> {
    const event = await gateway.usageEventOf(requestId, timeoutMs);
    // Give a second end step, if there were one, the time to show itself.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const steps = (calls.get(requestId) ?? []).filter((call) => call === 'limits.settle' || call === 'record.run');
    return { event, steps };
  }

  beforeAll(async () => {
    [gateway, mock, failing, slow] = await Promise.all([
      GatewayHarness.start('gateway-pipeline'),
      startMockProvider(),
      startMockProvider({ MOCK_STATUS: '500' }),
      startMockProvider({ MOCK_CHUNKS: '200', MOCK_CHUNK_DELAY_MS: '20' }),
    ]);
    await gateway.useMockProvider(mock.url);
    await gateway.routeModel('demo-failing', [{ type: 'OPENAI_COMPATIBLE', baseUrl: failing.url }]);
    await gateway.routeModel('demo-slow', [{ type: 'OPENAI_COMPATIBLE', baseUrl: slow.url }]);
    const tenantId = await gateway.tenant();
    // Limits on (high enough never to refuse), so that every call holds a reservation for the settlement to end.
    await gateway.subscribeToDemo(tenantId, { limitOverrides: { rpm: 10_000, monthlyTokens: 100_000_000 } });
    apiKey = (await gateway.key(tenantId)).key;
    gateway.watchUsage();

    watch(gateway.app.get(AuthenticateStage), 'authenticate', ['run']);
    watch(gateway.app.get(EntitleStage), 'entitle', ['model']);
    watch(gateway.app.get(PolicyStage), 'policy', ['input', 'output']);
    watch(gateway.app.get(LimitsStage), 'limits', ['admitModelCall', 'settle']);
    watch(gateway.app.get(CacheStage), 'cache', ['lookup', 'store']);
    watch(gateway.app.get(RouteStage), 'route', ['run']);
    watch(gateway.app.get(UpstreamStage), 'upstream', ['run']);
    watch(gateway.app.get(RecordStage), 'record', ['run']);
  });

  afterAll(async () => {
    for (const restore of restores.reverse()) restore();
    await gateway?.close();
    await Promise.all([mock?.close(), failing?.close(), slow?.close()]);
  });

  it('runs the stages of a model call in their order, then settles and records once', async () => {
    const response = await chat('pipeline-order');
    expect(response.status).toBe(200);
    const { event, steps } = await ended('pipeline-order');
    expect(calls.get('pipeline-order')).toEqual([
      'authenticate.run',
      'entitle.model',
      'policy.input',
      'limits.admitModelCall',
      'cache.lookup',
      'route.run',
      'upstream.run',
      'policy.output',
      'cache.store',
      'limits.settle',
      'record.run',
    ]);
    expect(steps).toEqual(['limits.settle', 'record.run']);
    expect(event).toMatchObject({ statusCode: 200, errorCode: null, usageSource: 'upstream' });
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10000');
  });

  it('ends a request that policy.input refuses with its refusal, before the limits are asked', async () => {
    jest.spyOn(gateway.app.get(PolicyStage), 'input').mockReturnValueOnce(refuse(policyRefusal('pii.input: EMAIL')));
    const response = await chat('pipeline-refused-input');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message: 'Refused by pii.input: EMAIL.',
        type: 'invalid_request_error',
        param: null,
        code: 'content_policy_violation',
      },
    });
    const { event, steps } = await ended('pipeline-refused-input');
    expect(event).toMatchObject({ statusCode: 400, errorCode: 'content_policy_violation', usageSource: 'none' });
    expect(steps).toEqual(['limits.settle', 'record.run']);
    expect(calls.get('pipeline-refused-input') ?? []).not.toContain('limits.admitModelCall');
  });

  it('ends a request that cache.lookup refuses, settling what the limits held', async () => {
    jest.spyOn(gateway.app.get(CacheStage), 'lookup').mockReturnValueOnce(refuse(policyRefusal('cache')));
    const response = await chat('pipeline-refused-cache');
    expect(response.status).toBe(400);
    const { event, steps } = await ended('pipeline-refused-cache');
    expect(event).toMatchObject({ statusCode: 400, errorCode: 'content_policy_violation', timeToFirstByteMs: null });
    expect(steps).toEqual(['limits.settle', 'record.run']);
    expect(calls.get('pipeline-refused-cache')).not.toContain('upstream.run');
  });

  it('ends a request that policy.output refuses before any byte of the answer is sent', async () => {
    jest.spyOn(gateway.app.get(PolicyStage), 'output').mockReturnValueOnce(refuse(policyRefusal('pii.output')));
    const response = await chat('pipeline-refused-output');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('content_policy_violation');
    const { event, steps } = await ended('pipeline-refused-output');
    expect(event).toMatchObject({ statusCode: 400, errorCode: 'content_policy_violation' });
    expect(steps).toEqual(['limits.settle', 'record.run']);
    expect(calls.get('pipeline-refused-output')).not.toContain('cache.store');
  });

  it('cancels the upstream answer that policy.output refuses at once, not at the body timeout', async () => {
    jest.spyOn(gateway.app.get(PolicyStage), 'output').mockReturnValueOnce(refuse(policyRefusal('pii.output')));
    const started = slow.responses.length;
    const response = await chat('pipeline-refused-output-stream', { model: 'demo-slow', stream: true });
    expect(response.status).toBe(400);
    await response.body?.cancel();
    const upstream = slow.responses[started];
    // The slow mock streams for about 4 s: a connection closed well before then is one the gateway hung up.
    expect(await eventually(() => upstream?.destroyed === true, 1_000)).toBe(true);
    expect(upstream?.writableFinished).toBe(false);
    const { event } = await ended('pipeline-refused-output-stream');
    expect(event).toMatchObject({ statusCode: 400, errorCode: 'content_policy_violation' });
  });

  it('ends a request refused at authentication and at entitlement, each once', async () => {
    const unauthenticated = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'pipeline-no-key' },
      body: JSON.stringify({ model: 'demo-chat', messages }),
    });
    expect(unauthenticated.status).toBe(401);
    const unknownModel = await chat('pipeline-no-model', { model: 'no-such-model' });
    expect(unknownModel.status).toBe(404);
    const { event, steps } = await ended('pipeline-no-model');
    expect(event).toMatchObject({ statusCode: 404, errorCode: 'model_not_found' });
    expect(steps).toEqual(['limits.settle', 'record.run']);
    // A request without a key belongs to no tenant: its end step ran once and recorded nothing.
    await ended('pipeline-no-key', 300);
    expect(calls.get('pipeline-no-key')).toEqual(['authenticate.run', 'limits.settle', 'record.run']);
    expect(gateway.watchUsage().has('pipeline-no-key')).toBe(false);
  });

  it('ends a request the limits refuse with 429, once, holding nothing', async () => {
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: { rpm: 1 } });
    const { key } = await gateway.key(tenantId);
    const send = (requestId: string) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ model: 'demo-chat', messages }),
      });
    expect((await send('pipeline-rate-first')).status).toBe(200);
    const refused = await send('pipeline-rate-refused');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const { event, steps } = await ended('pipeline-rate-refused');
    expect(event).toMatchObject({ statusCode: 429, errorCode: 'rate_limit_exceeded', usageSource: 'none' });
    expect(steps).toEqual(['limits.settle', 'record.run']);
    expect(calls.get('pipeline-rate-refused')).not.toContain('cache.lookup');
  });

  it('ends a request whose upstream fails with 502, settled to nothing used', async () => {
    const response = await chat('pipeline-upstream-error', { model: 'demo-failing' });
    expect(response.status).toBe(502);
    const { event, steps } = await ended('pipeline-upstream-error');
    expect(event).toMatchObject({ statusCode: 502, errorCode: 'upstream_error', usageSource: 'none' });
    expect(event?.providerId).toEqual(expect.any(String));
    expect(steps).toEqual(['limits.settle', 'record.run']);
  });

  it('ends a stream the client leaves halfway once, cancelling the upstream and counting what was sent', async () => {
    const url = new URL('/v1/chat/completions', gateway.url);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpRequest(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'x-request-id': 'pipeline-client-left',
        },
      });
      request.on('response', resolve).on('error', reject);
      request.end(JSON.stringify({ model: 'demo-slow', messages, stream: true }));
    });
    expect(response.statusCode).toBe(200);
    let received = 0;
    await new Promise<void>((resolve) => {
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > 300) {
          response.destroy();
          resolve();
        }
      });
    });
    const { event, steps } = await ended('pipeline-client-left');
    expect(event).toMatchObject({
      statusCode: 200,
      streamed: true,
      errorCode: 'client_aborted',
      usageSource: 'estimate',
    });
    expect(event?.outputTokens).toBeGreaterThan(0);
    expect(event?.outputTokens).toBeLessThan(150);
    expect(steps).toEqual(['limits.settle', 'record.run']);
  });
});
