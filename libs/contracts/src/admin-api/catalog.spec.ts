import { createModelRequestSchema, upstreamPathSchema, usdPer1MSchema } from './catalog';
import { createPlanRequestSchema } from './plans';
import { providerBaseUrlSchema } from './providers';

describe('usdPer1MSchema (prices are decimal strings, never floats)', () => {
  it.each(['0', '0.5', '15', '0.075', '123456789.123456789'])('accepts %s', (value) => {
    expect(usdPer1MSchema.safeParse(value).success).toBe(true);
  });

  it.each([
    ['a number', 0.5],
    ['a negative amount', '-1'],
    ['an exponent', '1e-7'],
    ['a comma', '0,5'],
    ['a leading point', '.5'],
    ['a trailing point', '5.'],
    ['too many decimals', '0.0000000001'],
    ['too many integer digits', '1234567890'],
    ['a currency sign', '$5'],
    ['spaces', ' 5'],
  ])('refuses %s', (_label, value) => {
    expect(usdPer1MSchema.safeParse(value).success).toBe(false);
  });

  it('names the field in a model body', () => {
    const result = createModelRequestSchema.safeParse({
      name: 'm',
      targets: [{ providerId: '7d4f1c2e-4b7a-4f5e-9a43-2b1d8c9e0f11', upstreamModel: 'x' }],
      price: { inputPer1M: 1.5, outputPer1M: '2' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['price.inputPer1M']);
  });
});

describe('plan limits input', () => {
  const productId = '7d4f1c2e-4b7a-4f5e-9a43-2b1d8c9e0f11';
  it('accepts the contract names and refuses unknown ones, empty model lists and out-of-range values', () => {
    expect(
      createPlanRequestSchema.safeParse({ productId, name: 'p', limits: { rpm: 1, allowedModels: null } }).success,
    ).toBe(true);
    const paths = (limits: unknown) =>
      createPlanRequestSchema.safeParse({ productId, name: 'p', limits }).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ requestsPerMinute: 1 })).toEqual(['limits']);
    expect(paths({ allowedModels: [] })).toEqual(['limits.allowedModels']);
    expect(paths({ rpm: 2 ** 31 })).toEqual(['limits.rpm']);
    expect(new Set(paths({ monthlyTokens: 2 ** 53 }))).toEqual(new Set(['limits.monthlyTokens']));
    expect(paths({ monthlyBudgetUsd: 5.1234567 })).toEqual(['limits.monthlyBudgetUsd']);
    expect(paths({ monthlyBudgetUsd: 5 })).toBeUndefined();
  });
});

describe('upstreamPathSchema', () => {
  it.each(['', '/', '/v2', '/api/v1/'])('accepts %j', (value) => {
    expect(upstreamPathSchema.safeParse(value).success).toBe(true);
  });
  it.each(['v2', '/a/../b', '/a?x=1', '/a#f', '//evil.example', '/a//b'])('refuses %j', (value) => {
    expect(upstreamPathSchema.safeParse(value).success).toBe(false);
  });
});

describe('providerBaseUrlSchema', () => {
  it('normalises away a trailing slash', () => {
    expect(providerBaseUrlSchema.parse('https://api.openai.com/')).toBe('https://api.openai.com');
    expect(providerBaseUrlSchema.parse('https://example.com/proxy/')).toBe('https://example.com/proxy');
  });

  // Plain http passes the shape check; the service accepts it only for a provider marked internal.
  it.each(['http://localhost:8090', 'http://vllm.internal:8000', 'https://api.anthropic.com'])(
    'accepts %s',
    (value) => {
      expect(providerBaseUrlSchema.safeParse(value).success).toBe(true);
    },
  );

  it.each([
    'https://user:pass@api.openai.com',
    'https://api.openai.com?key=sk-1',
    'https://api.openai.com#x',
    'ftp://example.com',
    'not a url',
  ])('refuses %s', (value) => {
    expect(providerBaseUrlSchema.safeParse(value).success).toBe(false);
  });
});
