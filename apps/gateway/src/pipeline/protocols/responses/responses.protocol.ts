import {
  type OpenAiChatRequest,
  outputAllowance,
  type ResponsesAnswerContext,
  type ResponsesInputItem,
  type ResponsesRequest,
  responsesRequestToOpenAiChat,
  TranslationError,
} from '@gatehouse/domain';
import { bodyBytesOf, type ModelCall, type ModelProtocol } from '../model-call';
import { chatCompletionsCallFor } from '../openai/openai.protocol';
import { type OpenAiRequestBody } from '../openai/openai-request';
import { parseRequestBody } from '../parameter-checks';
import { unsupportedByTranslation } from '../protocol-errors';
import { ResponsesAnswer, type ResponsesState } from './responses-answer';
import { responsesRequestSchema } from './responses-request';

/** What the protocol needs of the responses store: the conversations it carries on, and where answers are kept. */
export interface ResponsesStateAccess extends ResponsesState {
  readonly enabled: boolean;
  /** The conversation of the tenant's response `id`; a 400 naming `previous_response_id` when there is none. */
  conversation(tenantId: string, id: string): Promise<ResponsesInputItem[]>;
}

/**
 * OpenAI's Responses API (`POST /v1/responses`), served as chat completions: the request (with the conversation its
 * `previous_response_id` carries on) is translated to a chat completions body, which is the call's body for every
 * stage (the input estimate, the content policies that rewrite it, the output guard), and goes upstream exactly as
 * a chat completion does; the answer comes back through `ResponsesAnswer`, which writes the Response object or its
 * events and keeps the response for the tenant when asked.
 */
export function responsesProtocol(defaultMaxTokens: number, state: ResponsesStateAccess): ModelProtocol {
  return {
    client: 'openai',
    endpoint: 'responses',
    route: '/v1/responses',
    async read(rawBody, headers, { tenantId, requestId }): Promise<ModelCall> {
      const request = parseRequestBody(responsesRequestSchema, rawBody, 'brackets') as ResponsesRequest;
      const previousResponseId = request.previous_response_id ?? null;
      const history = previousResponseId === null ? [] : await state.conversation(tenantId, previousResponseId);
      const chat = chatBodyOf(request, history);
      const stream = request.stream === true;
      // The answer's maximum, which the limits reserve for: the client's cap, or the gateway's default sent upstream.
      const allowance = outputAllowance('responses', chat, defaultMaxTokens);
      const context: ResponsesAnswerContext = {
        id: responseIdOf(requestId),
        model: request.model,
        createdAt: Math.floor(Date.now() / 1000),
        request,
        previousResponseId,
        // Kept unless the client said not to; a gateway that keeps none says so on every answer.
        store: request.store !== false && state.enabled,
      };
      return {
        endpoint: 'responses',
        model: request.model,
        stream,
        // A stream's Response carries its usage: the usage chunk must reach the answer.
        includeUsage: true,
        body: chat,
        requestParameters: Object.keys(rawBody as Record<string, unknown>),
        maxOutputTokens: allowance.maxOutputTokens,
        outputCapParam: typeof request.max_output_tokens === 'number' ? 'max_output_tokens' : null,
        bodyBytes: bodyBytesOf(headers),
        callFor: (type) => chatCompletionsCallFor(type, chat, stream, allowance.capToSend, defaultMaxTokens),
        answerAdapter: new ResponsesAnswer(state, tenantId, context, history),
      };
    },
  };
}

/**
 * A response's id names its call: `resp_` and the request id (`x-request-id`, the call log's name for it) without
 * its dashes, so one id finds the call in the log and the response in the store.
 */
export function responseIdOf(requestId: string): string {
  return `resp_${requestId.replaceAll('-', '')}`;
}

/** The chat completions body a Responses request becomes; what chat completions cannot express is a 400. */
function chatBodyOf(request: ResponsesRequest, history: ResponsesInputItem[]): OpenAiRequestBody {
  let chat: OpenAiChatRequest;
  try {
    chat = responsesRequestToOpenAiChat(request, { history });
  } catch (error) {
    if (error instanceof TranslationError) throw unsupportedByTranslation(error);
    throw error;
  }
  return chat as unknown as OpenAiRequestBody;
}
