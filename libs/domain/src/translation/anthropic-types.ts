/**
 * The parts of Anthropic's Messages API that translation reads or writes. Outputs are assignable to the official
 * `@anthropic-ai/sdk` types (the specs prove it): e.g. text blocks carry `citations: null` and usage carries the
 * nullable fields the SDK declares as required.
 */

export type AnthropicImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  citations?: null;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: AnthropicImageMediaType; data: string } | { type: 'url'; url: string };
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | (AnthropicTextBlock | AnthropicImageBlock)[];
  is_error?: boolean;
}

/** Blocks translation does not map (documents, thinking, server tools) still have to type-check as input. */
export interface AnthropicOtherBlock {
  type: string;
}

export type AnthropicRequestBlock =
  AnthropicTextBlock | AnthropicImageBlock | AnthropicToolUseBlock | AnthropicToolResultBlock | AnthropicOtherBlock;

/** The blocks a translated request contains: every one of them has an OpenAI counterpart. */
export type AnthropicTranslatedBlock =
  AnthropicTextBlock | AnthropicImageBlock | AnthropicToolUseBlock | AnthropicToolResultBlock;

export interface AnthropicMessageParam<Block = AnthropicRequestBlock> {
  role: 'user' | 'assistant';
  content: string | Block[];
}

export interface AnthropicTool {
  type?: 'custom' | null;
  name: string;
  description?: string;
  input_schema: AnthropicInputSchema;
}

/** Anthropic requires a JSON schema of type object for tool input. */
export interface AnthropicInputSchema {
  type: 'object';
  [field: string]: unknown;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | AnthropicOtherBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stream?: boolean;
  /** Server and Anthropic-defined tools (bash, web search…) have a `type` and no `input_schema`. */
  tools?: (AnthropicTool | { type: string; name: string })[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id?: string | null };
  thinking?: { type: string };
}

/** What `openAiChatToAnthropicRequest` produces: only blocks and tools it knows how to build. */
export interface AnthropicTranslatedRequest extends Omit<
  AnthropicMessagesRequest,
  'messages' | 'tools' | 'thinking' | 'system'
> {
  system?: string;
  messages: AnthropicMessageParam<AnthropicTranslatedBlock>[];
  tools?: AnthropicTool[];
}

export type AnthropicStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: unknown;
  server_tool_use?: unknown;
  service_tier?: string | null;
}

/** Usage as translation writes it: every field the SDK declares, the ones without an OpenAI source null. */
export interface AnthropicTranslatedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: null;
  server_tool_use: null;
  service_tier: null;
}

export type AnthropicResponseBlock = AnthropicTextBlock | AnthropicToolUseBlock | AnthropicOtherBlock;

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/** One server-sent event: `event:` is the name, `data:` the parsed JSON payload. */
export interface AnthropicStreamEvent {
  event: string;
  data: unknown;
}

export function isAnthropicTextBlock(block: AnthropicOtherBlock): block is AnthropicTextBlock {
  return block.type === 'text' && typeof (block as { text?: unknown }).text === 'string';
}

export function isAnthropicToolUseBlock(block: AnthropicOtherBlock): block is AnthropicToolUseBlock {
  return block.type === 'tool_use' && typeof (block as { id?: unknown }).id === 'string';
}

export function isAnthropicImageBlock(block: AnthropicOtherBlock): block is AnthropicImageBlock {
  return block.type === 'image' && typeof (block as { source?: unknown }).source === 'object';
}

export function isAnthropicToolResultBlock(block: AnthropicOtherBlock): block is AnthropicToolResultBlock {
  return block.type === 'tool_result' && typeof (block as { tool_use_id?: unknown }).tool_use_id === 'string';
}
