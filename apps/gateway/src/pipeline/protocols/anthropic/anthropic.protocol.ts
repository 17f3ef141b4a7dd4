import { type IncomingHttpHeaders } from 'node:http';
import {
  type AnthropicMessagesRequest,
  anthropicRequestToOpenAiChat,
  outputAllowance,
  TranslationError,
} from '@gatehouse/domain';
import { protocolOfProvider, type UpstreamProviderType } from '../../../upstream';
import { bodyBytesOf, type ModelCall, type ModelProtocol, type UpstreamCallPlan } from '../model-call';
import { parseRequestBody } from '../parameter-checks';
import { unsupportedByTranslation } from '../protocol-errors';
import { type MessagesRequestBody, messagesRequestSchema } from './anthropic-request';

/** Anthropic's request headers that change what an Anthropic upstream does: the API version and beta features. */
const ANTHROPIC_CLIENT_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * Anthropic's Messages API: to Anthropic-format upstreams with the body unchanged but for the model, and to
 * OpenAI-format upstreams translated to and from chat completions.
 */
export const anthropicMessagesProtocol: ModelProtocol = {
  client: 'anthropic',
  endpoint: 'messages',
  route: '/v1/messages',
  read(rawBody, headers): ModelCall {
    const body = parseRequestBody(messagesRequestSchema, rawBody);
    // Anthropic's API requires `max_tokens`: the client's cap is the allowance, and nothing needs adding.
    const { maxOutputTokens } = outputAllowance('messages', body, body.max_tokens);
    return {
      endpoint: 'messages',
      model: body.model,
      stream: body.stream === true,
      includeUsage: false,
      body,
      maxOutputTokens,
      outputCapParam: 'max_tokens',
      bodyBytes: bodyBytesOf(headers),
      headers: anthropicHeadersOf(headers),
      callFor: (type) => callFor(type, body),
    };
  },
};

function callFor(type: UpstreamProviderType, body: MessagesRequestBody): UpstreamCallPlan {
  if (protocolOfProvider(type) === 'anthropic') {
    return { path: '/v1/messages', body: (upstreamModel) => JSON.stringify({ ...body, model: upstreamModel }) };
  }
  let translated: ReturnType<typeof anthropicRequestToOpenAiChat>;
  try {
    translated = anthropicRequestToOpenAiChat(body as AnthropicMessagesRequest, {
      upstreamModel: body.model,
      // OpenAI itself wants the new name (its reasoning models refuse the old one); compatible servers may know
      // only the old one.
      maxTokensField: type === 'OPENAI' ? 'max_completion_tokens' : 'max_tokens',
    });
  } catch (error) {
    if (error instanceof TranslationError) throw unsupportedByTranslation(error);
    throw error;
  }
  return {
    path: '/v1/chat/completions',
    body: (upstreamModel) => JSON.stringify({ ...translated, model: upstreamModel }),
  };
}

function anthropicHeadersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of ANTHROPIC_CLIENT_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') picked[name] = value;
  }
  return picked;
}
