import { type GatewayCatalogModel, type GatewayModelPrice, Prisma } from '@gatehouse/db';
import { catalogAt } from './catalog-price';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

function version(input: string, from: Date, to: Date | null, cached: string | null = null): GatewayModelPrice {
  return {
    inputPer1M: new Prisma.Decimal(input),
    outputPer1M: new Prisma.Decimal('2.000000000'),
    cachedInputPer1M: cached === null ? null : new Prisma.Decimal(cached),
    effectiveFrom: from,
    effectiveTo: to,
  };
}

function model(alias: string, prices: GatewayModelPrice[]): GatewayCatalogModel {
  return { alias, productId: 'p', productSlug: 'demo', createdAt: at(-86_400_000), prices, targets: [] };
}

describe('catalogAt', () => {
  it('gives each model the version in force now, as plain decimal strings', () => {
    const { models, nextPriceChangeAt } = catalogAt(
      [
        model('open-ended', [version('0.150000000', at(-1000), null, '0.075000000')]),
        model('closed', [version('1', at(-5000), at(-1000)), version('3.5', at(-1000), null)]),
      ],
      NOW,
    );
    expect(models.get('open-ended')?.price).toEqual({
      inputPer1M: '0.15',
      outputPer1M: '2',
      cachedInputPer1M: '0.075',
    });
    expect(models.get('closed')?.price).toEqual({ inputPer1M: '3.5', outputPer1M: '2', cachedInputPer1M: null });
    expect(models.get('closed')).toMatchObject({ alias: 'closed', productId: 'p', productSlug: 'demo' });
    expect(nextPriceChangeAt).toBeNull();
  });

  it('has no price for a model without a version in force, and none before the first one starts', () => {
    const { models, nextPriceChangeAt } = catalogAt(
      [model('unpriced', []), model('later', [version('1', at(60_000), null)])],
      NOW,
    );
    expect(models.get('unpriced')?.price).toBeNull();
    expect(models.get('later')?.price).toBeNull();
    expect(nextPriceChangeAt).toEqual(at(60_000));
  });

  it('keeps the current version until an upcoming one starts, and names the earliest boundary', () => {
    const models = [
      model('a', [version('1', at(-1000), at(30_000)), version('2', at(30_000), null)]),
      model('b', [version('5', at(-1000), null), version('6', at(90_000), null)]),
    ];
    const now = catalogAt(models, NOW);
    expect(now.models.get('a')?.price?.inputPer1M).toBe('1');
    expect(now.models.get('b')?.price?.inputPer1M).toBe('5');
    expect(now.nextPriceChangeAt).toEqual(at(30_000));

    const later = catalogAt(models, at(30_000));
    expect(later.models.get('a')?.price?.inputPer1M).toBe('2');
    expect(later.nextPriceChangeAt).toEqual(at(90_000));
    // Two open-ended versions overlap once the second starts: the later start wins.
    expect(catalogAt(models, at(90_000)).models.get('b')?.price?.inputPer1M).toBe('6');
  });

  it('ends a version at its effectiveTo exactly (effectiveFrom <= t < effectiveTo)', () => {
    const models = [model('a', [version('1', at(-1000), at(10_000))])];
    expect(catalogAt(models, at(9_999)).models.get('a')?.price?.inputPer1M).toBe('1');
    expect(catalogAt(models, at(10_000)).models.get('a')?.price).toBeNull();
  });
});
