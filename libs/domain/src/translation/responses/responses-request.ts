import type {
  OpenAiAssistantMessage,
  OpenAiChatMessage,
  OpenAiChatRequest,
  OpenAiContentPart,
  OpenAiFunctionTool,
  OpenAiToolChoice,
} from '../openai-types';
import { TranslationError } from '../translation-error';
import type {
  ResponsesContentPart,
  ResponsesFunctionCallItem,
  ResponsesFunctionCallOutputItem,
  ResponsesFunctionTool,
  ResponsesInputImage,
  ResponsesInputItem,
  ResponsesMessageItem,
  ResponsesRequest,
  ResponsesResponse,
  ResponsesTextFormat,
  ResponsesToolChoice,
} from './responses-types';

export interface ResponsesToOpenAiChatOptions {
  /** The conversation so far as input items (a stored response's input and output, for previous_response_id). */
  history: ResponsesInputItem[];
}

/**
 * Translates a Responses API request into a chat completions request. Throws `TranslationError` (400, with the path
 * of the field in the client's body) for what chat completions cannot express rather than dropping it: hosted tools,
 * item references, file inputs, background mode. Settings that only concern the stored Response (`store`,
 * `metadata`, `previous_response_id`, `truncation`, `include`) or have no chat equivalent the gateway sends
 * (`reasoning`) are not sent upstream.
 */
export function responsesRequestToOpenAiChat(
  request: ResponsesRequest,
  options: ResponsesToOpenAiChatOptions,
): OpenAiChatRequest {
  rejectUnsupportedFields(request);

  const messages: OpenAiChatMessage[] = [];
  if (typeof request.instructions === 'string' && request.instructions !== '') {
    messages.push({ role: 'system', content: request.instructions });
  }
  // Stored items were accepted once already; if one cannot be replayed, the field that brought it in is to blame.
  options.history.forEach((item, index) => appendItem(messages, item, { param: 'previous_response_id', index }));
  inputItemsOf(request.input).forEach((item, index) => appendItem(messages, item, { param: 'input', index }));
  if (!messages.some((message) => message.role !== 'system')) {
    throw new TranslationError('input', 'input must contain at least one message.');
  }

  const chat: OpenAiChatRequest = { model: request.model, messages };
  if (isNumber(request.max_output_tokens)) chat.max_completion_tokens = request.max_output_tokens;
  if (isNumber(request.temperature)) chat.temperature = request.temperature;
  if (isNumber(request.top_p)) chat.top_p = request.top_p;
  if (typeof request.parallel_tool_calls === 'boolean') chat.parallel_tool_calls = request.parallel_tool_calls;
  if (typeof request.user === 'string') chat.user = request.user;
  if (typeof request.safety_identifier === 'string') chat.safety_identifier = request.safety_identifier;
  if (request.stream === true) {
    chat.stream = true;
    // The Response's usage comes from the upstream's last chunk, which it only sends when asked.
    chat.stream_options = { include_usage: true };
  }
  const tools = (request.tools ?? []).map(chatToolOf);
  if (tools.length > 0) chat.tools = tools;
  if (request.tool_choice !== undefined && request.tool_choice !== null) {
    chat.tool_choice = chatToolChoiceOf(request.tool_choice);
  }
  const format = request.text?.format;
  if (format !== undefined && format !== null) {
    const responseFormat = responseFormatOf(format);
    if (responseFormat !== null) chat.response_format = responseFormat;
  }
  return chat;
}

/** The items a stored response contributes to a follow-up's history: its input then its output. */
export function responsesConversationItems(
  request: ResponsesRequest,
  response: ResponsesResponse,
): ResponsesInputItem[] {
  return [...inputItemsOf(request.input), ...response.output];
}

function inputItemsOf(input: ResponsesRequest['input']): ResponsesInputItem[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  return input;
}

function rejectUnsupportedFields(request: ResponsesRequest): void {
  if (request.background === true) {
    throw new TranslationError('background', 'Background responses are not supported by this gateway.');
  }
  if (request['conversation'] !== undefined && request['conversation'] !== null) {
    throw new TranslationError('conversation', 'Conversations are not supported; use previous_response_id.');
  }
  if (request['prompt'] !== undefined && request['prompt'] !== null) {
    throw new TranslationError('prompt', 'Stored prompt templates are not supported by this gateway.');
  }
  const input: unknown = request.input;
  if (input !== undefined && input !== null && typeof input !== 'string' && !Array.isArray(input)) {
    throw new TranslationError('input', 'input must be a string or an array of input items.');
  }
}

interface ItemOrigin {
  /** `input`, or `previous_response_id` for a stored item. */
  param: string;
  index: number;
}

function pathOf(origin: ItemOrigin, field: string): string {
  return origin.param === 'input' ? `input[${origin.index}]${field}` : origin.param;
}

function appendItem(messages: OpenAiChatMessage[], item: ResponsesInputItem, origin: ItemOrigin): void {
  if (typeof item !== 'object' || item === null) {
    throw new TranslationError(pathOf(origin, ''), 'Each input item must be an object.');
  }
  // The short form of a message has no type; an item reference (`{ id }`) may have none either.
  const type = item.type ?? ('role' in item ? 'message' : 'item_reference');
  switch (type) {
    case 'message':
      messages.push(messageOf(item as ResponsesMessageItem, origin));
      return;
    case 'function_call':
      appendFunctionCall(messages, item as ResponsesFunctionCallItem);
      return;
    case 'function_call_output':
      messages.push(toolMessageOf(item as ResponsesFunctionCallOutputItem, origin));
      return;
    case 'reasoning':
      // The upstream's chat API has no place for a reasoning item (and it carries no text the model needs back).
      return;
    default:
      throw new TranslationError(
        pathOf(origin, '.type'),
        origin.param === 'input'
          ? `Input item type ${type} is not supported by this gateway.`
          : `The stored conversation contains an item of type ${type} that this gateway cannot replay.`,
      );
  }
}

function messageOf(item: ResponsesMessageItem, origin: ItemOrigin): OpenAiChatMessage {
  const at = pathOf(origin, '.content');
  switch (item.role) {
    case 'user':
      return { role: 'user', content: userContentOf(item.content, at) };
    case 'system':
    case 'developer':
      return { role: item.role, content: textOf(item.content, at, ['input_text']) };
    case 'assistant':
      // An earlier answer comes back as output_text and refusal parts; short-form history may use input_text.
      return { role: 'assistant', content: textOf(item.content, at, ['output_text', 'input_text', 'refusal']) };
    default:
      throw new TranslationError(
        pathOf(origin, '.role'),
        `Role ${String(item.role)} is not supported; use user, assistant, system or developer.`,
      );
  }
}

function userContentOf(content: ResponsesMessageItem['content'], at: string): string | OpenAiContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new TranslationError(at, 'content must be a string or an array of parts.');
  return content.map((part, index): OpenAiContentPart => {
    const partAt = `${at}[${index}]`;
    if (part.type === 'input_text') return { type: 'text', text: textOfPart(part, partAt) };
    if (part.type === 'input_image') return imagePartOf(part as ResponsesInputImage, partAt);
    throw new TranslationError(`${partAt}.type`, `Content part type ${part.type} is not supported by this gateway.`);
  });
}

function imagePartOf(part: ResponsesInputImage, at: string): OpenAiContentPart {
  if (typeof part.image_url !== 'string' || part.image_url === '') {
    if (typeof part.file_id === 'string') {
      throw new TranslationError(
        `${at}.file_id`,
        'Images by file_id are not supported; send an image_url or a data: URL.',
      );
    }
    throw new TranslationError(`${at}.image_url`, 'input_image needs an image_url (an https or data: URL).');
  }
  const detail = part.detail ?? 'auto';
  if (detail !== 'auto' && detail !== 'low' && detail !== 'high') {
    throw new TranslationError(
      `${at}.detail`,
      `Image detail ${String(detail)} is not supported; use auto, low or high.`,
    );
  }
  return { type: 'image_url', image_url: { url: part.image_url, detail } };
}

/** The text of content that chat completions only takes as text (system, assistant, tool output). */
function textOf(content: string | ResponsesContentPart[], at: string, textTypes: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new TranslationError(at, 'content must be a string or an array of parts.');
  return content
    .map((part, index) => {
      const partAt = `${at}[${index}]`;
      if (!textTypes.includes(part.type)) {
        throw new TranslationError(`${partAt}.type`, `Content part type ${part.type} is not supported here.`);
      }
      return part.type === 'refusal' ? refusalOfPart(part, partAt) : textOfPart(part, partAt);
    })
    .join('');
}

function textOfPart(part: ResponsesContentPart, at: string): string {
  const text = (part as { text?: unknown }).text;
  if (typeof text !== 'string') throw new TranslationError(`${at}.text`, 'text must be a string.');
  return text;
}

function refusalOfPart(part: ResponsesContentPart, at: string): string {
  const refusal = (part as { refusal?: unknown }).refusal;
  if (typeof refusal !== 'string') throw new TranslationError(`${at}.refusal`, 'refusal must be a string.');
  return refusal;
}

/**
 * Consecutive function calls are one assistant turn that called several tools at once: they join the assistant
 * message before them (its text, or earlier calls), so parallel calls reach the upstream as parallel tool_calls.
 */
function appendFunctionCall(messages: OpenAiChatMessage[], item: ResponsesFunctionCallItem): void {
  const call = {
    id: item.call_id,
    type: 'function' as const,
    function: { name: item.name, arguments: item.arguments },
  };
  const previous = messages.at(-1);
  if (previous?.role === 'assistant') {
    const assistant = previous as OpenAiAssistantMessage;
    assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [call] });
}

function toolMessageOf(item: ResponsesFunctionCallOutputItem, origin: ItemOrigin): OpenAiChatMessage {
  return {
    role: 'tool',
    tool_call_id: item.call_id,
    content: textOf(item.output, pathOf(origin, '.output'), ['input_text']),
  };
}

function chatToolOf(tool: ResponsesFunctionTool | { type: string }, index: number): OpenAiFunctionTool {
  if (tool.type !== 'function') {
    throw new TranslationError(`tools[${index}].type`, `Tool type ${tool.type} is not supported by this gateway.`);
  }
  const { name, description, parameters, strict } = tool as ResponsesFunctionTool;
  if (typeof name !== 'string' || name === '') {
    throw new TranslationError(`tools[${index}].name`, 'A function tool needs a name.');
  }
  const chatFunction: OpenAiFunctionTool['function'] = { name };
  if (typeof description === 'string') chatFunction.description = description;
  if (parameters !== undefined && parameters !== null) chatFunction.parameters = parameters;
  // Unset, Responses enforces strict mode only when the schema allows it; chat's default (not strict) is the safe
  // reading of that, as strict mode would refuse the schemas Responses falls back on.
  if (typeof strict === 'boolean') chatFunction.strict = strict;
  return { type: 'function', function: chatFunction };
}

function chatToolChoiceOf(choice: ResponsesToolChoice): OpenAiToolChoice {
  if (choice === 'none' || choice === 'auto' || choice === 'required') return choice;
  if (typeof choice === 'object' && choice.type === 'function') {
    const name = (choice as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return { type: 'function', function: { name } };
    throw new TranslationError('tool_choice.name', 'A function tool_choice needs the function name.');
  }
  throw new TranslationError('tool_choice', 'tool_choice must be none, auto, required or a named function.');
}

function responseFormatOf(format: ResponsesTextFormat): OpenAiChatRequest['response_format'] {
  switch (format.type) {
    case 'text':
      return null; // chat's default
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const { name, schema, description, strict } = format as Partial<Extract<ResponsesTextFormat, { name: string }>>;
      if (typeof name !== 'string' || name === '') {
        throw new TranslationError('text.format.name', 'A json_schema format needs a name.');
      }
      const jsonSchema: NonNullable<NonNullable<OpenAiChatRequest['response_format']>['json_schema']> = { name };
      if (schema !== undefined) jsonSchema.schema = schema;
      if (typeof description === 'string') jsonSchema.description = description;
      if (strict !== undefined) jsonSchema.strict = strict;
      return { type: 'json_schema', json_schema: jsonSchema };
    }
    default:
      throw new TranslationError(
        'text.format.type',
        `Text format ${String((format as { type?: unknown }).type)} is not supported; use text, json_object or json_schema.`,
      );
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}
