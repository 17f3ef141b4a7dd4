import { type GatewayCatalogRecord, type GatewayHttpProduct, Prisma } from '@gatehouse/db';
import { buildCatalogSnapshot } from './catalog-snapshot';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

const price = (input: string, from: Date, to: Date | null) => ({
  inputPer1M: new Prisma.Decimal(input),
  outputPer1M: new Prisma.Decimal('2'),
  cachedInputPer1M: null,
  effectiveFrom: from,
  effectiveTo: to,
});

const httpProduct = (slug: string, data: Partial<GatewayHttpProduct> = {}): GatewayHttpProduct => ({
  id: `id-${slug}`,
  slug,
  httpProviderId: 'provider-http',
  httpUpstreamPath: null,
  ...data,
});

const record: GatewayCatalogRecord = {
  models: [
    {
      alias: 'demo-chat',
      productId: 'demo',
      productSlug: 'demo',
      createdAt: at(-86_400_000),
      prices: [price('1', at(-60_000), at(30_000)), price('3', at(30_000), null)],
      targets: [
        { providerId: 'primary', upstreamModel: 'gpt-small', weight: 1, priority: 0 },
        { providerId: 'fallback', upstreamModel: 'claude-small', weight: 1, priority: 1 },
      ],
    },
    { alias: 'demo-embed', productId: 'demo', productSlug: 'demo', createdAt: at(-1000), prices: [], targets: [] },
  ],
  httpProducts: [
    httpProduct('weather-api', { httpUpstreamPath: 'v2/' }),
    httpProduct('bare-api'),
    httpProduct('orphan-api', { httpProviderId: null }),
    httpProduct('escaping-api', { httpUpstreamPath: '/v2/../admin' }),
  ],
};

describe('buildCatalogSnapshot', () => {
  it('keys each model by alias with its product, its price now, its targets in priority order and its kind', () => {
    const snapshot = buildCatalogSnapshot(record, NOW);
    expect([...snapshot.models.keys()]).toEqual(['demo-chat', 'demo-embed']);
    expect(snapshot.models.get('demo-chat')).toEqual({
      alias: 'demo-chat',
      productId: 'demo',
      productSlug: 'demo',
      createdAt: at(-86_400_000),
      price: { inputPer1M: '1', outputPer1M: '2', cachedInputPer1M: null },
      targets: [
        { providerId: 'primary', upstreamModel: 'gpt-small', weight: 1, priority: 0 },
        { providerId: 'fallback', upstreamModel: 'claude-small', weight: 1, priority: 1 },
      ],
      kind: 'chat',
    });
    // No target to tell: the alias says what it is.
    expect(snapshot.models.get('demo-embed')).toMatchObject({ price: null, targets: [], kind: 'embedding' });
  });

  it('names the next price boundary, where the same load read at that instant has the new price', () => {
    const first = buildCatalogSnapshot(record, NOW);
    expect(first.nextPriceChangeAt).toEqual(at(30_000));
    const next = buildCatalogSnapshot(record, at(30_000));
    expect(next.models.get('demo-chat')?.price?.inputPer1M).toBe('3');
    expect(next.models.get('demo-chat')?.targets).toBe(first.models.get('demo-chat')?.targets);
    expect(next.nextPriceChangeAt).toBeNull();
  });

  it('keys each HTTP product by slug with its provider and normalized path prefix', () => {
    const { httpProducts } = buildCatalogSnapshot(record, NOW);
    expect(httpProducts.get('weather-api')).toEqual({
      productId: 'id-weather-api',
      slug: 'weather-api',
      upstream: { providerId: 'provider-http', pathPrefix: '/v2' },
    });
    expect(httpProducts.get('bare-api')?.upstream).toEqual({ providerId: 'provider-http', pathPrefix: '' });
  });

  it('keeps an HTTP product without a provider or with an unsafe path, with no upstream (a 502, not a 404)', () => {
    const { httpProducts } = buildCatalogSnapshot(record, NOW);
    expect(httpProducts.get('orphan-api')).toMatchObject({ slug: 'orphan-api', upstream: null });
    expect(httpProducts.get('escaping-api')).toMatchObject({ slug: 'escaping-api', upstream: null });
  });

  it('builds an empty catalog from an empty load', () => {
    const snapshot = buildCatalogSnapshot({ models: [], httpProducts: [] }, NOW);
    expect(snapshot.models.size).toBe(0);
    expect(snapshot.httpProducts.size).toBe(0);
    expect(snapshot.nextPriceChangeAt).toBeNull();
  });
});
