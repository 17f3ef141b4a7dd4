import {
  isAnthropicImageBlock,
  isAnthropicTextBlock,
  isAnthropicToolResultBlock,
  isAnthropicToolUseBlock,
  type AnthropicImageBlock,
  type AnthropicMessagesRequest,
  type AnthropicOtherBlock,
  type AnthropicTool,
  type AnthropicToolChoice,
} from './anthropic-types';
import type { OpenAiFunctionTool, OpenAiFunctionToolCall, OpenAiImagePart, OpenAiTextPart } from './openai-types';
import { TranslationError } from './translation-error';

export interface AnthropicToOpenAiRequestOptions {
  upstreamModel: string;
  /**
   * OpenAI deprecated `max_tokens` for `max_completion_tokens` (its reasoning models refuse the old name), while some
   * OpenAI-compatible servers only know `max_tokens`: the provider decides.
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

export type OpenAiTranslatedToolChoice =
  'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAiTranslatedMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | (OpenAiTextPart | OpenAiImagePart)[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAiFunctionToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** What `anthropicRequestToOpenAiChat` produces; streams always ask for usage, which the gateway counts. */
export interface OpenAiTranslatedRequest {
  model: string;
  messages: OpenAiTranslatedMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string[];
  temperature?: number;
  top_p?: number;
  stream?: true;
  stream_options?: { include_usage: true };
  user?: string;
  tools?: OpenAiFunctionTool[];
  tool_choice?: OpenAiTranslatedToolChoice;
  parallel_tool_calls?: false;
}

/**
 * Translates an Anthropic /v1/messages body into an OpenAI chat completions body. Temperature passes unchanged
 * (Anthropic's 0–1 lies inside OpenAI's 0–2); `top_k` and `thinking` have no OpenAI equivalent and are ignored;
 * documents, server tools and images inside tool results are refused with a `TranslationError`.
 */
export function anthropicRequestToOpenAiChat(
  body: AnthropicMessagesRequest,
  options: AnthropicToOpenAiRequestOptions,
): OpenAiTranslatedRequest {
  const messages: OpenAiTranslatedMessage[] = [];
  if (body.system !== undefined) {
    const system = typeof body.system === 'string' ? body.system : textOf(body.system, 'system');
    if (system !== '') messages.push({ role: 'system', content: system });
  }
  body.messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
    } else if (message.role === 'user') {
      messages.push(...userMessages(message.content, at));
    } else {
      messages.push(assistantMessage(message.content, at));
    }
  });

  const request: OpenAiTranslatedRequest = {
    model: options.upstreamModel,
    messages,
    [options.maxTokensField ?? 'max_completion_tokens']: body.max_tokens,
  };
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) request.stop = body.stop_sequences;
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.top_p = body.top_p;
  if (body.stream === true) {
    request.stream = true;
    request.stream_options = { include_usage: true };
  }
  const userId = body.metadata?.user_id;
  if (typeof userId === 'string' && userId !== '') request.user = userId;

  const tools = (body.tools ?? []).map((tool, index) => functionTool(tool, index));
  if (tools.length > 0) request.tools = tools;
  if (body.tool_choice !== undefined) {
    const { choice, parallel } = translateToolChoice(body.tool_choice);
    if (tools.length > 0 || choice === 'none') request.tool_choice = choice;
    if (!parallel && tools.length > 0) request.parallel_tool_calls = false;
  }
  return request;
}

/** Tool results become `tool` messages, which OpenAI wants right after the assistant turn: before any user text. */
function userMessages(blocks: AnthropicOtherBlock[], at: string): OpenAiTranslatedMessage[] {
  const toolMessages: OpenAiTranslatedMessage[] = [];
  const parts: (OpenAiTextPart | OpenAiImagePart)[] = [];
  blocks.forEach((block, index) => {
    const blockAt = `${at}.content[${index}]`;
    if (isAnthropicToolResultBlock(block)) {
      const content = block.content ?? '';
      const text = typeof content === 'string' ? content : textOf(content, `${blockAt}.content`);
      // OpenAI has no error flag on tool results; the model still has to learn that the call failed.
      toolMessages.push({
        role: 'tool',
        tool_call_id: block.tool_use_id,
        content: block.is_error ? `Error: ${text}` : text,
      });
    } else if (isAnthropicTextBlock(block)) {
      parts.push({ type: 'text', text: block.text });
    } else if (isAnthropicImageBlock(block)) {
      parts.push(imagePart(block, `${blockAt}.source`));
    } else {
      throw new TranslationError(
        `${blockAt}.type`,
        `Content block type ${block.type} is not supported for this model.`,
      );
    }
  });
  return parts.length === 0 ? toolMessages : [...toolMessages, { role: 'user', content: parts }];
}

function assistantMessage(blocks: AnthropicOtherBlock[], at: string): OpenAiTranslatedMessage {
  const texts: string[] = [];
  const toolCalls: OpenAiFunctionToolCall[] = [];
  blocks.forEach((block, index) => {
    if (isAnthropicTextBlock(block)) texts.push(block.text);
    else if (isAnthropicToolUseBlock(block)) {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type !== 'thinking' && block.type !== 'redacted_thinking') {
      // Thinking is the model's own scratchpad: an OpenAI upstream can neither verify nor use it, so it is dropped.
      throw new TranslationError(`${at}.content[${index}].type`, `Content block type ${block.type} is not supported.`);
    }
  });
  return {
    role: 'assistant',
    content: texts.length === 0 ? null : texts.join(''),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

function imagePart(block: AnthropicImageBlock, at: string): OpenAiImagePart {
  const source = block.source;
  if (source.type === 'base64') {
    return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  }
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  throw new TranslationError(`${at}.type`, 'Image sources must be base64 or url.');
}

function textOf(blocks: AnthropicOtherBlock[], at: string): string {
  return blocks
    .map((block, index) => {
      if (isAnthropicTextBlock(block)) return block.text;
      throw new TranslationError(`${at}[${index}].type`, `Content block type ${block.type} is not supported here.`);
    })
    .join('');
}

function functionTool(tool: AnthropicTool | { type: string; name: string }, index: number): OpenAiFunctionTool {
  if (!('input_schema' in tool) || (tool.type !== undefined && tool.type !== null && tool.type !== 'custom')) {
    throw new TranslationError(`tools[${index}].type`, `Tool type ${tool.type ?? ''} is not supported for this model.`);
  }
  return {
    type: 'function',
    function: {
      name: tool.name,
      parameters: tool.input_schema,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
    },
  };
}

function translateToolChoice(choice: AnthropicToolChoice): { choice: OpenAiTranslatedToolChoice; parallel: boolean } {
  const parallel = choice.type === 'none' || choice.disable_parallel_tool_use !== true;
  switch (choice.type) {
    case 'none':
      return { choice: 'none', parallel };
    case 'auto':
      return { choice: 'auto', parallel };
    case 'any':
      return { choice: 'required', parallel };
    case 'tool':
      return { choice: { type: 'function', function: { name: choice.name } }, parallel };
    default:
      throw new TranslationError('tool_choice', 'tool_choice must be auto, any, tool or none.');
  }
}
