import Anthropic from '@anthropic-ai/sdk';
import {
  type AdminProductResponse,
  type CatalogProductListResponse,
  type CreatedApiKeyResponse,
  type PlanResponse,
  type ProviderResponse,
  type SubscriptionResponse,
} from '@gatehouse/contracts';
import OpenAI from 'openai';
import { adminApi, type ApiResult, signInAdmin, signUpTenantOwner } from '../support/admin-api-client';
import { stackUrls } from '../support/stack';

/**
 * `POST /v1/messages` and Anthropic-format upstreams end to end, set up as a user would through the admin API: an
 * admin registers an `anthropic` provider at the stack's mock-provider and publishes a product whose model routes
 * to it; a tenant signs up, subscribes to it and to the demo product, and makes a key. Then the official Anthropic
 * SDK calls both that model (relayed as is) and demo-chat (an OpenAI-format upstream: translated both ways), and
 * the official OpenAI SDK calls the Anthropic-format model (translated both ways).
 */
describe('the gateway through the Anthropic SDK, and Anthropic-format upstreams', () => {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  /** The public alias of the model routed to the Anthropic-format provider. */
  const claudeModel = `e2e-claude-${suffix}`;
  const request = { max_tokens: 32, messages: [{ role: 'user' as const, content: 'Say something deterministic.' }] };
  let apiKey: string;

  const anthropic = (key: string = apiKey) =>
    new Anthropic({ baseURL: stackUrls.gateway, apiKey: key, maxRetries: 0, timeout: 15_000 });
  const openai = (key: string = apiKey) =>
    new OpenAI({ baseURL: `${stackUrls.gateway}/v1`, apiKey: key, maxRetries: 0, timeout: 15_000 });

  beforeAll(async () => {
    const admin = await signInAdmin();
    // The provider first: the gateway reloads its upstream pools on its invalidation, before the product exists.
    const provider = expectStatus(
      await adminApi<ProviderResponse>('POST', '/admin/providers', {
        token: admin,
        body: { name: `e2e-anthropic-${suffix}`, type: 'anthropic', baseUrl: stackUrls.mockProvider, internal: true },
      }),
      201,
    );
    const product = expectStatus(
      await adminApi<AdminProductResponse>('POST', '/admin/products', {
        token: admin,
        body: { slug: `e2e-anthropic-${suffix}`, name: `E2E Anthropic ${suffix}`, kind: 'LLM' },
      }),
      201,
    );
    expectStatus(
      await adminApi('POST', `/admin/products/${product.id}/models`, {
        token: admin,
        body: {
          name: claudeModel,
          targets: [{ providerId: provider.id, upstreamModel: 'claude-mock' }],
          price: { inputPer1M: '3', outputPer1M: '15' },
        },
      }),
      201,
    );
    const plan = expectStatus(
      await adminApi<PlanResponse>('POST', '/admin/plans', {
        token: admin,
        body: { productId: product.id, name: 'e2e-open', autoApprove: true },
      }),
      201,
    );
    expectStatus(await adminApi('POST', `/admin/products/${product.id}/publish`, { token: admin }), 200);

    const tenant = await signUpTenantOwner('anthropic-sdk');
    const catalog = expectStatus(
      await adminApi<CatalogProductListResponse>('GET', '/catalog/products?limit=200', { token: tenant.token }),
      200,
    );
    const demo = catalog.items.find((item) => item.slug === 'demo');
    const demoFree = demo?.plans.find((item) => item.name === 'demo-free');
    if (demo === undefined || demoFree === undefined) throw new Error('the seeded demo catalog is missing');
    for (const subscription of [
      { productId: product.id, planId: plan.id },
      { productId: demo.id, planId: demoFree.id },
    ]) {
      const subscribed = expectStatus(
        await adminApi<SubscriptionResponse>('POST', `/tenants/${tenant.tenantId}/subscriptions`, {
          token: tenant.token,
          body: subscription,
        }),
        201,
      );
      expect(subscribed.status).toBe('APPROVED');
    }
    apiKey = expectStatus(
      await adminApi<CreatedApiKeyResponse>('POST', `/tenants/${tenant.tenantId}/keys`, {
        token: tenant.token,
        body: { name: 'anthropic sdk key' },
      }),
      201,
    ).secret;

    // The product's invalidation reaches the gateway asynchronously: wait until it routes the new model.
    await eventually(() => anthropic().messages.create({ model: claudeModel, ...request }));
  });

  describe('the Anthropic SDK', () => {
    it('gets a message and a streamed message from the Anthropic-format model, under its public name', async () => {
      const { data: message, response } = await anthropic()
        .messages.create({ model: claudeModel, ...request })
        .withResponse();
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      expect(message).toMatchObject({ type: 'message', role: 'assistant', model: claudeModel });
      expect(textOf(message)).not.toBe('');
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);

      const streamed = await anthropic()
        .messages.stream({ model: claudeModel, ...request })
        .finalMessage();
      expect(streamed.model).toBe(claudeModel);
      expect(textOf(streamed)).toBe(textOf(message));
      expect(streamed.usage).toMatchObject({
        input_tokens: message.usage.input_tokens,
        output_tokens: message.usage.output_tokens,
      });
    });

    it('gets a message and a streamed message from demo-chat, translated to and from its OpenAI-format upstream', async () => {
      const message = await anthropic().messages.create({ model: 'demo-chat', ...request });
      expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'demo-chat' });
      expect(textOf(message)).not.toBe('');
      expect(message.usage.input_tokens).toBeGreaterThan(0);

      const stream = anthropic().messages.stream({ model: 'demo-chat', ...request });
      const streamed = await stream.finalMessage();
      expect(streamed.model).toBe('demo-chat');
      expect(textOf(streamed)).toBe(textOf(message));
      expect(streamed.usage.output_tokens).toBe(message.usage.output_tokens);
    });

    it("gets errors in Anthropic's shape, as the SDK's typed exceptions", async () => {
      const badKey = await failureOf(
        anthropic('gh_live_not-a-key').messages.create({ model: claudeModel, ...request }),
      );
      expect(badKey).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((badKey as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error' },
      });

      const unknown = await failureOf(anthropic().messages.create({ model: `e2e-no-such-${suffix}`, ...request }));
      expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
      expect((unknown as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
        error: { type: 'not_found_error' },
      });

      // A tenant without a subscription to the model's product.
      const stranger = await signUpTenantOwner('anthropic-stranger');
      const strangerKey = expectStatus(
        await adminApi<CreatedApiKeyResponse>('POST', `/tenants/${stranger.tenantId}/keys`, {
          token: stranger.token,
          body: { name: 'unsubscribed key' },
        }),
        201,
      ).secret;
      const forbidden = await failureOf(anthropic(strangerKey).messages.create({ model: claudeModel, ...request }));
      expect(forbidden).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect((forbidden as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toMatchObject({
        error: { type: 'permission_error' },
      });
    });
  });

  describe('the Anthropic SDK: token counts, models and tools', () => {
    const weather: Anthropic.Tool = {
      name: 'get_weather',
      input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    };

    it("counts a prompt's tokens (the gateway's estimate) and lists the key's models in Anthropic's shape", async () => {
      const counted = await anthropic().messages.countTokens({ model: claudeModel, messages: request.messages });
      expect(counted.input_tokens).toBeGreaterThan(0);
      const withTools = await anthropic().messages.countTokens({
        model: claudeModel,
        messages: request.messages,
        tools: [weather],
      });
      expect(withTools.input_tokens).toBeGreaterThan(counted.input_tokens);

      const ids: string[] = [];
      for await (const model of anthropic().models.list()) {
        expect(model).toEqual({ type: 'model', id: model.id, display_name: model.id, created_at: expect.any(String) });
        ids.push(model.id);
      }
      expect(ids).toEqual(expect.arrayContaining([claudeModel, 'demo-chat']));
      expect(await anthropic().models.retrieve(claudeModel)).toMatchObject({ type: 'model', id: claudeModel });
      expect(await failureOf(anthropic().models.retrieve(`e2e-no-such-${suffix}`))).toBeInstanceOf(
        Anthropic.NotFoundError,
      );
    });

    it.each([
      ['the Anthropic-format model', true, () => claudeModel],
      ['the Anthropic-format model', false, () => claudeModel],
      ['demo-chat, translated', true, () => 'demo-chat'],
      ['demo-chat, translated', false, () => 'demo-chat'],
    ])('calls a tool and answers its result, with %s (streamed: %s)', async (_name, streamed, model) => {
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'call:get_weather' }];
      const body = { model: model(), max_tokens: 64, messages, tools: [weather] };
      const call = streamed
        ? await anthropic().messages.stream(body).finalMessage()
        : await anthropic().messages.create(body);
      expect(call.stop_reason).toBe('tool_use');
      expect(call.usage.output_tokens).toBeGreaterThan(0);
      const [use] = call.content;
      expect(use).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'mock city' } });
      if (use?.type !== 'tool_use') throw new Error('expected a tool_use block');

      messages.push(
        { role: 'assistant', content: call.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny, 21 C' }] },
      );
      const answer = await anthropic().messages.create({ model: model(), max_tokens: 64, messages, tools: [weather] });
      expect(answer.stop_reason).toBe('end_turn');
      expect(textOf(answer)).toBe('Sunny, 21 C');
    });
  });

  describe('the OpenAI SDK', () => {
    it('gets a chat completion, streamed and not, from the Anthropic-format model', async () => {
      const direct = await anthropic().messages.create({ model: claudeModel, ...request });

      const completion = await openai().chat.completions.create({ model: claudeModel, ...request });
      expect(completion.model).toBe(claudeModel);
      expect(completion.choices[0]?.message.content).toBe(textOf(direct));
      expect(completion.choices[0]?.finish_reason).toBe(direct.stop_reason === 'max_tokens' ? 'length' : 'stop');
      expect(completion.usage).toMatchObject({
        prompt_tokens: direct.usage.input_tokens,
        completion_tokens: direct.usage.output_tokens,
      });

      const stream = await openai().chat.completions.create({
        model: claudeModel,
        ...request,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe(textOf(direct));
      expect(usage).toMatchObject({ completion_tokens: direct.usage.output_tokens });
    });

    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
      {
        type: 'function',
        function: {
          name: 'get_time',
          parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
        },
      },
    ];

    it.each([
      ['the Anthropic-format model, translated', true, () => claudeModel],
      ['the Anthropic-format model, translated', false, () => claudeModel],
      ['demo-chat', true, () => 'demo-chat'],
      ['demo-chat', false, () => 'demo-chat'],
    ])(
      'calls two tools in parallel and answers their results, with %s (streamed: %s)',
      async (_name, streamed, model) => {
        const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'call:get_weather,get_time' }];
        const body = { model: model(), max_tokens: 64, messages, tools };
        const call = streamed
          ? await openai()
              .chat.completions.stream({ ...body, stream_options: { include_usage: true } })
              .finalChatCompletion()
          : await openai().chat.completions.create(body);
        const choice = call.choices[0];
        if (choice === undefined) throw new Error('no choice');
        expect(choice.finish_reason).toBe('tool_calls');
        const calls = (choice.message.tool_calls ?? []).map((toolCall) => {
          if (toolCall.type !== 'function') throw new Error(`a ${toolCall.type} tool call`);
          return { id: toolCall.id, name: toolCall.function.name, input: JSON.parse(toolCall.function.arguments) };
        });
        expect(calls).toEqual([
          { id: expect.any(String), name: 'get_weather', input: { city: 'mock city' } },
          { id: expect.any(String), name: 'get_time', input: { timezone: expect.any(String) } },
        ]);
        expect(new Set(calls.map((toolCall) => toolCall.id)).size).toBe(2);
        expect(call.usage?.completion_tokens).toBeGreaterThan(0);

        messages.push(
          choice.message,
          ...calls.map((toolCall, index) => ({
            role: 'tool' as const,
            tool_call_id: toolCall.id,
            content: index === 0 ? 'Sunny, 21 C' : '10:00',
          })),
        );
        const answer = await openai().chat.completions.create({ ...body, messages });
        expect(answer.choices[0]?.finish_reason).toBe('stop');
        expect(answer.choices[0]?.message.content).toBe('Sunny, 21 C\n10:00');
      },
    );

    it('gets a clear 400 for an endpoint Anthropic does not serve', async () => {
      const refused = await failureOf(openai().embeddings.create({ model: claudeModel, input: 'hello' }));
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect((refused as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(
        'does not support this endpoint',
      );
    });
  });
});

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

function expectStatus<Body>(result: ApiResult<Body>, status: number): Body {
  if (result.status !== status) {
    throw new Error(`expected ${status}, got ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return result.body;
}

function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Retries `call` while it fails, for up to `timeoutMs`: what reaches the gateway through pub/sub takes a moment. */
async function eventually<T>(call: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
