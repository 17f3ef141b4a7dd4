import {
  type OpenAiChatRequest,
  openAiChatToAnthropicRequest,
  outputAllowance,
  TranslationError,
} from '@gatehouse/domain';
import { protocolOfProvider, type UpstreamProviderType } from '../../../upstream';
import { endpointNotSupported, unsupportedByTranslation } from '../protocol-errors';
import { bodyBytesOf, type ModelCall, type ModelProtocol, type UpstreamCallPlan } from '../model-call';
import { parseRequestBody } from '../parameter-checks';
import {
  chatCompletionRequestSchema,
  completionRequestSchema,
  embeddingRequestSchema,
  type OpenAiRequestBody,
} from './openai-request';

/** The OpenAI-format endpoints the gateway serves. */
export type OpenAiEndpoint = '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings';

const ENDPOINTS = {
  '/v1/chat/completions': { name: 'chat.completions', schema: chatCompletionRequestSchema, streamable: true },
  '/v1/completions': { name: 'completions', schema: completionRequestSchema, streamable: true },
  '/v1/embeddings': { name: 'embeddings', schema: embeddingRequestSchema, streamable: false },
} as const;

/**
 * OpenAI's endpoints: to OpenAI-format upstreams at the same path with the body unchanged but for the model (and
 * the output cap the reservation counts on); chat completions also to Anthropic-format upstreams, translated to
 * Anthropic's Messages API.
 */
export function openAiProtocol(endpoint: OpenAiEndpoint, defaultMaxTokens: number): ModelProtocol {
  const { name, schema, streamable } = ENDPOINTS[endpoint];
  return {
    client: 'openai',
    endpoint: name,
    route: endpoint,
    read(rawBody, headers): ModelCall {
      const body: OpenAiRequestBody = parseRequestBody(schema, rawBody);
      const stream = streamable && body.stream === true;
      // The answer's maximum, which the limits reserve for: the client's cap, or the gateway's default sent upstream.
      const allowance = outputAllowance(name, body, defaultMaxTokens);
      return {
        endpoint: name,
        model: body.model,
        stream,
        includeUsage: body.stream_options?.include_usage === true,
        body,
        maxOutputTokens: allowance.maxOutputTokens,
        outputCapParam: outputCapParamOf(body),
        bodyBytes: bodyBytesOf(headers),
        callFor: (type) => callFor(type, endpoint, body, stream, allowance.capToSend, defaultMaxTokens),
      };
    },
  };
}

/**
 * How a chat completion goes to providers of `type`: the same body to OpenAI-format ones, translated to Anthropic's
 * Messages API for Anthropic-format ones. The Responses API, which the gateway serves as chat completions, goes
 * this one way too.
 */
export function chatCompletionsCallFor(
  type: UpstreamProviderType,
  body: OpenAiRequestBody,
  stream: boolean,
  capToSend: number | null,
  defaultMaxTokens: number,
): UpstreamCallPlan {
  return callFor(type, '/v1/chat/completions', body, stream, capToSend, defaultMaxTokens);
}

function callFor(
  type: UpstreamProviderType,
  endpoint: OpenAiEndpoint,
  body: OpenAiRequestBody,
  stream: boolean,
  capToSend: number | null,
  defaultMaxTokens: number,
): UpstreamCallPlan {
  if (protocolOfProvider(type) === 'openai') {
    // OpenAI itself wants the new name for chat (its reasoning models refuse the old one); compatible servers and
    // legacy completions know `max_tokens`.
    const capField = type === 'OPENAI' && endpoint === '/v1/chat/completions' ? 'max_completion_tokens' : 'max_tokens';
    return {
      path: endpoint,
      body: (upstreamModel) =>
        JSON.stringify({
          ...body,
          ...(capToSend === null ? {} : { [capField]: capToSend }),
          model: upstreamModel,
          // Always ask for usage, so a stream can be metered; the tap drops the chunk if the client did not ask.
          ...(stream ? { stream_options: { ...body.stream_options, include_usage: true } } : {}),
        }),
    };
  }
  if (endpoint !== '/v1/chat/completions') throw endpointNotSupported(body.model);
  // The reader checked the body against OpenAI's reference already: what Anthropic cannot express is the
  // translation's to refuse.
  const chat = body as unknown as OpenAiChatRequest;
  let translated: ReturnType<typeof openAiChatToAnthropicRequest>;
  try {
    translated = openAiChatToAnthropicRequest(
      { ...chat, stream },
      { upstreamModel: body.model, defaultMaxTokens: capToSend ?? defaultMaxTokens },
    );
  } catch (error) {
    if (error instanceof TranslationError) throw unsupportedByTranslation(error);
    throw error;
  }
  // Anthropic streams always carry usage (message_start, message_delta): nothing to ask for.
  return { path: '/v1/messages', body: (upstreamModel) => JSON.stringify({ ...translated, model: upstreamModel }) };
}

/** The output cap the client set, by the name it used (the newer one wins, as `outputAllowance` reads them). */
function outputCapParamOf(body: OpenAiRequestBody): string | null {
  if (typeof body['max_completion_tokens'] === 'number') return 'max_completion_tokens';
  return typeof body['max_tokens'] === 'number' ? 'max_tokens' : null;
}
