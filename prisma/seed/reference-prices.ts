/**
 * Published list prices of common public models, in USD per 1M tokens, for admins who set up real providers
 * (and for benchmarks that want realistic costs). Reference data only: the seed creates no products from it.
 *
 * Sources: https://openai.com/api/pricing and https://www.anthropic.com/pricing, as published in 2025-01 for
 * the older models and at each model's launch for the newer ones. Prices change: check the source before use.
 * `cachedInputPer1M` is the cached-prompt read price (OpenAI cached input, Anthropic cache read).
 */
export interface ReferencePrice {
  provider: 'openai' | 'anthropic';
  model: string;
  inputPer1M: string;
  outputPer1M: string;
  cachedInputPer1M: string | null;
}

export const REFERENCE_PRICES: readonly ReferencePrice[] = [
  { provider: 'openai', model: 'gpt-4o', inputPer1M: '2.50', outputPer1M: '10.00', cachedInputPer1M: '1.25' },
  { provider: 'openai', model: 'gpt-4o-mini', inputPer1M: '0.15', outputPer1M: '0.60', cachedInputPer1M: '0.075' },
  { provider: 'openai', model: 'gpt-4.1', inputPer1M: '2.00', outputPer1M: '8.00', cachedInputPer1M: '0.50' },
  { provider: 'openai', model: 'gpt-4.1-mini', inputPer1M: '0.40', outputPer1M: '1.60', cachedInputPer1M: '0.10' },
  { provider: 'openai', model: 'text-embedding-3-small', inputPer1M: '0.02', outputPer1M: '0', cachedInputPer1M: null },
  { provider: 'openai', model: 'text-embedding-3-large', inputPer1M: '0.13', outputPer1M: '0', cachedInputPer1M: null },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    inputPer1M: '3.00',
    outputPer1M: '15.00',
    cachedInputPer1M: '0.30',
  },
  {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    inputPer1M: '1.00',
    outputPer1M: '5.00',
    cachedInputPer1M: '0.10',
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-4-1',
    inputPer1M: '15.00',
    outputPer1M: '75.00',
    cachedInputPer1M: '1.50',
  },
];
