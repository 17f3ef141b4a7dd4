import { z } from 'zod';
import type { StopCause } from '../simulation/text-generator';

/** Request fields shared by the OpenAI text endpoints. Unknown fields are accepted, as OpenAI's SDKs add some. */
export const maxTokensField = z.number().int().min(1).nullish();

export const choiceCountField = z.number().int().min(1).max(128).nullish();

export const stopField = z
  .union([z.string(), z.array(z.string()).max(4)])
  .nullish()
  .transform((stop) => (stop === null || stop === undefined ? [] : typeof stop === 'string' ? [stop] : stop));

export const streamOptionsField = z.looseObject({ include_usage: z.boolean().nullish() }).nullish();

export const SYSTEM_FINGERPRINT = 'fp_gatehouse_mock';

export type OpenAiFinishReason = 'stop' | 'length';

export function openAiFinishReason(cause: StopCause): OpenAiFinishReason {
  return cause === 'length' ? 'length' : 'stop';
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export function openAiUsage(promptTokens: number, completionTokens: number): OpenAiUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The error event OpenAI sends inside a stream that fails after it started. */
export function openAiStreamErrorEvent() {
  return {
    error: {
      message: 'Mock provider: stream interrupted by x-mock-fail-after-chunks.',
      type: 'server_error',
      param: null,
      code: null,
    },
  };
}
