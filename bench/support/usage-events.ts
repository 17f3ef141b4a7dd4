import { type DbClient } from '@gatehouse/db';
import { type UsageRecordedV1 } from '@gatehouse/jobs';

/** What a synthetic usage event refers to: real rows of a seeded benchmark database, so that pricing finds its prices. */
export interface UsageFixture {
  productId: string;
  providerId: string;
  /** The product's model aliases (each with a route and a price) and what they route to. */
  models: { alias: string; upstreamModel: string; endpoint: string }[];
  /** Each tenant's subscription to the product and its API keys. */
  tenants: { tenantId: string; subscriptionId: string; apiKeyIds: string[] }[];
}

/**
 * Reads the fixture from a database seeded by `npm run db:seed` (the `demo` product, its models and the mock
 * provider) with tenants added by `createBenchKey`.
 */
export async function loadUsageFixture(db: DbClient): Promise<UsageFixture> {
  const product = await db.product.findUniqueOrThrow({ where: { slug: 'demo' }, select: { id: true } });
  const routes = await db.modelRoute.findMany({
    where: { productId: product.id },
    select: { alias: true, targets: { select: { providerId: true, upstreamModel: true } } },
    orderBy: { alias: 'asc' },
  });
  const providerId = routes[0]?.targets[0]?.providerId;
  if (providerId === undefined) throw new Error('the seeded demo product has no model route with a target');
  const subscriptions = await db.subscription.findMany({
    where: { productId: product.id },
    select: { id: true, tenantId: true },
    orderBy: { createdAt: 'asc' },
  });
  const keys = await db.apiKey.findMany({ select: { id: true, tenantId: true }, orderBy: { createdAt: 'asc' } });
  const tenants = subscriptions
    .map((subscription) => ({
      tenantId: subscription.tenantId,
      subscriptionId: subscription.id,
      apiKeyIds: keys.filter((key) => key.tenantId === subscription.tenantId).map((key) => key.id),
    }))
    .filter((tenant) => tenant.apiKeyIds.length > 0);
  if (tenants.length === 0) throw new Error('no tenant has both a subscription to the demo product and a key');
  return {
    productId: product.id,
    providerId,
    models: routes.map((route) => ({
      alias: route.alias,
      upstreamModel: route.targets[0]?.upstreamModel ?? route.alias,
      endpoint: route.alias.includes('embed') ? 'embeddings' : 'chat.completions',
    })),
    tenants,
  };
}

/** A small deterministic generator (mulberry32): the same seed gives the same mix of events on every run. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Makes `usage.recorded` payloads shaped like the gateway's: mostly successful chat completions (a fifth of them
 * streamed, some with cached input), embeddings, and a few refusals and upstream errors, spread over every tenant,
 * key and model of the fixture. Shares of each kind follow what a busy gateway sees, roughly; they matter because
 * errors and unpriced calls take other paths through the ingestion SQL (events without a product are not rolled up).
 *
 * `idPrefix` makes request ids unique across runs; `index` makes them unique within one.
 */
export function usageEventMaker(fixture: UsageFixture, idPrefix: string, seed = 1) {
  const random = randomSource(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  return (index: number, occurredAt: Date): UsageRecordedV1 => {
    const tenant = pick(fixture.tenants);
    const model = pick(fixture.models);
    const base: UsageRecordedV1 = {
      version: 1,
      requestId: `${idPrefix}-${index}`,
      occurredAt: occurredAt.toISOString(),
      tenantId: tenant.tenantId,
      apiKeyId: pick(tenant.apiKeyIds),
      subscriptionId: tenant.subscriptionId,
      productId: fixture.productId,
      model: model.alias,
      providerId: fixture.providerId,
      upstreamModel: model.upstreamModel,
      endpoint: model.endpoint,
      statusCode: 200,
      errorCode: null,
      latencyMs: between(80, 4_000),
      timeToFirstByteMs: between(40, 900),
      inputTokens: between(20, 3_000),
      outputTokens: model.endpoint === 'embeddings' ? 0 : between(5, 800),
      cachedTokens: 0,
      usageSource: 'upstream',
      streamed: false,
      cacheHit: false,
      policyActions: [],
    };
    const kind = random();
    if (kind < 0.03) {
      // Refused by a limit before any upstream call: nothing to count.
      return {
        ...base,
        statusCode: 429,
        errorCode: 'rate_limited',
        providerId: null,
        upstreamModel: null,
        latencyMs: between(1, 5),
        timeToFirstByteMs: null,
        inputTokens: 0,
        outputTokens: 0,
        usageSource: 'none',
      };
    }
    if (kind < 0.04) {
      // Refused before entitlement (no product known): kept in usage_events only, never rolled up.
      return {
        ...base,
        subscriptionId: null,
        productId: null,
        model: null,
        providerId: null,
        upstreamModel: null,
        endpoint: 'chat.completions',
        statusCode: 403,
        errorCode: 'model_not_entitled',
        latencyMs: between(1, 5),
        timeToFirstByteMs: null,
        inputTokens: 0,
        outputTokens: 0,
        usageSource: 'none',
      };
    }
    if (kind < 0.06) {
      return {
        ...base,
        statusCode: 502,
        errorCode: 'upstream_error',
        inputTokens: 0,
        outputTokens: 0,
        usageSource: 'none',
      };
    }
    if (model.endpoint === 'embeddings') return base;
    const streamed = kind < 0.25;
    return {
      ...base,
      streamed,
      cachedTokens: kind > 0.8 ? Math.floor(base.inputTokens / 2) : 0,
      // A stream cut by the client is counted by the gateway itself.
      usageSource: streamed && kind < 0.08 ? 'estimate' : 'upstream',
      policyActions: kind > 0.97 ? ['pii:redact'] : [],
    };
  };
}
