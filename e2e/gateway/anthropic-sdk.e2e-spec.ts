import Anthropic from '@anthropic-ai/sdk';
import { loadConfig, stackConfigSchema } from '@gatehouse/config';
import {
  type AdminProductResponse,
  type CatalogProductListResponse,
  type CatalogProductResponse,
  type CreatedApiKeyResponse,
  type PlanResponse,
  type ProviderResponse,
  type SubscriptionLimitUsageResponse,
  type SubscriptionResponse,
  type TenantLimitUsageResponse,
} from '@gatehouse/contracts';
import { costMicros, microsToUsd, type TokenPrice } from '@gatehouse/domain';
import { QueueName, queuedUsageEvents, type UsageRecordedV1 } from '@gatehouse/jobs';
import { queuePrefix } from '@gatehouse/redis';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import {
  adminApi,
  type ApiResult,
  signInAdmin,
  signUpTenantOwner,
  type TenantOwner,
} from '../support/admin-api-client';
import { E2E_REDIS_PREFIX, stackUrls } from '../support/stack';

/** What mock-provider counts for one image part, whatever its size (its README, "Prompt tokens"). */
const MOCK_MEDIA_PART_TOKENS = 85;
/** A 1×1 transparent PNG, base64. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** One call of a tool-call exchange, as its client saw it: the usage event the gateway recorded must agree. */
interface ClientCall {
  name: string;
  requestId: string;
  endpoint: 'messages' | 'chat.completions';
  model: string;
  streamed: boolean;
  inputTokens: number;
  outputTokens: number;
}

/** A tenant of its own for the tool calls, so that its counters hold those calls and nothing else. */
interface ToolTenant {
  owner: TenantOwner;
  apiKey: string;
  keyId: string;
  /** Its subscription for each model alias. */
  subscriptionOf: Map<string, string>;
}

/**
 * `POST /v1/messages` and Anthropic-format upstreams end to end, set up as a user would through the admin API: an
 * admin registers an `anthropic` provider at the stack's mock-provider and publishes a product whose model routes
 * to it; a tenant signs up, subscribes to it and to the demo product, and makes a key. Then the official Anthropic
 * SDK calls both that model (relayed as is) and demo-chat (an OpenAI-format upstream: translated both ways), and
 * the official OpenAI SDK calls the Anthropic-format model (translated both ways). Images cross each translation,
 * and every tool-call exchange (both SDKs, streamed and not, to both upstream formats) is made by a tenant of its
 * own, whose usage events and limit counters the last test reads: what the gateway recorded and settled for them.
 */
describe('the gateway through the Anthropic SDK, and Anthropic-format upstreams', () => {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  /** The public alias of the model routed to the Anthropic-format provider. */
  const claudeModel = `e2e-claude-${suffix}`;
  const request = { max_tokens: 32, messages: [{ role: 'user' as const, content: 'Say something deterministic.' }] };
  let apiKey: string;
  let toolTenant: ToolTenant;
  /** The price in force of each model alias, as the catalog shows it. */
  const prices = new Map<string, TokenPrice>();
  /** Every call of the tool-call exchanges below, in order. */
  const toolCalls: ClientCall[] = [];
  let redis: Redis;
  let usageQueue: Queue;

  /** `requestIds` collects the `x-request-id` of every response the client gets: the id its usage is recorded by. */
  const anthropic = (key: string = apiKey, requestIds?: string[]) =>
    new Anthropic({
      baseURL: stackUrls.gateway,
      apiKey: key,
      maxRetries: 0,
      timeout: 15_000,
      ...(requestIds === undefined ? {} : { fetch: recordingRequestIds(requestIds) }),
    });
  const openai = (key: string = apiKey, requestIds?: string[]) =>
    new OpenAI({
      baseURL: `${stackUrls.gateway}/v1`,
      apiKey: key,
      maxRetries: 0,
      timeout: 15_000,
      ...(requestIds === undefined ? {} : { fetch: recordingRequestIds(requestIds) }),
    });

  /** Records the `nth` call its client made (1-based), under its response's request id, with the usage it was told. */
  const recordToolCall = (call: Omit<ClientCall, 'requestId'>, requestIds: string[], nth: 1 | 2) => {
    expect(requestIds).toHaveLength(nth);
    toolCalls.push({ ...call, requestId: requestIds[nth - 1] ?? '' });
  };

  beforeAll(async () => {
    redis = new Redis(loadConfig('e2e', stackConfigSchema).redis.url, { maxRetriesPerRequest: null });
    usageQueue = new Queue(QueueName.Usage, { connection: redis, prefix: queuePrefix(E2E_REDIS_PREFIX) });
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
        // Counted limits, far above what the tests use: the tool calls' settlement is read from these counters.
        body: {
          productId: product.id,
          name: 'e2e-open',
          autoApprove: true,
          limits: { concurrency: 8, monthlyCalls: 100_000, monthlyBudgetUsd: '10' },
        },
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
    const published = catalog.items.find((item) => item.id === product.id);
    if (demo === undefined || demoFree === undefined) throw new Error('the seeded demo catalog is missing');
    if (published === undefined) throw new Error('the published product is not in the catalog');
    for (const [alias, offered] of [
      [claudeModel, published],
      ['demo-chat', demo],
    ] as const) {
      prices.set(alias, priceOf(offered, alias));
    }

    /** Subscribes the tenant to both products (each approved on request) and makes it a key. */
    const subscribeAndKey = async (owner: TenantOwner) => {
      const subscriptionOf = new Map<string, string>();
      for (const [alias, subscription] of [
        [claudeModel, { productId: product.id, planId: plan.id }],
        ['demo-chat', { productId: demo.id, planId: demoFree.id }],
      ] as const) {
        const subscribed = expectStatus(
          await adminApi<SubscriptionResponse>('POST', `/tenants/${owner.tenantId}/subscriptions`, {
            token: owner.token,
            body: subscription,
          }),
          201,
        );
        expect(subscribed.status).toBe('APPROVED');
        subscriptionOf.set(alias, subscribed.id);
      }
      const key = expectStatus(
        await adminApi<CreatedApiKeyResponse>('POST', `/tenants/${owner.tenantId}/keys`, {
          token: owner.token,
          body: { name: 'anthropic sdk key' },
        }),
        201,
      );
      return { subscriptionOf, apiKey: key.secret, keyId: key.id };
    };
    apiKey = (await subscribeAndKey(tenant)).apiKey;

    // The tool calls' tenant has a tenant-wide budget too, set before its key's first call reaches a gateway.
    const toolOwner = await signUpTenantOwner('anthropic-sdk-tools');
    expectStatus(
      await adminApi('PATCH', `/admin/tenants/${toolOwner.tenantId}`, {
        token: admin,
        body: { monthlyBudgetUsd: '20' },
      }),
      200,
    );
    toolTenant = { owner: toolOwner, ...(await subscribeAndKey(toolOwner)) };

    // The product's invalidation reaches the gateway asynchronously: wait until it routes the new model.
    await eventually(() => anthropic().messages.create({ model: claudeModel, ...request }));
  });

  afterAll(async () => {
    await usageQueue?.close();
    redis?.disconnect();
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

    it('sends an image to demo-chat, translated to an OpenAI image_url part, and gets the answer', async () => {
      // The mock echoes the text it was sent: the answer is this text, whole.
      const text = 'echo:Describe the picture.';
      const plain = await anthropic().messages.create({
        model: 'demo-chat',
        max_tokens: 32,
        messages: [{ role: 'user', content: text }],
      });
      const withImage = await anthropic().messages.create({
        model: 'demo-chat',
        max_tokens: 32,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL_PNG } },
            ],
          },
        ],
      });
      expect(withImage).toMatchObject({ stop_reason: 'end_turn', content: [{ type: 'text', text }] });
      // The upstream counted the same prompt and one image part: the image reached it as an image, not as text.
      expect(withImage.usage.input_tokens).toBe(plain.usage.input_tokens + MOCK_MEDIA_PART_TOKENS);
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
    ])('calls a tool and answers its result, with %s (streamed: %s)', async (name, streamed, model) => {
      const requestIds: string[] = [];
      const client = anthropic(toolTenant.apiKey, requestIds);
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'call:get_weather' }];
      const body = { model: model(), max_tokens: 64, messages, tools: [weather] };
      const call = streamed ? await client.messages.stream(body).finalMessage() : await client.messages.create(body);
      const recorded = { endpoint: 'messages', model: model() } as const;
      recordToolCall(
        {
          name: `Anthropic SDK, ${name}, streamed: ${streamed}: the call`,
          ...recorded,
          streamed,
          inputTokens: call.usage.input_tokens,
          outputTokens: call.usage.output_tokens,
        },
        requestIds,
        1,
      );
      expect(call.stop_reason).toBe('tool_use');
      expect(call.usage.output_tokens).toBeGreaterThan(0);
      const [use] = call.content;
      expect(use).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'mock city' } });
      if (use?.type !== 'tool_use') throw new Error('expected a tool_use block');

      messages.push(
        { role: 'assistant', content: call.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny, 21 C' }] },
      );
      const answer = await client.messages.create({ model: model(), max_tokens: 64, messages, tools: [weather] });
      recordToolCall(
        {
          name: `Anthropic SDK, ${name}, streamed: ${streamed}: the answer`,
          ...recorded,
          streamed: false,
          inputTokens: answer.usage.input_tokens,
          outputTokens: answer.usage.output_tokens,
        },
        requestIds,
        2,
      );
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

    it('sends an image to the Anthropic-format model, translated to an Anthropic image block, and gets the answer', async () => {
      const text = 'echo:Describe the picture.';
      const plain = await openai().chat.completions.create({
        model: claudeModel,
        max_tokens: 32,
        messages: [{ role: 'user', content: text }],
      });
      const withImage = await openai().chat.completions.create({
        model: claudeModel,
        max_tokens: 32,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL_PNG}` } },
            ],
          },
        ],
      });
      expect(withImage.choices[0]).toMatchObject({ message: { content: text }, finish_reason: 'stop' });
      expect(withImage.usage?.prompt_tokens).toBe((plain.usage?.prompt_tokens ?? 0) + MOCK_MEDIA_PART_TOKENS);
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
      async (name, streamed, model) => {
        const requestIds: string[] = [];
        const client = openai(toolTenant.apiKey, requestIds);
        const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'call:get_weather,get_time' }];
        const body = { model: model(), max_tokens: 64, messages, tools };
        const call = streamed
          ? await client.chat.completions
              .stream({ ...body, stream_options: { include_usage: true } })
              .finalChatCompletion()
          : await client.chat.completions.create(body);
        const recorded = { endpoint: 'chat.completions', model: model() } as const;
        recordToolCall(
          {
            name: `OpenAI SDK, ${name}, streamed: ${streamed}: the call`,
            ...recorded,
            streamed,
            inputTokens: call.usage?.prompt_tokens ?? -1,
            outputTokens: call.usage?.completion_tokens ?? -1,
          },
          requestIds,
          1,
        );
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
        const answer = await client.chat.completions.create({ ...body, messages });
        recordToolCall(
          {
            name: `OpenAI SDK, ${name}, streamed: ${streamed}: the answer`,
            ...recorded,
            streamed: false,
            inputTokens: answer.usage?.prompt_tokens ?? -1,
            outputTokens: answer.usage?.completion_tokens ?? -1,
          },
          requestIds,
          2,
        );
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

  describe('what the gateway recorded for the tool calls', () => {
    it('a usage event per call with the usage its client got, and limits settled at each call’s cost, once', async () => {
      // Both SDKs, streamed and not, to both upstream formats: eight exchanges of a call and its answer.
      expect(toolCalls).toHaveLength(16);
      const { tenantId } = toolTenant.owner;
      // One poll of the usage queue for every call.
      const events = await eventually(async () => {
        const queued = new Map<string, UsageRecordedV1>();
        for (const { event } of await queuedUsageEvents(usageQueue)) queued.set(event.requestId, event);
        const missing = toolCalls.filter((call) => !queued.has(call.requestId)).map((call) => call.name);
        if (missing.length > 0) throw new Error(`no usage event yet for ${missing.join('; ')}`);
        return queued;
      }, 10_000);

      const spent = new Map<string, bigint>();
      for (const call of toolCalls) {
        const event = events.get(call.requestId);
        expect({ call: call.name, event }).toMatchObject({
          call: call.name,
          event: {
            tenantId,
            apiKeyId: toolTenant.keyId,
            subscriptionId: toolTenant.subscriptionOf.get(call.model),
            endpoint: call.endpoint,
            model: call.model,
            upstreamModel: call.model === claudeModel ? 'claude-mock' : 'mock-chat',
            statusCode: 200,
            errorCode: null,
            streamed: call.streamed,
            usageSource: 'upstream',
            inputTokens: call.inputTokens,
            outputTokens: call.outputTokens,
            cachedTokens: 0,
          },
        });
        const price = prices.get(call.model);
        if (event === undefined || price === undefined) throw new Error(`nothing to price for ${call.name}`);
        const cost = costMicros(price, { inputTokens: event.inputTokens, outputTokens: event.outputTokens });
        spent.set(call.model, (spent.get(call.model) ?? 0n) + cost);
      }

      // Settlement runs once a response has closed: wait for the counters, then each holds exactly the calls.
      const total = [...spent.values()].reduce((sum, cost) => sum + cost, 0n);
      await eventually(async () => {
        for (const [alias, subscriptionId] of toolTenant.subscriptionOf) {
          const limits = expectStatus(
            await adminApi<SubscriptionLimitUsageResponse>(
              'GET',
              `/tenants/${tenantId}/subscriptions/${subscriptionId}/limits`,
              { token: toolTenant.owner.token },
            ),
            200,
          );
          const calls = toolCalls.filter((call) => call.model === alias).length;
          expect({ alias, concurrency: limits.concurrency, quotas: limits.quotas }).toMatchObject({
            alias,
            concurrency: { inUse: 0 },
            quotas: {
              monthlyCalls: { used: calls, reserved: 0 },
              monthlyBudgetUsd: { used: microsToUsd(spent.get(alias) ?? 0n), reserved: '0' },
            },
          });
        }
        const tenantLimits = expectStatus(
          await adminApi<TenantLimitUsageResponse>('GET', `/tenants/${tenantId}/limits`, {
            token: toolTenant.owner.token,
          }),
          200,
        );
        expect(tenantLimits.quotas.monthlyBudgetUsd).toMatchObject({ used: microsToUsd(total), reserved: '0' });
      });
    });
  });
});

/** The price in force of `alias` in a product of the catalog. */
function priceOf(product: CatalogProductResponse, alias: string): TokenPrice {
  const model = product.models.find((candidate) => candidate.name === alias);
  if (model === undefined || model.inputPricePer1M === null || model.outputPricePer1M === null) {
    throw new Error(`${alias} has no price in the catalog`);
  }
  return {
    inputPer1M: model.inputPricePer1M,
    outputPer1M: model.outputPricePer1M,
    cachedInputPer1M: model.cachedInputPricePer1M,
  };
}

/** A `fetch` that pushes the `x-request-id` of every response onto `requestIds`. */
function recordingRequestIds(requestIds: string[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    requestIds.push(response.headers.get('x-request-id') ?? '(none)');
    return response;
  };
}

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
