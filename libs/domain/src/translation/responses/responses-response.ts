import type { OpenAiChatCompletion, OpenAiUsage } from '../openai-types';
import { UpstreamTranslationError } from '../translation-error';
import type {
  ResponsesEchoedFunctionTool,
  ResponsesError,
  ResponsesFunctionTool,
  ResponsesItemStatus,
  ResponsesOutputItem,
  ResponsesOutputMessage,
  ResponsesRequest,
  ResponsesResponse,
  ResponsesStatus,
  ResponsesSupportedToolChoice,
  ResponsesUsage,
} from './responses-types';

/** What the Response object needs that the completion does not say. */
export interface ResponsesAnswerContext {
  /** The Response's id (`resp_…`); every output item's id derives from it. */
  id: string;
  /** The model name the client asked for (the public alias). */
  model: string;
  /** Unix seconds. */
  createdAt: number;
  request: ResponsesRequest;
  previousResponseId: string | null;
  /** Whether the gateway keeps this response for a follow-up's previous_response_id. */
  store: boolean;
}

/** How the answer ended, in the Response's terms. */
export interface ResponsesOutcome {
  status: ResponsesStatus;
  output: ResponsesOutputItem[];
  usage: ResponsesUsage | null;
  incompleteDetails: ResponsesResponse['incomplete_details'];
  error: ResponsesError | null;
}

function idStemOf(context: ResponsesAnswerContext): string {
  return context.id.startsWith('resp_') ? context.id.slice('resp_'.length) : context.id;
}

/** The answer has one message item, so its id needs no counter. */
export function responsesMessageId(context: ResponsesAnswerContext): string {
  return `msg_${idStemOf(context)}`;
}

/** The id of the answer's `ordinal`-th function call item (from 0), whatever its position among the items. */
export function responsesFunctionCallId(context: ResponsesAnswerContext, ordinal: number): string {
  return `fc_${idStemOf(context)}_${ordinal}`;
}

/** OpenAI's `cached_tokens` and `reasoning_tokens` are parts of the prompt and completion counts, as in Responses. */
export function responsesUsageOf(usage: OpenAiUsage): ResponsesUsage {
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}

/** A chat finish reason as the Response's status: running out of tokens or being filtered leaves it incomplete. */
export function responsesEndingOf(
  finishReason: string | null | undefined,
): Pick<ResponsesOutcome, 'status' | 'incompleteDetails'> {
  if (finishReason === 'length') return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') {
    return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
  }
  return { status: 'completed', incompleteDetails: null };
}

/** The status of the answer's items: cut when the response is. */
export function responsesItemStatusOf(status: ResponsesStatus): ResponsesItemStatus {
  if (status === 'completed') return 'completed';
  return status === 'in_progress' ? 'in_progress' : 'incomplete';
}

/**
 * The Response object: the outcome, and the request's settings echoed with OpenAI's defaults where the client sent
 * none, as OpenAI's own Response carries them.
 */
export function responsesResponseOf(context: ResponsesAnswerContext, outcome: ResponsesOutcome): ResponsesResponse {
  const { request } = context;
  const response: ResponsesResponse = {
    id: context.id,
    object: 'response',
    created_at: context.createdAt,
    status: outcome.status,
    background: false,
    error: outcome.error,
    incomplete_details: outcome.incompleteDetails,
    instructions: typeof request.instructions === 'string' ? request.instructions : null,
    max_output_tokens: typeof request.max_output_tokens === 'number' ? request.max_output_tokens : null,
    model: context.model,
    output: outcome.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: context.previousResponseId,
    reasoning: { effort: null, summary: null },
    store: context.store,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' }, verbosity: request.text?.verbosity ?? 'medium' },
    tool_choice: echoedToolChoiceOf(request.tool_choice),
    tools: echoedToolsOf(request.tools),
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    metadata: request.metadata ?? {},
  };
  if (outcome.usage !== null) response.usage = outcome.usage;
  if (typeof request.user === 'string') response.user = request.user;
  if (typeof request.safety_identifier === 'string') response.safety_identifier = request.safety_identifier;
  return response;
}

function echoedToolChoiceOf(choice: ResponsesRequest['tool_choice']): ResponsesSupportedToolChoice {
  if (choice === 'none' || choice === 'auto' || choice === 'required') return choice;
  const name = (choice as { name?: unknown } | undefined)?.name;
  if (choice?.type === 'function' && typeof name === 'string') return { type: 'function', name };
  return 'auto';
}

function echoedToolsOf(tools: ResponsesRequest['tools']): ResponsesEchoedFunctionTool[] {
  return (tools ?? [])
    .filter((tool): tool is ResponsesFunctionTool => tool.type === 'function')
    .map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    }));
}

/**
 * Translates a chat completion into a Response: the assistant's text (or refusal) as one message item, then each
 * tool call as a function_call item whose `call_id` is the tool call's id (what the client sends back with the
 * result). Item ids derive from `context.id`, so the same answer always gives the same object.
 */
export function openAiChatResponseToResponses(
  completion: OpenAiChatCompletion,
  context: ResponsesAnswerContext,
): ResponsesResponse {
  const choice = completion.choices[0];
  if (choice === undefined) {
    throw new UpstreamTranslationError('malformed', 'api_error', 'The upstream answered without a choice.');
  }
  const ending = responsesEndingOf(choice.finish_reason);
  const itemStatus = responsesItemStatusOf(ending.status);
  const output: ResponsesOutputItem[] = [];

  const content: ResponsesOutputMessage['content'] = [];
  const { message } = choice;
  if (typeof message.content === 'string' && message.content !== '') {
    content.push({ type: 'output_text', text: message.content, annotations: [] });
  }
  if (typeof message.refusal === 'string' && message.refusal !== '') {
    content.push({ type: 'refusal', refusal: message.refusal });
  }
  if (content.length > 0) {
    output.push({ type: 'message', id: responsesMessageId(context), status: itemStatus, role: 'assistant', content });
  }
  (message.tool_calls ?? []).forEach((call, ordinal) => {
    output.push({
      type: 'function_call',
      id: responsesFunctionCallId(context, ordinal),
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: itemStatus,
    });
  });

  return responsesResponseOf(context, {
    ...ending,
    output,
    usage: completion.usage === undefined ? null : responsesUsageOf(completion.usage),
    error: null,
  });
}
