import type { AnthropicTranslatedUsage } from './anthropic-types';
import type { OpenAiUsage } from './openai-types';

/** The token counts of one answer in the gateway's terms, whichever API reported them. */
export interface TokenCounts {
  /** Every prompt token, cached or not (what OpenAI calls `prompt_tokens`). */
  promptTokens: number;
  /** Of those, read from the provider's prompt cache. */
  cachedTokens: number;
  /** Of those, written to the provider's prompt cache (Anthropic only; OpenAI caches implicitly). */
  cacheCreationTokens: number;
  completionTokens: number;
}

/**
 * Anthropic's `input_tokens` excludes cache reads and cache writes, while OpenAI's `prompt_tokens` includes cached
 * tokens. Mapping `input_tokens` straight to `prompt_tokens` would under-report every cached prompt (and the gateway
 * prices and limits on these numbers), so the prompt is the sum of the three.
 */
export function tokenCountsFromAnthropic(usage: {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}): TokenCounts {
  const input = usage.input_tokens ?? 0;
  const cachedTokens = usage.cache_read_input_tokens ?? 0;
  const cacheCreationTokens = usage.cache_creation_input_tokens ?? 0;
  return {
    promptTokens: input + cachedTokens + cacheCreationTokens,
    cachedTokens,
    cacheCreationTokens,
    completionTokens: usage.output_tokens ?? 0,
  };
}

export function tokenCountsFromOpenAi(usage: OpenAiUsage): TokenCounts {
  return {
    promptTokens: usage.prompt_tokens,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheCreationTokens: 0,
    completionTokens: usage.completion_tokens,
  };
}

/** OpenAI's usage object with every detail field present, as OpenAI itself sends it. */
export function openAiUsageOf(counts: TokenCounts): Required<OpenAiUsage> {
  return {
    prompt_tokens: counts.promptTokens,
    completion_tokens: counts.completionTokens,
    total_tokens: counts.promptTokens + counts.completionTokens,
    prompt_tokens_details: { cached_tokens: counts.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Anthropic's usage object: `input_tokens` is the uncached remainder of the prompt. */
export function anthropicUsageOf(counts: TokenCounts): AnthropicTranslatedUsage {
  return {
    input_tokens: Math.max(0, counts.promptTokens - counts.cachedTokens - counts.cacheCreationTokens),
    output_tokens: counts.completionTokens,
    cache_creation_input_tokens: counts.cacheCreationTokens,
    cache_read_input_tokens: counts.cachedTokens,
    cache_creation: null,
    server_tool_use: null,
    service_tier: null,
  };
}
