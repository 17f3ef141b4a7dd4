import { type StreamProtocol, type StreamUsageReport } from '../../upstream/stream-usage';
import { type MeteredUsage } from '../request-context';

const UNKNOWN: MeteredUsage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, source: 'unknown' };

/**
 * The usage an upstream reported in a non-streamed JSON answer: OpenAI's `usage.prompt_tokens` /
 * `completion_tokens` (embeddings have no completion tokens) or Anthropic's `usage.input_tokens` /
 * `output_tokens` (whose input excludes cache reads and writes, which the gateway counts as input).
 * `unknown` when the answer carries none, so that a missing count is never taken for zero.
 */
export function usageOfResponseBody(protocol: StreamProtocol, payload: unknown): MeteredUsage {
  if (!isObject(payload) || !isObject(payload.usage)) return UNKNOWN;
  const usage = payload.usage;
  if (protocol === 'openai') {
    const input = count(usage.prompt_tokens);
    if (input === null) return UNKNOWN;
    const details = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
    return {
      inputTokens: input,
      outputTokens: count(usage.completion_tokens) ?? 0,
      cachedTokens: count(details.cached_tokens) ?? 0,
      source: 'upstream',
    };
  }
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (input === null || output === null) return UNKNOWN;
  const cacheRead = count(usage.cache_read_input_tokens) ?? 0;
  const cacheWrite = count(usage.cache_creation_input_tokens) ?? 0;
  return {
    inputTokens: input + cacheRead + cacheWrite,
    outputTokens: output,
    cachedTokens: cacheRead,
    source: 'upstream',
  };
}

/**
 * The usage of a stream: the upstream's own counts when it finished and reported them, otherwise what was
 * streamed, estimated (the input count is still the upstream's if it sent one before the stream broke).
 */
export function usageOfStreamReport(report: StreamUsageReport): MeteredUsage {
  return {
    inputTokens: report.inputTokens ?? 0,
    outputTokens: report.outputTokens,
    cachedTokens: report.cachedInputTokens ?? 0,
    source: report.outputTokensSource === 'upstream' && report.inputTokens !== null ? 'upstream' : 'estimate',
  };
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
