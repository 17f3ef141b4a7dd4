/**
 * The parts of OpenAI's chat completions API that translation reads or writes. Minimal on purpose: unknown request
 * fields are tolerated (the SDKs add some), and the outputs are assignable to the official SDK types (the specs
 * prove it), so an OpenAI client cannot tell a translated answer from a native one.
 */

export interface OpenAiTextPart {
  type: 'text';
  text: string;
}

export interface OpenAiImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

/** Parts translation does not support (audio, files, refusals) still have to type-check as input. */
export interface OpenAiOtherPart {
  type: string;
}

export type OpenAiContentPart = OpenAiTextPart | OpenAiImagePart | OpenAiOtherPart;

export interface OpenAiFunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiSystemMessage {
  role: 'system' | 'developer';
  content: string | OpenAiContentPart[];
  name?: string;
}

export interface OpenAiUserMessage {
  role: 'user';
  content: string | OpenAiContentPart[];
  name?: string;
}

/** OpenAI's custom (free-text) tool calls: accepted by the type so that they can be refused with a `param`. */
export interface OpenAiCustomToolCall {
  id: string;
  type: 'custom';
  custom: { name: string; input: string };
}

export interface OpenAiAssistantMessage {
  role: 'assistant';
  content?: string | OpenAiContentPart[] | null;
  tool_calls?: (OpenAiFunctionToolCall | OpenAiCustomToolCall)[] | null;
  refusal?: string | null;
  name?: string;
}

export interface OpenAiToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string | OpenAiContentPart[];
}

/** The deprecated `function` role: accepted by the type so that it can be refused with a `param`. */
export interface OpenAiFunctionMessage {
  role: 'function';
  name: string;
  content: string | null;
}

export type OpenAiChatMessage =
  OpenAiSystemMessage | OpenAiUserMessage | OpenAiAssistantMessage | OpenAiToolMessage | OpenAiFunctionMessage;

export interface OpenAiFunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

export type OpenAiToolChoice = 'none' | 'auto' | 'required' | { type: string; function?: { name: string } };

export interface OpenAiChatRequest {
  model: string;
  messages: OpenAiChatMessage[];
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null } | null;
  tools?: (OpenAiFunctionTool | { type: 'custom'; custom: unknown })[] | null;
  tool_choice?: OpenAiToolChoice | null;
  parallel_tool_calls?: boolean;
  user?: string | null;
  logprobs?: boolean | null;
  response_format?: {
    type: string;
    json_schema?: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
  } | null;
  modalities?: string[] | null;
  /** OpenAI's successor to `user`. */
  safety_identifier?: string | null;
}

export function isOpenAiTextPart(part: OpenAiContentPart): part is OpenAiTextPart {
  return part.type === 'text' && typeof (part as { text?: unknown }).text === 'string';
}

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number };
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  };
}

export interface OpenAiChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: string | null;
      annotations?: never[];
      tool_calls?: OpenAiFunctionToolCall[];
    };
    logprobs: null;
    finish_reason: OpenAiFinishReason;
  }[];
  usage?: OpenAiUsage;
  system_fingerprint?: string;
}

export interface OpenAiToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OpenAiChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      refusal?: string | null;
      tool_calls?: OpenAiToolCallDelta[];
    };
    logprobs?: null;
    finish_reason: OpenAiFinishReason | null;
  }[];
  usage?: OpenAiUsage | null;
  system_fingerprint?: string;
}

/** The sentinel that ends an OpenAI stream (`data: [DONE]`). */
export const OPENAI_STREAM_DONE = '[DONE]';
export type OpenAiStreamDone = typeof OPENAI_STREAM_DONE;
