import { type IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import {
  type AnthropicMessagesRequest,
  anthropicRequestToOpenAiChat,
  outputAllowance,
  TranslationError,
} from '@gatehouse/domain';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  ModelRelay,
  type RelayPlan,
  type UpstreamCallPlan,
  unsupportedByTranslation,
} from '../completions/model-relay.service';
import { protocolOfProvider, type UpstreamProviderType } from '../upstream';
import { type RequestMeter } from '../usage/request-meter';
import { type MessagesRequestBody } from './messages-request';

/** Anthropic's request headers that change what an Anthropic upstream does: the API version and beta features. */
const ANTHROPIC_CLIENT_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * Anthropic's Messages API: to Anthropic-format upstreams with the body unchanged but for the model, and to
 * OpenAI-format upstreams translated to and from chat completions.
 */
@Injectable()
export class MessagesService {
  constructor(private readonly modelRelay: ModelRelay) {}

  relay(
    key: KeySnapshot,
    body: MessagesRequestBody,
    meter: RequestMeter,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    // Anthropic's API requires `max_tokens`: the client's cap is the allowance, and nothing needs adding.
    const { maxOutputTokens } = outputAllowance('messages', body, body.max_tokens);
    const plan: RelayPlan = {
      endpoint: 'messages',
      limits: { endpoint: 'messages', body, maxOutputTokens },
      model: body.model,
      client: 'anthropic',
      stream: body.stream === true,
      includeUsage: false,
      headers: anthropicHeadersOf(request.headers),
      callFor: (type) => callFor(type, body),
    };
    return this.modelRelay.relay(key, plan, meter, request, reply);
  }
}

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
