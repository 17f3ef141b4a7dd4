import {
  isAnthropicTextBlock,
  isAnthropicToolUseBlock,
  type AnthropicMessage,
  type AnthropicStopReason,
} from './anthropic-types';
import type { OpenAiChatCompletion, OpenAiFinishReason, OpenAiFunctionToolCall } from './openai-types';
import { openAiUsageOf, tokenCountsFromAnthropic } from './usage-mapping';

export interface AnthropicToOpenAiResponseOptions {
  /** The model name the client asked for (the public alias), not the upstream's. */
  model: string;
  /** The gateway's request id, so that the body's `id` and `x-request-id` name the same call. */
  requestId: string;
  /** Unix seconds. */
  created: number;
}

const FINISH_REASONS: Record<AnthropicStopReason, OpenAiFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // A paused server-tool turn is a finished answer as far as an OpenAI client can tell.
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function openAiFinishReasonOf(stopReason: AnthropicStopReason | string | null): OpenAiFinishReason {
  return FINISH_REASONS[stopReason as AnthropicStopReason] ?? 'stop';
}

/**
 * Translates an Anthropic message into an OpenAI chat completion: text blocks joined into `content` (null when there
 * is none, as OpenAI sends beside tool calls), `tool_use` blocks into `tool_calls`, thinking and server-tool blocks
 * dropped (OpenAI's chat format has no place for them).
 */
export function anthropicResponseToOpenAiChat(
  response: AnthropicMessage,
  options: AnthropicToOpenAiResponseOptions,
): OpenAiChatCompletion {
  const texts: string[] = [];
  const toolCalls: OpenAiFunctionToolCall[] = [];
  for (const block of response.content) {
    if (isAnthropicTextBlock(block)) texts.push(block.text);
    if (isAnthropicToolUseBlock(block)) {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const content = texts.length === 0 ? null : texts.join('');
  return {
    id: options.requestId,
    object: 'chat.completion',
    created: options.created,
    model: options.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          annotations: [],
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: openAiFinishReasonOf(response.stop_reason),
      },
    ],
    usage: openAiUsageOf(tokenCountsFromAnthropic(response.usage)),
  };
}
