/**
 * The mock's token counting rule, documented in the README and relied on by tests:
 * - text costs ceil(characters / 4) tokens (characters = UTF-16 code units);
 * - each message costs MESSAGE_OVERHEAD_TOKENS on top of its content, and a conversation REPLY_PRIMING_TOKENS;
 * - a non-text content part (image, audio, file, document) costs a flat NON_TEXT_PART_TOKENS;
 * - any other structured part (tool calls, tool results) costs ceil(JSON length / 4).
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;
export const REPLY_PRIMING_TOKENS = 3;
export const NON_TEXT_PART_TOKENS = 85;

const MEDIA_PART_TYPES = new Set(['image', 'image_url', 'input_image', 'input_audio', 'audio', 'file', 'document']);

export function countTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function countStructuredTokens(value: unknown): number {
  return countTextTokens(JSON.stringify(value) ?? '');
}

function countPartTokens(part: unknown): number {
  if (typeof part === 'string') return countTextTokens(part);
  if (typeof part !== 'object' || part === null) return 0;
  const { type, text } = part as { type?: unknown; text?: unknown };
  if (typeof text === 'string') return countTextTokens(text);
  if (typeof type === 'string' && MEDIA_PART_TYPES.has(type)) return NON_TEXT_PART_TOKENS;
  return countStructuredTokens(part);
}

/** Tokens of a message's content: a string, an array of parts, or nothing. */
export function countContentTokens(content: unknown): number {
  if (typeof content === 'string') return countTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) total += countPartTokens(part);
  return total;
}

export interface CountableMessage {
  content?: unknown;
  /** OpenAI assistant tool calls, counted as their JSON. */
  tool_calls?: unknown;
}

/** Prompt tokens of a conversation, plus any tool definitions sent with it. */
export function countConversationTokens(messages: readonly CountableMessage[], tools?: unknown): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += MESSAGE_OVERHEAD_TOKENS + countContentTokens(message.content);
    if (message.tool_calls !== undefined && message.tool_calls !== null) {
      total += countStructuredTokens(message.tool_calls);
    }
  }
  if (tools !== undefined && tools !== null) total += countStructuredTokens(tools);
  return total;
}
