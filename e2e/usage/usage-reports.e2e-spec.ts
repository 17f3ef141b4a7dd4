import { type PlatformUsageSeriesResponse, type TenantUsageSeriesResponse } from '@gatehouse/contracts';
import { adminApi } from '../support/admin-api-client';
import {
  adminSession,
  catalogProduct,
  chatRequest,
  eventually,
  gatewayClient,
  subscribedKey,
  type SubscribedKey,
} from '../support/gateway';

/** How long the gateway → queue → worker → rollups path may take before the report shows a call. */
const INGESTION_TIMEOUT_MS = 20_000;

interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
}

/** A decimal USD string as an exact integer of nano-dollars ("0.5" → 500000000n). */
function nanos(usd: string): bigint {
  const [whole = '0', fraction = ''] = usd.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9));
}

/**
 * The price of one call in whole micro-dollars, rounded up, as the platform charges it: tokens × USD per 1M is
 * the cost in micro-dollars. Worked out in integers so the expectation carries no float error of its own.
 */
function costMicros(call: TokenCounts, price: { input: string; output: string }): bigint {
  const exact = BigInt(call.inputTokens) * nanos(price.input) + BigInt(call.outputTokens) * nanos(price.output);
  return (exact + 999_999_999n) / 1_000_000_000n;
}

const sumOf = <Item>(items: readonly Item[], pick: (item: Item) => number) =>
  items.reduce((total, item) => total + pick(item), 0);

/**
 * Usage reports end to end: calls through the gateway, metered into usage events, ingested by the worker into the
 * rollups, and read back through the admin API by the tenant and by the platform admin.
 */
describe('usage reports of gateway calls', () => {
  let subscribed: SubscribedKey;
  let calls: TokenCounts[];
  let price: { input: string; output: string };

  beforeAll(async () => {
    subscribed = await subscribedKey('usage-reports');
    const demo = await catalogProduct(subscribed.tenant.token, 'demo');
    const chat = demo.models.find((model) => model.name === 'demo-chat');
    if (!chat?.inputPricePer1M || !chat.outputPricePer1M) throw new Error('demo-chat has no price in the catalog');
    price = { input: chat.inputPricePer1M, output: chat.outputPricePer1M };

    const openai = gatewayClient(subscribed.apiKey);
    const completion = await openai.chat.completions.create(chatRequest('demo-chat'));
    const stream = await openai.chat.completions.create({
      ...chatRequest('demo-chat'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamedUsage: { prompt_tokens: number; completion_tokens: number } | null | undefined;
    for await (const chunk of stream) streamedUsage = chunk.usage ?? streamedUsage;
    if (!completion.usage || !streamedUsage) throw new Error('the gateway answered without usage');
    calls = [completion.usage, streamedUsage].map((usage) => ({
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
    }));
  });

  /** What both calls must add up to in any report, cost rounded up per call. */
  const expected = () => ({
    requests: 2,
    errors: 0,
    inputTokens: sumOf(calls, (call) => call.inputTokens),
    outputTokens: sumOf(calls, (call) => call.outputTokens),
    costUsd: Number(calls.reduce((total, call) => total + costMicros(call, price), 0n)) / 1e6,
  });

  const totalsOf = (
    items: readonly { requests: number; errors: number; inputTokens: number; outputTokens: number; costUsd: number }[],
  ) => ({
    requests: sumOf(items, (item) => item.requests),
    errors: sumOf(items, (item) => item.errors),
    inputTokens: sumOf(items, (item) => item.inputTokens),
    outputTokens: sumOf(items, (item) => item.outputTokens),
    // Micro-dollar sums, compared as such: adding the buckets' floats could differ in the last bit.
    costUsd: Math.round(sumOf(items, (item) => item.costUsd) * 1e6) / 1e6,
  });

  it("shows both calls in the tenant's hourly usage by model, tokens as the responses reported and cost as priced", async () => {
    const { tenant } = subscribed;
    // The two calls may straddle an hour: every demo-chat bucket of the last 24 hours counts.
    const report = await eventually(
      async () => {
        const response = await adminApi<TenantUsageSeriesResponse>(
          'GET',
          `/tenants/${tenant.tenantId}/usage?granularity=hour&groupBy=model`,
          { token: tenant.token },
        );
        expect(response.status).toBe(200);
        const items = response.body.items.filter((item) => item.model === 'demo-chat');
        expect(totalsOf(items)).toEqual(expected());
        return response.body;
      },
      { timeoutMs: INGESTION_TIMEOUT_MS, intervalMs: 250 },
    );
    expect(report.granularity).toBe('hour');
    expect(report.groupBy).toBe('model');
    // A fresh tenant: nothing else was called.
    expect(report.items.every((item) => item.model === 'demo-chat')).toBe(true);
  });

  it("shows the same calls under the tenant in the platform admin's usage", async () => {
    const adminToken = await adminSession();
    // Already ingested when the test above ran; polled too, so that this test also stands alone.
    await eventually(
      async () => {
        const response = await adminApi<PlatformUsageSeriesResponse>(
          'GET',
          '/admin/usage?granularity=hour&groupBy=tenant',
          { token: adminToken },
        );
        expect(response.status).toBe(200);
        const items = response.body.items.filter((item) => item.tenantId === subscribed.tenant.tenantId);
        expect(totalsOf(items)).toEqual(expected());
      },
      { timeoutMs: INGESTION_TIMEOUT_MS, intervalMs: 250 },
    );

    // And not to the tenant's owner, who is no platform admin.
    const refused = await adminApi('GET', '/admin/usage', { token: subscribed.tenant.token });
    expect(refused.status).toBe(403);
  });
});
