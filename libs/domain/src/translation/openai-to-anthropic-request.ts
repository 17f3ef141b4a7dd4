import type {
  AnthropicImageBlock,
  AnthropicImageMediaType,
  AnthropicMessageParam,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
  AnthropicTranslatedBlock,
  AnthropicTranslatedRequest,
} from './anthropic-types';
import {
  isOpenAiTextPart,
  type OpenAiChatMessage,
  type OpenAiChatRequest,
  type OpenAiContentPart,
  type OpenAiToolChoice,
} from './openai-types';
import { TranslationError } from './translation-error';

export interface OpenAiToAnthropicRequestOptions {
  /** The provider's model name for the routed target (not the client's public alias). */
  upstreamModel: string;
  /** Anthropic requires `max_tokens`; used when the client sent neither `max_tokens` nor `max_completion_tokens`. */
  defaultMaxTokens: number;
}

/**
 * OpenAI's temperature runs 0–2, Anthropic's 0–1, and both default to 1. We clamp rather than scale: scaling would
 * turn the shared default 1 into 0.5 and every "0.7" a client tuned for one provider into 0.35, while clamping keeps
 * every value in 0–1 (where nearly all clients live) exact and only caps the rarely used hotter range.
 */
export const ANTHROPIC_MAX_TEMPERATURE = 1;

const IMAGE_MEDIA_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const DATA_URL = /^data:([^;,]+);base64,(.+)$/s;

/**
 * Translates an OpenAI chat completions body into an Anthropic /v1/messages body. Throws `TranslationError` (400,
 * with `param`) for what Anthropic cannot express rather than dropping it silently: several choices, logprobs, JSON
 * response formats, audio/file parts, custom tools. Pure sampling hints with no Anthropic equivalent (`seed`,
 * `presence_penalty`, `frequency_penalty`, `logit_bias`, `reasoning_effort`…) are ignored, as they do not change
 * the shape of the answer.
 */
export function openAiChatToAnthropicRequest(
  body: OpenAiChatRequest,
  options: OpenAiToAnthropicRequestOptions,
): AnthropicTranslatedRequest {
  rejectUnsupportedFields(body);

  const system: string[] = [];
  const messages: Message[] = [];
  body.messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      // Anthropic has one system prompt, not positional system turns: every one joins it, in order.
      const text = textOf(message.content, `messages[${index}].content`);
      if (text !== '') system.push(text);
      return;
    }
    const translated = translateMessage(message, index);
    if (translated !== null) appendMerged(messages, translated);
  });
  if (messages.length === 0) {
    throw new TranslationError('messages', 'messages must contain at least one user or assistant message.');
  }

  const request: AnthropicTranslatedRequest = {
    model: options.upstreamModel,
    max_tokens: body.max_completion_tokens ?? body.max_tokens ?? options.defaultMaxTokens,
    messages,
  };
  if (system.length > 0) request.system = system.join('\n\n');
  if (body.stop !== undefined && body.stop !== null) {
    const stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
    if (stop.length > 0) request.stop_sequences = stop;
  }
  if (body.temperature !== undefined && body.temperature !== null) {
    request.temperature = Math.min(body.temperature, ANTHROPIC_MAX_TEMPERATURE);
  }
  if (body.top_p !== undefined && body.top_p !== null) request.top_p = body.top_p;
  if (body.stream === true) request.stream = true;
  const userId = body.user ?? body.safety_identifier ?? null;
  if (userId !== null && userId !== '') request.metadata = { user_id: userId };

  const tools = translateTools(body);
  if (tools.length > 0) request.tools = tools;
  const toolChoice = translateToolChoice(body.tool_choice ?? null, body.parallel_tool_calls ?? null);
  if (toolChoice !== null && (tools.length > 0 || toolChoice.type === 'none')) request.tool_choice = toolChoice;
  return request;
}

function rejectUnsupportedFields(body: OpenAiChatRequest): void {
  if (typeof body.n === 'number' && body.n !== 1) {
    throw new TranslationError('n', 'This model returns one choice per request: n must be 1.');
  }
  if (body.logprobs === true) throw new TranslationError('logprobs', 'This model does not return logprobs.');
  if (body.response_format && body.response_format.type !== 'text') {
    throw new TranslationError(
      'response_format',
      `response_format ${body.response_format.type} is not supported for this model.`,
    );
  }
  if (Array.isArray(body.modalities) && body.modalities.some((modality) => modality !== 'text')) {
    throw new TranslationError('modalities', 'This model only produces text.');
  }
}

type Message = AnthropicMessageParam<AnthropicTranslatedBlock>;

function translateMessage(message: OpenAiChatMessage, index: number): Message | null {
  const at = `messages[${index}]`;
  switch (message.role) {
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.map((part, partIndex) => userBlock(part, `${at}.content[${partIndex}]`)),
      };
    case 'assistant': {
      const blocks: AnthropicTranslatedBlock[] = [];
      const text =
        message.content === undefined || message.content === null ? '' : textOf(message.content, `${at}.content`);
      // Anthropic rejects empty text blocks, and an assistant turn that only called tools has content null.
      if (text !== '') blocks.push({ type: 'text', text });
      (message.tool_calls ?? []).forEach((call, callIndex) => {
        const callAt = `${at}.tool_calls[${callIndex}]`;
        if (call.type !== 'function') {
          throw new TranslationError(`${callAt}.type`, `Tool call type ${call.type} is not supported for this model.`);
        }
        blocks.push({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: parseArguments(call.function.arguments, `${callAt}.function.arguments`),
        });
      });
      return blocks.length === 0 ? null : { role: 'assistant', content: blocks };
    }
    case 'tool': {
      const result: AnthropicToolResultBlock = {
        type: 'tool_result',
        tool_use_id: message.tool_call_id,
        content: textOf(message.content, `${at}.content`),
      };
      return { role: 'user', content: [result] };
    }
    default:
      throw new TranslationError(
        `${at}.role`,
        `Role ${message.role} is not supported for this model; use tools and tool messages.`,
      );
  }
}

/** Anthropic requires user and assistant turns to alternate: consecutive turns of one role become one. */
function appendMerged(messages: Message[], next: Message): void {
  const previous = messages.at(-1);
  if (previous === undefined || previous.role !== next.role) {
    messages.push(next);
    return;
  }
  previous.content = [...blocksOf(previous.content), ...blocksOf(next.content)];
}

function blocksOf(content: Message['content']): AnthropicTranslatedBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function userBlock(part: OpenAiContentPart, at: string): AnthropicTextBlock | AnthropicImageBlock {
  if (isOpenAiTextPart(part)) return { type: 'text', text: part.text };
  if (part.type === 'image_url') return imageBlock((part as { image_url?: unknown }).image_url, `${at}.image_url.url`);
  throw new TranslationError(`${at}.type`, `Content part type ${part.type} is not supported for this model.`);
}

function imageBlock(imageUrl: unknown, at: string): AnthropicImageBlock {
  const url = typeof imageUrl === 'object' && imageUrl !== null ? (imageUrl as { url?: unknown }).url : undefined;
  if (typeof url !== 'string') throw new TranslationError(at, 'image_url.url must be a string.');
  const dataUrl = DATA_URL.exec(url);
  if (dataUrl !== null) {
    const [, mediaType = '', data = ''] = dataUrl;
    if (!IMAGE_MEDIA_TYPES.includes(mediaType)) {
      throw new TranslationError(at, `Image type ${mediaType} is not supported; use JPEG, PNG, GIF or WebP.`);
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType as AnthropicImageMediaType, data } };
  }
  // Anthropic fetches https images itself; the gateway never does, so this opens no SSRF path through us.
  if (url.startsWith('https://')) return { type: 'image', source: { type: 'url', url } };
  throw new TranslationError(at, 'Images must be base64 data URLs (data:image/png;base64,...) or https URLs.');
}

/** The text of system, assistant and tool content: Anthropic takes only text there, so other parts are refused. */
function textOf(content: string | OpenAiContentPart[], at: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((part, index) => {
      if (isOpenAiTextPart(part)) return part.text;
      throw new TranslationError(`${at}[${index}].type`, `Content part type ${part.type} is not supported here.`);
    })
    .join('');
}

function parseArguments(text: string, at: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TranslationError(at, 'Tool call arguments must be valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TranslationError(at, 'Tool call arguments must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function translateTools(body: OpenAiChatRequest): AnthropicTool[] {
  return (body.tools ?? []).map((tool, index) => {
    if (tool.type !== 'function') {
      throw new TranslationError(`tools[${index}].type`, `Tool type ${tool.type} is not supported for this model.`);
    }
    const fn = tool.function;
    const translated: AnthropicTool = {
      name: fn.name,
      // A function without parameters takes none; Anthropic requires an object schema either way (so does OpenAI
      // for function parameters, which makes forcing the type a no-op for every valid OpenAI tool).
      input_schema: { ...(fn.parameters ?? { properties: {} }), type: 'object' },
    };
    if (fn.description !== undefined) translated.description = fn.description;
    return translated;
  });
}

function translateToolChoice(
  choice: OpenAiToolChoice | null,
  parallelToolCalls: boolean | null,
): AnthropicToolChoice | null {
  // OpenAI's `parallel_tool_calls: false` lives on Anthropic's tool_choice, so it needs one even when choice is absent.
  const parallel = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === null) return parallelToolCalls === false ? { type: 'auto', ...parallel } : null;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...parallel };
  if (choice === 'required') return { type: 'any', ...parallel };
  if (typeof choice === 'object' && choice.type === 'function' && typeof choice.function?.name === 'string') {
    return { type: 'tool', name: choice.function.name, ...parallel };
  }
  throw new TranslationError('tool_choice', 'tool_choice must be none, auto, required or a named function.');
}
