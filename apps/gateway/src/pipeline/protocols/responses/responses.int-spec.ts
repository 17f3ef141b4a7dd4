import { type OpenAiErrorBody } from '@gatehouse/contracts';
import OpenAI from 'openai';
import { GatewayHarness, NO_LIMITS } from '../../../../test/gateway-harness';
import { type RunningMock, startMockProvider } from '../../../../test/mock-upstream';
import { failureOf, TranslationHarness } from '../../../../test/translation-harness';

type Response = OpenAI.Responses.Response;
type StreamEvent = OpenAI.Responses.ResponseStreamEvent;
type Params = OpenAI.Responses.ResponseCreateParamsNonStreaming;

/** The largest stored response of this suite (its conversation included), so that one test can exceed it. */
const MAX_STORED_BYTES = 64 * 1024;

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

/** The seeded OpenAI-format model and the harness's Anthropic-format one, both served by one mock-provider. */
const MODELS = [
  ['an OpenAI-format upstream', 'demo-chat'],
  ['an Anthropic-format upstream', 'demo-claude'],
] as const;

/**
 * `POST /v1/responses`, `GET` and `DELETE /v1/responses/{id}` through the gateway, with the official SDK, against
 * OpenAI-format and Anthropic-format upstreams (mock-provider): text and tool calls, streamed and not; the
 * conversation a `previous_response_id` carries on, as the upstream receives it; state kept per tenant; parameters
 * refused before anything is sent upstream; the content policies applied to the Responses input; usage recorded
 * under the `responses` endpoint.
 */
describe('gateway Responses API', () => {
  let harness: TranslationHarness;
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let apiKey: string;
  /** A key of another tenant, subscribed to the same product. */
  let strangerKey: string;

  const client = (key: string = apiKey) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  const post = (body: object, key: string = apiKey) =>
    fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  /** The chat messages the upstream received for the last call (Anthropic's are translated from them). */
  const lastSentUpstream = () => mock.received.at(-1) as Record<string, unknown>;

  beforeAll(async () => {
    harness = await TranslationHarness.start('gateway-responses', async () => undefined, {
      responsesStore: { maxStoredBytes: MAX_STORED_BYTES },
    });
    ({ gateway, mock, apiKey } = harness);
    const stranger = await gateway.tenant();
    await gateway.subscribeToDemo(stranger, { limitOverrides: NO_LIMITS });
    strangerKey = (await gateway.key(stranger)).key;
  });

  afterAll(() => harness?.close());

  /** A streamed response's events, in order, through the SDK. */
  async function streamed(body: Params, key = apiKey) {
    const { data: stream, response } = await client(key)
      .responses.create({ ...body, stream: true as const })
      .withResponse();
    const events: StreamEvent[] = [];
    for await (const event of stream) events.push(event);
    return {
      events,
      requestId: response.headers.get('x-request-id'),
      contentType: response.headers.get('content-type'),
    };
  }

  /** The Response a stream ended with (its last event's), checked to be the only final event, last. */
  function finalOf(events: StreamEvent[]): Response {
    const finals = events.filter((event) =>
      ['response.completed', 'response.incomplete', 'response.failed'].includes(event.type),
    );
    expect(finals).toHaveLength(1);
    expect(events.at(-1)).toBe(finals[0]);
    return (finals[0] as OpenAI.Responses.ResponseCompletedEvent).response;
  }

  describe.each(MODELS)('with %s', (_name, model) => {
    it('answers a text input with a Response named after the request, its usage recorded as responses', async () => {
      const { data, response } = await client()
        .responses.create({ model, input: 'say:Hello from the gateway.', instructions: 'Be brief.' })
        .withResponse();
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^req_/);
      expect(data).toMatchObject({
        id: `resp_${requestId}`,
        object: 'response',
        status: 'completed',
        model,
        instructions: 'Be brief.',
        store: true,
        previous_response_id: null,
        error: null,
        incomplete_details: null,
      });
      expect(data.output_text).toBe('Hello from the gateway.');
      expect(data.output).toEqual([
        expect.objectContaining({ type: 'message', role: 'assistant', status: 'completed' }),
      ]);
      expect(lastSentUpstream()).toMatchObject(
        model === 'demo-chat'
          ? {
              messages: [
                { role: 'system', content: 'Be brief.' },
                { role: 'user', content: 'say:Hello from the gateway.' },
              ],
            }
          : { system: 'Be brief.', messages: [{ role: 'user', content: 'say:Hello from the gateway.' }] },
      );
      const event = await gateway.usageEventOf(requestId);
      expect(event).toMatchObject({
        endpoint: 'responses',
        model,
        streamed: false,
        errorCode: null,
        usageSource: 'upstream',
        inputTokens: data.usage?.input_tokens,
        outputTokens: data.usage?.output_tokens,
      });
      expect(data.usage?.total_tokens).toBe((data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0));
      expect(data.usage?.output_tokens).toBeGreaterThan(0);
    });

    it('streams typed events in sequence, ending with response.completed carrying the text and usage', async () => {
      const whole = await client().responses.create({ model, input: 'say:A streamed answer, in pieces.' });
      const { events, requestId, contentType } = await streamed({ model, input: 'say:A streamed answer, in pieces.' });
      expect(contentType).toMatch(/^text\/event-stream/);
      expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
      expect(events.slice(0, 2).map((event) => event.type)).toEqual(['response.created', 'response.in_progress']);
      const deltas = events.filter((event) => event.type === 'response.output_text.delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.map((event) => event.delta).join('')).toBe('A streamed answer, in pieces.');
      const final = finalOf(events);
      expect(final).toMatchObject({ id: `resp_${requestId}`, status: 'completed', model, store: true });
      expect(final.output).toEqual(whole.output.map((item) => ({ ...item, id: expect.any(String) })));
      expect(final.usage).toEqual(whole.usage);
      expect(await gateway.usageEventOf(requestId)).toMatchObject({
        endpoint: 'responses',
        streamed: true,
        errorCode: null,
        usageSource: 'upstream',
        inputTokens: final.usage?.input_tokens,
        outputTokens: final.usage?.output_tokens,
      });
      // A stream's Response is stored as its final event said.
      expect(await client().responses.retrieve(final.id)).toEqual({ ...final, output_text: whole.output_text });
    });

    it.each([false, true])(
      'calls a tool, takes its result with the full history and with previous_response_id (streamed: %s)',
      async (stream) => {
        const ask = async (body: Params): Promise<Response> =>
          stream ? finalOf((await streamed(body)).events) : await client().responses.create(body);
        const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'call:get_weather' }];
        const call = await ask({ model, input, tools: [weather] });
        expect(call.status).toBe('completed');
        expect(call.usage?.output_tokens).toBeGreaterThan(0);
        expect(call.output).toHaveLength(1);
        const [item] = call.output;
        if (item?.type !== 'function_call') throw new Error(`expected a function call, got ${item?.type}`);
        expect(item).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
        expect(item.call_id).toMatch(model === 'demo-chat' ? /^call_/ : /^toolu_/);
        expect(JSON.parse(item.arguments)).toEqual({ city: 'mock city' });
        const result = { type: 'function_call_output' as const, call_id: item.call_id, output: 'Sunny, 21 C' };

        // The call as the answer gave it (its id and status included), then its result.
        const replayed = await ask({ model, input: [...input, item, result], tools: [weather] });
        expect(replayed.status).toBe('completed');
        expect(textOf(replayed)).toBe('Sunny, 21 C');
        const fullHistory = lastSentUpstream();

        const continued = await ask({ model, previous_response_id: call.id, input: [result], tools: [weather] });
        expect(continued).toMatchObject({ status: 'completed', previous_response_id: call.id });
        expect(textOf(continued)).toBe('Sunny, 21 C');
        // The stored conversation reaches the upstream as the same messages the client's own history did.
        expect(lastSentUpstream()).toEqual(fullHistory);
        if (model === 'demo-chat') {
          expect(fullHistory['messages']).toEqual([
            { role: 'user', content: 'call:get_weather' },
            {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: item.call_id, type: 'function', function: { name: 'get_weather', arguments: item.arguments } },
              ],
            },
            { role: 'tool', tool_call_id: item.call_id, content: 'Sunny, 21 C' },
          ]);
        }
      },
    );
  });

  it('carries a conversation on through previous_response_id, as the upstream receives it', async () => {
    const first = await client().responses.create({
      model: 'demo-chat',
      instructions: 'Remember names.',
      input: 'say:Nice to meet you, Ada.',
    });
    const second = await client().responses.create({
      model: 'demo-chat',
      previous_response_id: first.id,
      input: [{ role: 'user', content: 'echo:What is my name?' }],
    });
    // mock-provider's echo: every message's text, one a line, as it reached the upstream.
    expect(second.output_text).toBe('say:Nice to meet you, Ada.\nNice to meet you, Ada.\necho:What is my name?');
    expect(second.previous_response_id).toBe(first.id);
    // The instructions are the request's own: a follow-up without them has none.
    expect((lastSentUpstream()['messages'] as { role: string }[]).map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);

    const third = await client().responses.create({
      model: 'demo-chat',
      previous_response_id: second.id,
      input: 'echo:And again?',
    });
    // The second answer is one assistant message of three lines.
    expect(third.output_text).toBe(
      [...second.output_text.split('\n'), second.output_text, 'echo:And again?'].join('\n'),
    );
  });

  it("keeps each tenant's responses to itself: another tenant's id is unknown to it", async () => {
    const mine = await client().responses.create({ model: 'demo-chat', input: 'say:private' });
    const received = mock.received.length;

    const continued = await post({ model: 'demo-chat', previous_response_id: mine.id, input: 'hi' }, strangerKey);
    expect(continued.status).toBe(400);
    expect(((await continued.json()) as OpenAiErrorBody).error).toEqual({
      message: `Previous response with id '${mine.id}' not found.`,
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'invalid_request_error',
    });
    expect(mock.received.length).toBe(received);

    for (const method of ['GET', 'DELETE']) {
      const answer = await gateway.request<OpenAiErrorBody>(method, `/v1/responses/${mine.id}`, {
        authorization: `Bearer ${strangerKey}`,
      });
      expect(answer.status).toBe(404);
      expect(answer.body.error).toEqual({
        message: `Response with id '${mine.id}' not found.`,
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      });
    }
    // Still there for its own tenant.
    expect((await client().responses.retrieve(mine.id)).id).toBe(mine.id);
  });

  it('retrieves and deletes a stored response, which then is gone for every use', async () => {
    const created = await client().responses.create({ model: 'demo-claude', input: 'say:Keep me.' });
    const retrieved = await client().responses.retrieve(created.id);
    expect(retrieved).toEqual(created);

    const deleted = await gateway.request('DELETE', `/v1/responses/${created.id}`, {
      authorization: `Bearer ${apiKey}`,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: created.id, object: 'response', deleted: true });

    expect(await failureOf(client().responses.retrieve(created.id))).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await failureOf(client().responses.delete(created.id))).toBeInstanceOf(OpenAI.NotFoundError);
    const continued = await failureOf(
      client().responses.create({ model: 'demo-claude', previous_response_id: created.id, input: 'hi' }),
    );
    expect(continued).toBeInstanceOf(OpenAI.BadRequestError);
    expect((continued as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('previous_response_id');
    // A made-up id, and one that is not even of the gateway's form, are as unknown as a deleted one.
    for (const id of ['resp_never_given', 'not an id']) {
      const answer = await gateway.get<OpenAiErrorBody>(`/v1/responses/${encodeURIComponent(id)}`, apiKey);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
  });

  it('stores responses sealed in Redis under the tenant, for the retention', async () => {
    const created = await client().responses.create({ model: 'demo-chat', input: 'say:A sealed secret.' });
    const key = gateway.keys.tenant(harness.tenantId, 'responses', created.id);
    const stored = await gateway.redis.redis.get(key);
    expect(stored).not.toBeNull();
    expect(stored).not.toContain('sealed secret');
    expect(JSON.parse(stored ?? '{}')).toEqual({
      keyVersion: 1,
      iv: expect.any(String),
      tag: expect.any(String),
      ciphertext: expect.any(String),
    });
    const ttl = await gateway.redis.redis.ttl(key);
    expect(ttl).toBeGreaterThan(720 * 3_600 - 60);
    expect(ttl).toBeLessThanOrEqual(720 * 3_600);
  });

  it('keeps nothing when asked not to, or when the conversation is too large, and says so', async () => {
    const unstored = await client().responses.create({ model: 'demo-chat', input: 'say:Forget me.', store: false });
    expect(storeOf(unstored)).toBe(false);
    expect(await failureOf(client().responses.retrieve(unstored.id))).toBeInstanceOf(OpenAI.NotFoundError);

    const { events } = await streamed({ model: 'demo-claude', input: 'say:Forget me too.', store: false });
    expect(events[0]).toMatchObject({ type: 'response.created', response: { store: false } });
    const final = finalOf(events);
    expect(storeOf(final)).toBe(false);
    expect(await failureOf(client().responses.retrieve(final.id))).toBeInstanceOf(OpenAI.NotFoundError);

    // The answer still goes out whole; only its state is not kept.
    const large = `say:${'x'.repeat(MAX_STORED_BYTES)}`;
    const tooLarge = await client().responses.create({ model: 'demo-chat', input: large });
    expect(tooLarge.status).toBe('completed');
    expect(tooLarge.output_text).toBe('x'.repeat(MAX_STORED_BYTES));
    expect(storeOf(tooLarge)).toBe(false);
    expect(await failureOf(client().responses.retrieve(tooLarge.id))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it.each([
    ['a hosted tool', { tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [
      'an unknown content part',
      { input: [{ role: 'user', content: [{ type: 'input_video' }] }] },
      'input[0].content[0].type',
    ],
    ['an item reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
    ['background mode', { background: true }, 'background'],
    ['a temperature out of range', { temperature: 3 }, 'temperature'],
    [
      'too much metadata',
      { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
    ],
    [
      'an image by file id',
      { input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] },
      'input[0].content[0].file_id',
    ],
  ])('refuses %s with 400 naming the field, before anything goes upstream', async (_name, patch, param) => {
    const received = mock.received.length;
    const response = await post({ model: 'demo-chat', input: 'hello', ...patch });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OpenAiErrorBody).error).toMatchObject({ type: 'invalid_request_error', param });
    expect(mock.received.length).toBe(received);
  });

  it('applies the content policies to the Responses input: a redacted address never reaches the upstream', async () => {
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: NO_LIMITS });
    const key = (await gateway.key(tenantId)).key;
    await gateway.publishPolicy(`tenant:${tenantId}`, `  pii:\n    input: { action: redact, entities: [EMAIL] }\n`);

    const ask = () =>
      client(key)
        .responses.create({
          model: 'demo-chat',
          instructions: 'Answer jane.doe@example.com politely.',
          input: [{ role: 'user', content: [{ type: 'input_text', text: 'echo:Mail jane.doe@example.com today.' }] }],
        })
        .withResponse();
    const deadline = Date.now() + 2_000;
    let answer = await ask();
    while (answer.response.headers.get('x-gatehouse-policy') === null && Date.now() < deadline) answer = await ask();
    expect(answer.response.headers.get('x-gatehouse-policy')).toBe('pii.input=redact:2');
    expect(lastSentUpstream()['messages']).toEqual([
      { role: 'system', content: 'Answer [EMAIL_1] politely.' },
      { role: 'user', content: [{ type: 'text', text: 'echo:Mail [EMAIL_1] today.' }] },
    ]);
    expect(answer.data.output_text).not.toContain('jane.doe');
  });

  it('cuts an answer at an output deny list match: incomplete for content_filter, streamed and not, never in clear', async () => {
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: NO_LIMITS });
    const key = (await gateway.key(tenantId)).key;
    await gateway.publishPolicy(
      `tenant:${tenantId}`,
      `  denyList:\n    output: ['project\\s+falcon']\n    action: block\n`,
    );
    // mock-provider streams `say:` text 3 characters at a time, so the match straddles chunks.
    const body: Params = { model: 'demo-chat', input: 'say:The plan is project falcon, launched at dawn.' };

    const deadline = Date.now() + 2_000;
    let whole = await client(key).responses.create(body);
    while (whole.status === 'completed' && Date.now() < deadline) whole = await client(key).responses.create(body);
    expect(whole).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
    expect(whole.output_text).toBe('The plan is ');

    const { events } = await streamed(body, key);
    const final = finalOf(events);
    expect(events.at(-1)?.type).toBe('response.incomplete');
    expect(final).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
    const deltas = events.flatMap((event) => (event.type === 'response.output_text.delta' ? [event.delta] : []));
    expect(deltas.join('')).toBe('The plan is ');
    expect(JSON.stringify(events)).not.toMatch(/falcon/);
  });
});

describe('gateway Responses API keeping no responses (GATEWAY_RESPONSES_RETENTION_HOURS=0)', () => {
  let gateway: GatewayHarness;
  let mock: RunningMock;
  let apiKey: string;

  beforeAll(async () => {
    [gateway, mock] = await Promise.all([
      GatewayHarness.start('gateway-responses-unkept', { env: { GATEWAY_RESPONSES_RETENTION_HOURS: '0' } }),
      startMockProvider(),
    ]);
    await gateway.useMockProvider(mock.url);
    const tenantId = await gateway.tenant();
    await gateway.subscribeToDemo(tenantId, { limitOverrides: NO_LIMITS });
    apiKey = (await gateway.key(tenantId)).key;
  });

  afterAll(async () => {
    await gateway?.close();
    await mock?.close();
  });

  it('answers with store: false, keeps nothing, and refuses previous_response_id as not kept', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
    const answer = await client.responses.create({ model: 'demo-chat', input: 'say:Not kept.', store: true });
    expect(answer.output_text).toBe('Not kept.');
    expect(storeOf(answer)).toBe(false);
    expect(await failureOf(client.responses.retrieve(answer.id))).toBeInstanceOf(OpenAI.NotFoundError);
    const continued = await failureOf(
      client.responses.create({ model: 'demo-chat', previous_response_id: answer.id, input: 'hi' }),
    );
    expect(continued).toBeInstanceOf(OpenAI.BadRequestError);
    expect((continued as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('previous_response_id');
    expect((continued as Error).message).toMatch(/not kept by this gateway/);
  });
});

/** Whether the gateway kept the response: OpenAI's Response says so, though the SDK's type leaves it out. */
function storeOf(response: Response): unknown {
  return (response as Response & { store?: boolean }).store;
}

/** A Response's text, as the SDK's `output_text` gives it for created ones (the stream's final Response has none). */
function textOf(response: Response): string {
  return response.output
    .flatMap((item) => (item.type === 'message' ? item.content : []))
    .map((part) => (part.type === 'output_text' ? part.text : ''))
    .join('');
}
