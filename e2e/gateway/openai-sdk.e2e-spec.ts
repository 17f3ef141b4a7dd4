import { generateApiKey } from '@gatehouse/domain';
import { AuthenticationError, NotFoundError, PermissionDeniedError } from 'openai';
import { signUpTenantOwner, uniqueSuffix } from '../support/admin-api-client';
import { createPublishedLlmProduct, mockProviderId } from '../support/catalog-admin';
import {
  adminSession,
  chatRequest,
  createApiKey,
  eventually,
  gatewayClient,
  subscribe,
  subscribedKey,
  type SubscribedKey,
} from '../support/gateway';

/**
 * The gateway through the official `openai` client, unchanged: what a tenant who signed up, made a key and took
 * the demo-free plan gets, and the typed errors for what they may not do.
 */
describe('the gateway through the openai SDK', () => {
  let subscribed: SubscribedKey;
  /** A published model of another product, which no tenant here subscribes to. */
  let otherModel: string;

  beforeAll(async () => {
    otherModel = `e2e-unsubscribed-${uniqueSuffix()}`;
    const adminToken = await adminSession();
    [subscribed] = await Promise.all([
      subscribedKey('openai-sdk'),
      createPublishedLlmProduct(adminToken, {
        label: 'unsubscribed',
        models: [
          { name: otherModel, targets: [{ providerId: await mockProviderId(adminToken), upstreamModel: 'mock-chat' }] },
        ],
      }),
    ]);
  });

  it('answers a chat completion under the public alias, with usage', async () => {
    const completion = await gatewayClient(subscribed.apiKey).chat.completions.create(chatRequest('demo-chat'));

    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('demo-chat');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('streams a chat completion with a final usage chunk when stream_options.include_usage is set', async () => {
    const openai = gatewayClient(subscribed.apiKey);
    const whole = await openai.chat.completions.create(chatRequest('demo-chat'));
    const stream = await openai.chat.completions.create({
      ...chatRequest('demo-chat'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(whole.usage);
    const content = chunks.slice(0, -1);
    expect(content.every((chunk) => chunk.usage === undefined || chunk.usage === null)).toBe(true);
    expect(content.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      whole.choices[0]?.message.content,
    );
    expect(content.at(-1)?.choices[0]?.finish_reason).toBe(whole.choices[0]?.finish_reason);
  });

  it('names the public alias in every streamed chunk, as in a non-streamed answer (never the upstream model)', async () => {
    const stream = await gatewayClient(subscribed.apiKey).chat.completions.create({
      ...chatRequest('demo-chat'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);

    expect([...models]).toEqual(['demo-chat']);
  });

  it('streams a chat completion without any usage chunk when the client did not ask for one', async () => {
    const openai = gatewayClient(subscribed.apiKey);
    const whole = await openai.chat.completions.create(chatRequest('demo-chat'));
    const stream = await openai.chat.completions.create({ ...chatRequest('demo-chat'), stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.length).toBeGreaterThan(1);
    // The gateway asked the upstream for usage anyway (to meter the stream) and must strip that chunk.
    expect(chunks.filter((chunk) => chunk.choices.length === 0)).toEqual([]);
    expect(chunks.filter((chunk) => chunk.usage !== undefined && chunk.usage !== null)).toEqual([]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      whole.choices[0]?.message.content,
    );
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe(whole.choices[0]?.finish_reason);
  });

  it('answers embeddings (the SDK asks for base64 and decodes it)', async () => {
    const response = await gatewayClient(subscribed.apiKey).embeddings.create({
      model: 'demo-embed',
      input: 'hello gateway',
    });

    expect(response.model).toBe('demo-embed');
    expect(response.data).toHaveLength(1);
    const vector = response.data[0]?.embedding ?? [];
    expect(vector.length).toBeGreaterThan(0);
    expect(vector.every((value) => Number.isFinite(value))).toBe(true);
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("lists exactly the models of the key's subscriptions: none before subscribing, demo's after", async () => {
    const tenant = await signUpTenantOwner('models-list');
    const key = await createApiKey(tenant);
    const openai = gatewayClient(key.secret);

    const before = await openai.models.list();
    expect(before.data).toEqual([]);

    await subscribe(tenant);
    // The subscription's invalidation reaches the gateway asynchronously (pub/sub), in well under a second.
    const after = await eventually(
      async () => {
        const listed = await openai.models.list();
        expect(listed.data.length).toBeGreaterThan(0);
        return listed;
      },
      { timeoutMs: 2_000 },
    );
    // Other published products exist (this file made one): only the subscribed product's models are listed.
    expect(after.data.map((model) => model.id).sort()).toEqual(['demo-chat', 'demo-embed']);
    for (const model of after.data) expect(model).toMatchObject({ object: 'model', owned_by: 'demo' });
    expect(after.data.map((model) => model.id)).not.toContain(otherModel);
  });

  describe('typed errors', () => {
    it('AuthenticationError (401 invalid_api_key) for a well-formed but unknown key', async () => {
      const unknown = generateApiKey('live').key;
      const call = gatewayClient(unknown).chat.completions.create(chatRequest('demo-chat'));
      await expect(call).rejects.toBeInstanceOf(AuthenticationError);
      await expect(call).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
      await expect(gatewayClient(unknown).models.list()).rejects.toBeInstanceOf(AuthenticationError);
    });

    it.each([
      ['not a key at all', 'sk-not-a-gatehouse-key'],
      ['too short', 'gh_live_abc'],
      ['a wrong checksum', 'gh_live_' + 'A'.repeat(43) + '000000'],
    ])('AuthenticationError (401 invalid_api_key) for a malformed key: %s', async (_case, malformed) => {
      const call = gatewayClient(malformed).chat.completions.create(chatRequest('demo-chat'));
      await expect(call).rejects.toBeInstanceOf(AuthenticationError);
      await expect(call).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    });

    it('PermissionDeniedError (403 model_not_allowed) for a published model outside the key’s subscriptions', async () => {
      const openai = gatewayClient(subscribed.apiKey);
      const call = openai.chat.completions.create(chatRequest(otherModel));
      await expect(call).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(call).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
      await expect(openai.models.retrieve(otherModel)).rejects.toMatchObject({
        status: 403,
        code: 'model_not_allowed',
      });
    });

    it('NotFoundError (404 model_not_found) for a model no product offers', async () => {
      const openai = gatewayClient(subscribed.apiKey);
      const call = openai.chat.completions.create(chatRequest(`no-such-model-${uniqueSuffix()}`));
      await expect(call).rejects.toBeInstanceOf(NotFoundError);
      await expect(call).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    });
  });

  describe('x-request-id', () => {
    it('echoes the id the client sent, on answers, streams and errors', async () => {
      const openai = gatewayClient(subscribed.apiKey);
      const sent = `e2e-${uniqueSuffix()}`;

      const { response } = await openai.chat.completions
        .create(chatRequest('demo-chat'), { headers: { 'x-request-id': sent } })
        .withResponse();
      expect(response.headers.get('x-request-id')).toBe(sent);

      const streamed = await openai.chat.completions
        .create({ ...chatRequest('demo-chat'), stream: true }, { headers: { 'x-request-id': `${sent}-stream` } })
        .withResponse();
      for await (const _chunk of streamed.data) {
        // drain
      }
      expect(streamed.response.headers.get('x-request-id')).toBe(`${sent}-stream`);

      const refused = await gatewayClient(generateApiKey('live').key)
        .models.list({ headers: { 'x-request-id': `${sent}-refused` } })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AuthenticationError);
      expect((refused as AuthenticationError).headers.get('x-request-id')).toBe(`${sent}-refused`);
    });

    it('generates a fresh id when the client sent none', async () => {
      const openai = gatewayClient(subscribed.apiKey);
      const first = await openai.chat.completions.create(chatRequest('demo-chat')).withResponse();
      const second = await openai.models.list().withResponse();

      const ids = [first.response.headers.get('x-request-id'), second.response.headers.get('x-request-id')];
      for (const id of ids) expect(id).toMatch(/^\S{8,128}$/);
      expect(ids[0]).not.toBe(ids[1]);
      // The SDK surfaces it too, for support tickets.
      expect(first.request_id).toBe(ids[0]);
    });
  });
});
