import type {
  AnthropicStopReason,
  AnthropicTextBlock,
  AnthropicToolUseBlock,
  AnthropicTranslatedUsage,
} from './anthropic-types';
import type { OpenAiChatCompletion } from './openai-types';
import { UpstreamTranslationError } from './translation-error';
import { anthropicUsageOf, tokenCountsFromOpenAi } from './usage-mapping';

export interface OpenAiToAnthropicResponseOptions {
  /** The model name the client asked for (the public alias). */
  model: string;
  /** The gateway's request id, used as the message id. */
  requestId: string;
}

export interface AnthropicTranslatedMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ((AnthropicTextBlock & { citations: null }) | AnthropicToolUseBlock)[];
  stop_reason: OpenAiMappableStopReason;
  stop_sequence: null;
  usage: AnthropicTranslatedUsage;
}

export type OpenAiMappableStopReason = Extract<AnthropicStopReason, 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal'>;

/** OpenAI does not say which stop sequence matched, so `stop` is always `end_turn` with `stop_sequence: null`. */
export function anthropicStopReasonOf(finishReason: string | null | undefined): OpenAiMappableStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

export function parseToolArguments(text: string, toolName: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UpstreamTranslationError(
    'malformed',
    'api_error',
    `The upstream sent invalid arguments for tool ${toolName}.`,
  );
}

/** Translates the first choice of an OpenAI chat completion into an Anthropic message. */
export function openAiChatResponseToAnthropic(
  response: OpenAiChatCompletion,
  options: OpenAiToAnthropicResponseOptions,
): AnthropicTranslatedMessage {
  const choice = response.choices[0];
  const content: AnthropicTranslatedMessage['content'] = [];
  const text = choice?.message.content ?? '';
  if (text !== '') content.push({ type: 'text', text, citations: null });
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseToolArguments(call.function.arguments, call.function.name),
    });
  }
  const usage = response.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  return {
    id: options.requestId,
    type: 'message',
    role: 'assistant',
    model: options.model,
    content,
    stop_reason: anthropicStopReasonOf(choice?.finish_reason),
    stop_sequence: null,
    usage: anthropicUsageOf(tokenCountsFromOpenAi(usage)),
  };
}
