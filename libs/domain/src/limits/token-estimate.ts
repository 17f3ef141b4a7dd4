/**
 * How many tokens a request may use, known before it runs: the input counted (or safely over-estimated) offline,
 * plus the output allowance. The gateway reserves quotas and budgets for this worst case and settles to the
 * provider's real count afterwards, so an estimate that is too high only holds budget a little longer; one that
 * is too low lets settlement go above the reservation (recorded, never lost).
 */

/**
 * The LLM endpoints whose bodies are read here (the names usage events use). A `responses` call (OpenAI's Responses
 * API) is read as the chat completions body the gateway translates it to, so it counts exactly as chat does.
 */
export type LlmEndpoint = 'chat.completions' | 'completions' | 'embeddings' | 'messages' | 'responses';

/**
 * Counts a request body's input tokens. The conservative estimator below needs no model data; a tokenizer-backed
 * implementation (e.g. `gpt-tokenizer` for OpenAI models) can replace it per model family.
 */
export interface InputTokenEstimator {
  estimateInputTokens(endpoint: LlmEndpoint, body: Record<string, unknown>): number;
}

/** Tokens reserved for one image part: above what OpenAI (≤ ~1 105 at high detail) and Anthropic (≤ ~1 600) charge. */
export const IMAGE_TOKEN_ALLOWANCE = 2_000;
/** OpenAI's chat format adds a few tokens per message (role, separators) and a few to prime the answer. */
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_REQUEST = 3;

/**
 * A safe upper estimate with no tokenizer: ⌈UTF-8 bytes / 2⌉ of every input-bearing field (as JSON, so keys and
 * quotes count too), plus per-message overhead. BPE tokenizers average about 4 bytes a token on English and
 * rarely fall below 2 bytes a token on anything but emoji-heavy or random text, so this usually reserves about
 * twice the real count. Images count a fixed allowance (their base64 bytes say nothing about their tokens);
 * token arrays (pre-tokenized prompts or embedding inputs) count exactly.
 */
export class ConservativeTokenEstimator implements InputTokenEstimator {
  estimateInputTokens(endpoint: LlmEndpoint, body: Record<string, unknown>): number {
    switch (endpoint) {
      case 'chat.completions':
      case 'responses':
        return (
          TOKENS_PER_REQUEST +
          messagesTokens(body['messages']) +
          jsonTokens(body['tools']) +
          jsonTokens(body['functions']) +
          jsonTokens(body['response_format']) +
          jsonTokens(body['tool_choice'])
        );
      case 'messages':
        return (
          TOKENS_PER_REQUEST +
          contentTokens(body['system']) +
          messagesTokens(body['messages']) +
          jsonTokens(body['tools']) +
          jsonTokens(body['tool_choice'])
        );
      case 'completions':
        return TOKENS_PER_REQUEST + promptTokens(body['prompt']);
      case 'embeddings':
        return promptTokens(body['input']);
    }
  }
}

function messagesTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return jsonTokens(messages);
  let total = 0;
  for (const message of messages) {
    if (!isObject(message)) {
      total += TOKENS_PER_MESSAGE + jsonTokens(message);
      continue;
    }
    const { content, ...rest } = message;
    total += TOKENS_PER_MESSAGE + contentTokens(content) + jsonTokens(rest);
  }
  return total;
}

/** A message's content: a string, or parts/blocks of which images count a fixed allowance. */
function contentTokens(content: unknown): number {
  if (typeof content === 'string') return halfBytes(content);
  if (!Array.isArray(content)) return jsonTokens(content);
  let total = 0;
  for (const part of content) {
    if (isImagePart(part)) total += IMAGE_TOKEN_ALLOWANCE;
    else if (isObject(part) && part['type'] === 'tool_result') {
      // Anthropic nests blocks (images too) inside a tool result.
      const { content: nested, ...rest } = part;
      total += contentTokens(nested) + jsonTokens(rest);
    } else total += jsonTokens(part);
  }
  return total;
}

function isImagePart(part: unknown): boolean {
  return isObject(part) && (part['type'] === 'image_url' || part['type'] === 'image' || part['type'] === 'input_image');
}

/** A prompt or an embedding input: a string, an array of strings, a token array, or an array of token arrays. */
function promptTokens(prompt: unknown): number {
  if (typeof prompt === 'string') return halfBytes(prompt);
  if (!Array.isArray(prompt)) return jsonTokens(prompt);
  if (prompt.every((item) => typeof item === 'number')) return prompt.length;
  let total = 0;
  for (const item of prompt) total += promptTokens(item);
  return total;
}

function jsonTokens(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return halfBytes(JSON.stringify(value) ?? '');
}

function halfBytes(text: string): number {
  return Math.ceil(utf8Length(text) / 2);
}

/** UTF-8 length without allocating an encoded copy (bodies can be megabytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export interface OutputAllowance {
  /** The most output tokens the call can produce: the client's cap (times `n` choices), else the default cap. */
  maxOutputTokens: number;
  /**
   * Set when the client gave no cap: the gateway must send this `max_tokens` (or `max_completion_tokens`)
   * upstream, or the reservation would not bound the answer.
   */
  capToSend: number | null;
}

/**
 * The output allowance of a request: `max_completion_tokens` or `max_tokens` as the client set it, else
 * `defaultMaxTokens` (which the gateway then sends upstream). Chat and completions multiply by `n` (and
 * completions by `best_of`, which generates that many server-side). Embeddings produce no output tokens. A
 * `responses` body is its chat translation: `max_output_tokens` is its `max_completion_tokens`, and it has no `n`.
 */
export function outputAllowance(
  endpoint: LlmEndpoint,
  body: Record<string, unknown>,
  defaultMaxTokens: number,
): OutputAllowance {
  if (endpoint === 'embeddings') return { maxOutputTokens: 0, capToSend: null };
  const requested = positiveInteger(body['max_completion_tokens']) ?? positiveInteger(body['max_tokens']) ?? null;
  const perChoice = requested ?? defaultMaxTokens;
  const choices =
    endpoint === 'messages'
      ? 1
      : Math.max(
          positiveInteger(body['n']) ?? 1,
          endpoint === 'completions' ? (positiveInteger(body['best_of']) ?? 1) : 1,
        );
  return { maxOutputTokens: perChoice * choices, capToSend: requested === null ? defaultMaxTokens : null };
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
