/**
 * The parts of OpenAI's Responses API that the gateway reads or writes, checked against the official SDK's types
 * (`openai/resources/responses/responses`): the request and its input items are loose enough to take any SDK request
 * (so unsupported items can be refused with a `param`), the Response object and stream events are exact enough that
 * the SDK parses them (the specs prove both).
 */

export interface ResponsesInputText {
  type: 'input_text';
  text: string;
}

export interface ResponsesInputImage {
  type: 'input_image';
  image_url?: string | null;
  file_id?: string | null;
  detail?: 'low' | 'high' | 'auto' | 'original';
}

/** Text the gateway answers: it never adds annotations (citations come from hosted tools it does not offer). */
export interface ResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations: never[];
}

/** An earlier answer's text, sent back as input: whatever annotations it carries are not replayed. */
export interface ResponsesInputOutputText {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
}

export interface ResponsesRefusal {
  type: 'refusal';
  refusal: string;
}

/** Parts the translation does not support (files, audio) still have to type-check as input. */
export interface ResponsesOtherPart {
  type: string;
}

export type ResponsesContentPart =
  ResponsesInputText | ResponsesInputImage | ResponsesInputOutputText | ResponsesRefusal | ResponsesOtherPart;

/** A message, in the short form (`{ role, content }`) or as a typed item (`type: 'message'`, an earlier output). */
export interface ResponsesMessageItem {
  type?: 'message';
  id?: string;
  role: 'user' | 'assistant' | 'system' | 'developer';
  content: string | ResponsesContentPart[];
  status?: ResponsesItemStatus;
}

export interface ResponsesFunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: ResponsesItemStatus;
}

export interface ResponsesFunctionCallOutputItem {
  type: 'function_call_output';
  id?: string | null;
  call_id: string;
  output: string | ResponsesContentPart[];
  status?: ResponsesItemStatus | null;
}

/** Reasoning, item references, hosted tool calls: accepted by the type so that they can be dropped or refused. */
export interface ResponsesOtherItem {
  type?: string | null;
}

export type ResponsesInputItem =
  ResponsesMessageItem | ResponsesFunctionCallItem | ResponsesFunctionCallOutputItem | ResponsesOtherItem;

export type ResponsesItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface ResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

/** Hosted tools (web_search, file_search, computer_use, mcp ...): accepted by the type so they can be refused. */
export interface ResponsesOtherTool {
  type: string;
}

export type ResponsesTool = ResponsesFunctionTool | ResponsesOtherTool;

export interface ResponsesFunctionToolChoice {
  type: 'function';
  name: string;
}

/** The choices the gateway can express: hosted tool types and allowed_tools are refused with a `param`. */
export type ResponsesSupportedToolChoice = 'none' | 'auto' | 'required' | ResponsesFunctionToolChoice;

export type ResponsesToolChoice = ResponsesSupportedToolChoice | { type: string };

export interface ResponsesJsonSchemaFormat {
  type: 'json_schema';
  name: string;
  schema: Record<string, unknown>;
  description?: string;
  strict?: boolean | null;
}

export type ResponsesTextFormat = { type: 'text' } | { type: 'json_object' } | ResponsesJsonSchemaFormat;

export interface ResponsesTextConfig {
  format?: ResponsesTextFormat;
  verbosity?: 'low' | 'medium' | 'high' | null;
}

export interface ResponsesRequest {
  model: string;
  input?: string | ResponsesInputItem[];
  instructions?: string | null;
  tools?: ResponsesTool[];
  tool_choice?: ResponsesToolChoice;
  parallel_tool_calls?: boolean | null;
  text?: ResponsesTextConfig | null;
  temperature?: number | null;
  top_p?: number | null;
  max_output_tokens?: number | null;
  stream?: boolean | null;
  store?: boolean | null;
  previous_response_id?: string | null;
  metadata?: Record<string, string> | null;
  user?: string;
  /** OpenAI's successor to `user`. */
  safety_identifier?: string | null;
  truncation?: 'auto' | 'disabled' | null;
  background?: boolean | null;
  [other: string]: unknown;
}

// --- the answer --------------------------------------------------------------------------------------------------

export interface ResponsesOutputMessage {
  type: 'message';
  id: string;
  status: ResponsesItemStatus;
  role: 'assistant';
  content: (ResponsesOutputText | ResponsesRefusal)[];
}

export interface ResponsesOutputFunctionCall {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ResponsesItemStatus;
}

export type ResponsesOutputItem = ResponsesOutputMessage | ResponsesOutputFunctionCall;

export type ResponsesStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** The codes of a failed Response's `error` that an upstream failure can honestly be reported as. */
export interface ResponsesError {
  code: 'server_error' | 'rate_limit_exceeded';
  message: string;
}

/** The function tools of the request as OpenAI echoes them (every field present). */
export interface ResponsesEchoedFunctionTool {
  type: 'function';
  name: string;
  description: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean | null;
}

export interface ResponsesResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponsesStatus;
  background: boolean;
  error: ResponsesError | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponsesOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: null; summary: null };
  store: boolean;
  temperature: number;
  text: { format: ResponsesTextFormat; verbosity: 'low' | 'medium' | 'high' };
  tool_choice: ResponsesSupportedToolChoice;
  tools: ResponsesEchoedFunctionTool[];
  top_p: number;
  truncation: 'auto' | 'disabled';
  /** Absent while the response is in progress, and when the upstream never reported it. */
  usage?: ResponsesUsage;
  user?: string;
  safety_identifier?: string | null;
  metadata: Record<string, string>;
}

// --- the stream ----------------------------------------------------------------------------------------------------

interface SequencedEvent {
  sequence_number: number;
}

export interface ResponsesLifecycleEvent extends SequencedEvent {
  type: 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed';
  response: ResponsesResponse;
}

export interface ResponsesOutputItemEvent extends SequencedEvent {
  type: 'response.output_item.added' | 'response.output_item.done';
  output_index: number;
  item: ResponsesOutputItem;
}

export interface ResponsesContentPartEvent extends SequencedEvent {
  type: 'response.content_part.added' | 'response.content_part.done';
  item_id: string;
  output_index: number;
  content_index: number;
  part: ResponsesOutputText | ResponsesRefusal;
}

export interface ResponsesOutputTextDeltaEvent extends SequencedEvent {
  type: 'response.output_text.delta';
  item_id: string;
  output_index: number;
  content_index: number;
  delta: string;
  logprobs: never[];
}

export interface ResponsesOutputTextDoneEvent extends SequencedEvent {
  type: 'response.output_text.done';
  item_id: string;
  output_index: number;
  content_index: number;
  text: string;
  logprobs: never[];
}

export interface ResponsesRefusalDeltaEvent extends SequencedEvent {
  type: 'response.refusal.delta';
  item_id: string;
  output_index: number;
  content_index: number;
  delta: string;
}

export interface ResponsesRefusalDoneEvent extends SequencedEvent {
  type: 'response.refusal.done';
  item_id: string;
  output_index: number;
  content_index: number;
  refusal: string;
}

export interface ResponsesFunctionCallArgumentsDeltaEvent extends SequencedEvent {
  type: 'response.function_call_arguments.delta';
  item_id: string;
  output_index: number;
  delta: string;
}

export interface ResponsesFunctionCallArgumentsDoneEvent extends SequencedEvent {
  type: 'response.function_call_arguments.done';
  item_id: string;
  output_index: number;
  name: string;
  arguments: string;
}

export interface ResponsesErrorEvent extends SequencedEvent {
  type: 'error';
  code: string | null;
  message: string;
  param: string | null;
}

export type ResponsesStreamEvent =
  | ResponsesLifecycleEvent
  | ResponsesOutputItemEvent
  | ResponsesContentPartEvent
  | ResponsesOutputTextDeltaEvent
  | ResponsesOutputTextDoneEvent
  | ResponsesRefusalDeltaEvent
  | ResponsesRefusalDoneEvent
  | ResponsesFunctionCallArgumentsDeltaEvent
  | ResponsesFunctionCallArgumentsDoneEvent
  | ResponsesErrorEvent;
