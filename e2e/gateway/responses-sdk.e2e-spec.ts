import OpenAI from 'openai';
import { createProvider, createPublishedLlmProduct } from '../support/catalog-admin';
import {
  adminSession,
  eventually,
  gatewayClient,
  recordedCall,
  subscribe,
  type SubscribedKey,
  subscribedKey,
} from '../support/gateway';
import { stackUrls } from '../support/stack';

type Response = OpenAI.Responses.Response;
type Params = OpenAI.Responses.ResponseCreateParamsNonStreaming;

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

/** How a test asks: `responses.create` and its Response, or streamed and iterated, or through `responses.stream`. */
type Asking = 'json' | 'events' | 'stream helper';

/**
 * OpenAI's Responses API through the gateway with the official `openai` SDK, unchanged, against the seeded
 * OpenAI-format `demo-chat` and an Anthropic-format model an admin publishes through the admin API: a tool call,
 * its result sent back as a `function_call_output` (with the whole input history, or with `previous_response_id`,
 * then on the other gateway instance, which shares the state), and the final answer; streamed and not. Each answer
 * is checked for the tool's name, parsed arguments, `call_id`, `status`, `usage` and `output_text`, and each call as
 * the call log recorded it (endpoint `responses`, the same tokens).
 */
describe('the Responses API through the OpenAI SDK', () => {
  let owner: SubscribedKey;
  let claudeModel: string;

  beforeAll(async () => {
    const admin = await adminSession();
    const provider = await createProvider(admin, 'responses-anthropic', stackUrls.mockProvider, 'anthropic');
    claudeModel = `e2e-responses-claude-${Date.now().toString(36)}`;
    const { product } = await createPublishedLlmProduct(admin, {
      label: 'responses',
      models: [{ name: claudeModel, targets: [{ providerId: provider.id, upstreamModel: 'claude-mock' }] }],
    });
    owner = await subscribedKey('responses-sdk');
    await subscribe(owner.tenant, { product: product.slug, plan: 'e2e-open' });
    // The product's invalidation reaches the gateways asynchronously: wait until both route the new model.
    for (const url of [stackUrls.gateway, stackUrls.secondGateway]) {
      await eventually(() => gatewayClient(owner.apiKey, url).responses.create(request(claudeModel, 'say:ready')), {
        timeoutMs: 10_000,
        intervalMs: 200,
      });
    }
  });

  function request(model: string, input: Params['input'], extra: Partial<Params> = {}): Params {
    return { model, input, max_output_tokens: 64, tools: [weather], ...extra };
  }

  /** One Response, asked for as `asking` says, from the gateway at `url`. */
  async function ask(asking: Asking, body: Params, url: string = stackUrls.gateway): Promise<Response> {
    const client = gatewayClient(owner.apiKey, url);
    if (asking === 'json') return client.responses.create(body);
    if (asking === 'stream helper') return client.responses.stream({ ...body, stream: undefined }).finalResponse();
    const stream = await client.responses.create({ ...body, stream: true });
    const types: string[] = [];
    let final: Response | null = null;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.completed') final = event.response;
    }
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    if (final === null) throw new Error(`the stream ended without response.completed: ${types.join(', ')}`);
    return final;
  }

  /** The call that answered `response` (its id is `resp_` and the request id), as the call log recorded it. */
  async function expectRecorded(response: Response, model: string, streamed: boolean): Promise<void> {
    const requestId = response.id.slice('resp_'.length);
    expect(await recordedCall(owner, requestId)).toMatchObject({
      requestId,
      endpoint: 'responses',
      model,
      status: 200,
      errorCode: null,
      streamed,
      usageSource: 'upstream',
      inputTokens: response.usage?.input_tokens,
      outputTokens: response.usage?.output_tokens,
    });
  }

  const cases: [string, Asking, 'full history' | 'previous_response_id', () => string][] = [];
  for (const [name, model] of [
    ['demo-chat (OpenAI-format upstream)', () => 'demo-chat'],
    ['the Anthropic-format model', () => claudeModel],
  ] as const) {
    for (const asking of ['json', 'events', 'stream helper'] as const) {
      cases.push([name, asking, 'full history', model], [name, asking, 'previous_response_id', model]);
    }
  }

  it.each(cases)(
    'runs a tool call round trip with %s, asked as %s, continued with the %s',
    async (_name, asking, continuation, modelOf) => {
      const model = modelOf();
      const streamed = asking !== 'json';
      const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'call:get_weather' }];

      const call = await ask(asking, request(model, input));
      expect(call).toMatchObject({ object: 'response', status: 'completed', model, error: null });
      expect(call.usage?.input_tokens).toBeGreaterThan(0);
      expect(call.usage?.output_tokens).toBeGreaterThan(0);
      expect(call.usage?.total_tokens).toBe((call.usage?.input_tokens ?? 0) + (call.usage?.output_tokens ?? 0));
      expect(call.output).toHaveLength(1);
      const [item] = call.output;
      if (item?.type !== 'function_call') throw new Error(`expected a function_call item, got ${item?.type}`);
      expect(item).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
      expect(item.id).toMatch(/^fc_/);
      expect(item.call_id).toMatch(model === 'demo-chat' ? /^call_/ : /^toolu_/);
      expect(JSON.parse(item.arguments)).toEqual({ city: 'mock city' });
      await expectRecorded(call, model, streamed);

      const result: OpenAI.Responses.ResponseInputItem.FunctionCallOutput = {
        type: 'function_call_output',
        call_id: item.call_id,
        output: 'Sunny, 21 C',
      };
      // Carried on by the client itself, or by the gateway from the stored response: on the other instance, which
      // shares the state.
      const answer =
        continuation === 'full history'
          ? await ask(asking, request(model, [...input, item, result]))
          : await ask(asking, request(model, [result], { previous_response_id: call.id }), stackUrls.secondGateway);
      expect(answer).toMatchObject({
        status: 'completed',
        model,
        previous_response_id: continuation === 'full history' ? null : call.id,
      });
      expect(answer.output).toEqual([
        expect.objectContaining({
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [expect.objectContaining({ type: 'output_text', text: 'Sunny, 21 C' })],
        }),
      ]);
      if (asking !== 'events') expect(answer.output_text).toBe('Sunny, 21 C');
      expect(answer.usage?.output_tokens).toBeGreaterThan(0);
      // The call's own tokens, its tool call and result among them, are the second call's input.
      expect(answer.usage?.input_tokens).toBeGreaterThan(0);
      await expectRecorded(answer, model, streamed);

      // Kept for the tenant as answered (the stream helper adds its own `parsed` to the text it read).
      const retrieved = await gatewayClient(owner.apiKey).responses.retrieve(answer.id);
      expect(retrieved).toMatchObject({ id: answer.id, status: 'completed', usage: answer.usage });
      expect(retrieved.output_text).toBe('Sunny, 21 C');
    },
  );

  it("refuses another tenant's response id, and what the gateway cannot serve, in OpenAI's error shape", async () => {
    const mine = await gatewayClient(owner.apiKey).responses.create(request('demo-chat', 'say:mine'));
    const stranger = await subscribedKey('responses-stranger');
    const strangers = gatewayClient(stranger.apiKey);
    const retrieved = await strangers.responses.retrieve(mine.id).catch((error: unknown) => error);
    expect(retrieved).toBeInstanceOf(OpenAI.NotFoundError);
    const continued = await strangers.responses
      .create(request('demo-chat', 'hello', { previous_response_id: mine.id }))
      .catch((error: unknown) => error);
    expect(continued).toBeInstanceOf(OpenAI.BadRequestError);
    expect((continued as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('previous_response_id');

    const hosted = await gatewayClient(owner.apiKey)
      .responses.create({ model: 'demo-chat', input: 'hello', tools: [{ type: 'web_search' }] })
      .catch((error: unknown) => error);
    expect(hosted).toBeInstanceOf(OpenAI.BadRequestError);
    expect((hosted as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tools[0].type');

    await gatewayClient(owner.apiKey).responses.delete(mine.id);
    expect(
      await gatewayClient(owner.apiKey)
        .responses.retrieve(mine.id)
        .catch((error: unknown) => error),
    ).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
