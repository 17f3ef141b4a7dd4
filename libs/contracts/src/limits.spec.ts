import { keyLimitsInputSchema } from './admin-api/keys';
import { updateAdminTenantRequestSchema } from './admin-api/tenants';
import { keySnapshotSchema } from './gateway/key-snapshot';
import { readNarrowingLimits, usdAmountSchema } from './limits';

describe('usdAmountSchema', () => {
  it('takes a JSON number or a decimal string and hands on the decimal string, exactly', () => {
    expect(usdAmountSchema.parse(25)).toBe('25');
    expect(usdAmountSchema.parse('25')).toBe('25');
    expect(usdAmountSchema.parse(12.5)).toBe('12.5');
    expect(usdAmountSchema.parse('12.50')).toBe('12.50');
    expect(usdAmountSchema.parse(0.1)).toBe('0.1');
    expect(usdAmountSchema.parse(0.000001)).toBe('0.000001');
    expect(usdAmountSchema.parse(999_999_999_999.99)).toBe('999999999999.99');
  });

  it('refuses a seventh decimal, negative, huge and non-numeric amounts, each with its reason', () => {
    const reason = (value: unknown) => usdAmountSchema.safeParse(value).error?.issues[0]?.message;
    expect(reason(0.0000001)).toMatch(/more than 6 decimal places/);
    expect(reason(1.1234567)).toMatch(/more than 6 decimal places/);
    expect(reason('1.1234567')).toMatch(/more than 6 decimal places/);
    expect(reason(-5)).toMatch(/negative/);
    expect(reason('-5')).toMatch(/negative/);
    expect(reason(1e21)).toMatch(/below 1,000,000,000,000/);
    expect(reason('1000000000000')).toMatch(/below 1,000,000,000,000/);
    expect(reason('1e3')).toMatch(/a number such as 25/);
    expect(reason(' 5')).toMatch(/a number such as 25/);
    expect(reason(true)).toMatch(/a number such as 25/);
    expect(reason(Number.NaN)).toBeDefined();
  });
});

describe('readNarrowingLimits', () => {
  it('keeps the known names whose value reads as the contract, and is null when nothing narrows', () => {
    expect(readNarrowingLimits({ rpm: 5, monthlyBudgetUsd: '2.5', allowedModels: ['a'] })).toEqual({
      rpm: 5,
      monthlyBudgetUsd: '2.5',
      allowedModels: ['a'],
    });
    expect(readNarrowingLimits({ rpm: 'five', tpm: 100, extra: 1, concurrency: null })).toEqual({ tpm: 100 });
    for (const nothing of [null, undefined, 'rpm', [], {}, { rpm: null }, { constructor: 1 }]) {
      expect(readNarrowingLimits(nothing)).toBeNull();
    }
  });
});

describe('keyLimitsInputSchema', () => {
  it('takes positive numbers, a positive decimal budget and a non-empty model list', () => {
    expect(keyLimitsInputSchema.parse({ rpm: 1, rpmBurst: 1, monthlyBudgetUsd: '0.01', allowedModels: ['m'] })).toEqual(
      {
        rpm: 1,
        rpmBurst: 1,
        monthlyBudgetUsd: '0.01',
        allowedModels: ['m'],
      },
    );
    for (const refused of [
      { rpm: 0 },
      { rpmBurst: 0 },
      { dailyTokens: -5 },
      { tpm: 2.5 },
      { monthlyBudgetUsd: '0' },
      { monthlyBudgetUsd: '0.000' },
      { monthlyBudgetUsd: 0 },
      { allowedModels: [] },
      { unknown: 1 },
    ]) {
      expect(keyLimitsInputSchema.safeParse(refused).success).toBe(false);
    }
  });
});

describe('updateAdminTenantRequestSchema', () => {
  it('canonicalises the zone, takes a decimal budget or null, and needs one field', () => {
    expect(updateAdminTenantRequestSchema.parse({ timeZone: 'asia/tokyo', monthlyBudgetUsd: null })).toEqual({
      timeZone: 'Asia/Tokyo',
      monthlyBudgetUsd: null,
    });
    expect(updateAdminTenantRequestSchema.parse({ monthlyBudgetUsd: 25 })).toEqual({ monthlyBudgetUsd: '25' });
    expect(updateAdminTenantRequestSchema.safeParse({}).success).toBe(false);
    expect(updateAdminTenantRequestSchema.safeParse({ monthlyBudgetUsd: '1e3' }).success).toBe(false);
    expect(updateAdminTenantRequestSchema.safeParse({ timeZone: 'Nowhere/Else' }).success).toBe(false);
  });
});

describe('keySnapshotSchema', () => {
  const older = {
    keyId: 'k',
    tenantId: 't',
    tenantStatus: 'ACTIVE',
    status: 'ACTIVE',
    mode: 'live',
    expiresAt: null,
    graceExpiresAt: null,
    scope: [],
    subscriptions: [
      {
        subscriptionId: 's',
        productId: 'p',
        productSlug: 'demo',
        planId: 'plan',
        limits: {
          rpm: 60,
          rpmBurst: null,
          tpm: null,
          tpmBurst: null,
          concurrency: null,
          dailyTokens: null,
          monthlyTokens: null,
          monthlyCalls: null,
          monthlyBudgetUsd: null,
          allowedModels: null,
        },
        models: ['demo-chat'],
        expiresAt: null,
      },
    ],
    loadedAt: '2026-03-01T12:00:00.000Z',
  };

  it('reads a snapshot cached before the limits fields, with defaults that change nothing', () => {
    const parsed = keySnapshotSchema.parse(older);
    expect(parsed).toMatchObject({ tenantTimeZone: 'UTC', tenantMonthlyBudgetUsd: null, keyLimits: null });
    expect(parsed.subscriptions[0]).toMatchObject({ limitModes: {}, quotaFailOpen: false });
  });

  it('refuses a mode other than enforce or monitor, and a budget that is not a decimal string', () => {
    const subscription = { ...older.subscriptions[0], limitModes: { rpm: 'MONITOR' } };
    expect(keySnapshotSchema.safeParse({ ...older, subscriptions: [subscription] }).success).toBe(false);
    expect(keySnapshotSchema.safeParse({ ...older, tenantMonthlyBudgetUsd: 25 }).success).toBe(false);
  });
});
