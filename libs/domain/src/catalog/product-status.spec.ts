import { canTransitionProduct, publishBlocker } from './product-status';

describe('product status machine', () => {
  it('goes DRAFT → PUBLISHED → RETIRED, one way', () => {
    expect(canTransitionProduct('DRAFT', 'PUBLISHED')).toBe(true);
    expect(canTransitionProduct('PUBLISHED', 'RETIRED')).toBe(true);
    expect(canTransitionProduct('PUBLISHED', 'DRAFT')).toBe(false);
    expect(canTransitionProduct('RETIRED', 'PUBLISHED')).toBe(false);
    expect(canTransitionProduct('DRAFT', 'RETIRED')).toBe(false);
    expect(canTransitionProduct('PUBLISHED', 'PUBLISHED')).toBe(false);
  });

  it('publishes an LLM product only with a model, an HTTP product only with an upstream', () => {
    expect(publishBlocker({ kind: 'LLM', modelCount: 0, httpProviderId: null })).toMatch(/at least one model/);
    expect(publishBlocker({ kind: 'LLM', modelCount: 1, httpProviderId: null })).toBeNull();
    expect(publishBlocker({ kind: 'HTTP', modelCount: 0, httpProviderId: null })).toMatch(/upstream provider/);
    expect(publishBlocker({ kind: 'HTTP', modelCount: 0, httpProviderId: 'p' })).toBeNull();
  });
});
