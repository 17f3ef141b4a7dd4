import { uniqueSuffix } from '../support/admin-api-client';
import { createProvider, createPublishedLlmProduct, mockProviderId } from '../support/catalog-admin';
import {
  adminSession,
  chatRequest,
  eventually,
  gatewayClient,
  subscribedKey,
  type SubscribedKey,
} from '../support/gateway';
import { deadOriginUrl, failingWith, startTestUpstream, type TestUpstream } from '../support/test-upstream';

/**
 * Routing resilience end to end (docs/architecture.md, The gateway), set up through the admin API as an admin would: a
 * model whose first target (priority 0) is failing and whose fallback (priority 1) is the mock provider.
 * Requests must succeed through the fallback, and the failing target's circuit must open, so that the gateway
 * stops sending it traffic.
 */
describe('fallback and circuit breaking through the gateway', () => {
  let failing: TestUpstream;
  let subscribed: SubscribedKey;
  /** Priority 0: an upstream answering 500 to everything (and counting what reaches it). */
  let failingModel: string;
  /** Priority 0: an origin where nothing listens (connection refused). */
  let deadModel: string;

  beforeAll(async () => {
    const suffix = uniqueSuffix();
    failingModel = `e2e-fallback-500-${suffix}`;
    deadModel = `e2e-fallback-dead-${suffix}`;
    failing = await startTestUpstream(failingWith(500));
    const adminToken = await adminSession();
    // Providers first: the gateway reloads its upstream pools on their invalidation, before the product exists.
    const [failingProvider, deadProvider, mock] = await Promise.all([
      createProvider(adminToken, 'failing', failing.url),
      createProvider(adminToken, 'dead', await deadOriginUrl()),
      mockProviderId(adminToken),
    ]);
    const fallback = { providerId: mock, upstreamModel: 'mock-chat', priority: 1 };
    const { product } = await createPublishedLlmProduct(adminToken, {
      label: 'fallback',
      models: [
        {
          name: failingModel,
          targets: [{ providerId: failingProvider.id, upstreamModel: 'broken', priority: 0 }, fallback],
        },
        {
          name: deadModel,
          targets: [{ providerId: deadProvider.id, upstreamModel: 'unreachable', priority: 0 }, fallback],
        },
      ],
    });
    subscribed = await subscribedKey('fallback', { product: product.slug, plan: 'e2e-open' });

    // The product's invalidation reaches the gateway asynchronously: wait until it serves the new models.
    const openai = gatewayClient(subscribed.apiKey);
    await eventually(() => openai.models.retrieve(deadModel), { timeoutMs: 3_000 });
    await eventually(() => openai.models.retrieve(failingModel), { timeoutMs: 3_000 });
    // Providers reach the gateway by their own invalidation, which may land after the product's: until the failing
    // provider is loaded its target is skipped (and the fallback answers). Wait until a call has reached it.
    await eventually(
      async () => {
        await openai.chat.completions.create(chatRequest(failingModel));
        if (failing.hits === 0) throw new Error('the failing provider is not loaded by the gateway yet');
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    );
  });

  afterAll(async () => {
    await failing?.close();
  });

  it('falls back past a failing target, then its circuit opens and it gets no more traffic', async () => {
    const openai = gatewayClient(subscribed.apiKey);
    const hitsAfter: number[] = [];
    for (let request = 0; request < 12; request++) {
      const completion = await openai.chat.completions.create(chatRequest(failingModel));
      expect(completion.model).toBe(failingModel);
      expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
      hitsAfter.push(failing.hits);
    }

    // Priority 0 was tried (so every success above came from the fallback after it failed)…
    expect(failing.hits).toBeGreaterThan(0);
    // …and, once its circuit opened, left alone: the last requests did not reach it at all. (The breaker
    // opens after a handful of failures and cools down for seconds; twelve quick requests span both sides.)
    expect(hitsAfter.slice(-5)).toEqual(Array(5).fill(hitsAfter.at(-6)));
  });

  it('falls back past a target whose origin refuses connections, for answers and streams', async () => {
    const openai = gatewayClient(subscribed.apiKey);
    for (let request = 0; request < 3; request++) {
      const completion = await openai.chat.completions.create(chatRequest(deadModel));
      expect(completion.model).toBe(deadModel);
      expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    }

    const stream = await openai.chat.completions.create({ ...chatRequest(deadModel), stream: true });
    let content = '';
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    expect(content.length).toBeGreaterThan(0);
  });
});
