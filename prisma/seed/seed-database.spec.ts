import { Prisma } from '@gatehouse/db';
import { changedColumns, sameValue } from './seed-database';

describe('sameValue', () => {
  it('compares decimals by value, whatever their scale or form', () => {
    expect(sameValue(new Prisma.Decimal('0.500000000'), new Prisma.Decimal('0.5'))).toBe(true);
    expect(sameValue(new Prisma.Decimal('5.000000'), '5')).toBe(true);
    expect(sameValue(new Prisma.Decimal('0.5'), new Prisma.Decimal('0.50001'))).toBe(false);
  });

  it('compares dates by instant, bigints, arrays and nulls', () => {
    expect(sameValue(new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00.000Z'))).toBe(true);
    expect(sameValue(2_000_000n, 2_000_000n)).toBe(true);
    expect(sameValue(2_000_000n, 2_000_001n)).toBe(false);
    expect(sameValue(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameValue(['a'], ['a', 'b'])).toBe(false);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue(null, 0)).toBe(false);
  });
});

describe('changedColumns', () => {
  it('returns only the desired columns whose value differs', () => {
    const row = {
      id: 'x',
      rpm: 60,
      monthlyBudgetUsd: new Prisma.Decimal('5.000000'),
      allowedModels: [],
      autoApprove: true,
    };
    expect(
      changedColumns(row, {
        rpm: 60,
        monthlyBudgetUsd: new Prisma.Decimal('5'),
        allowedModels: [],
        autoApprove: false,
      }),
    ).toEqual({ autoApprove: false });
  });
});
