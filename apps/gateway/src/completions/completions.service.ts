import { Injectable } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type OpenAiChatRequest, openAiChatToAnthropicRequest, TranslationError } from '@gatehouse/domain';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { protocolOfProvider, type UpstreamProviderType } from '../upstream';
import { type RequestMeter } from '../usage/request-meter';
import { type OpenAiRequestBody, parseRequestBody, translatableChatRequestSchema } from './completion-request';
import {
  endpointNotSupported,
  ModelRelay,
  type RelayPlan,
  type UpstreamCallPlan,
  unsupportedByTranslation,
} from './model-relay.service';

/** The OpenAI-format endpoints the gateway serves. */
export type OpenAiEndpoint = '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings';

/** How each endpoint is named in usage events. */
const USAGE_ENDPOINT: Record<OpenAiEndpoint, string> = {
  '/v1/chat/completions': 'chat.completions',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
};

/**
 * Anthropic requires `max_tokens`, and OpenAI clients usually leave it out. Within every current Claude model's
 * output limit; a client that wants longer answers sets `max_tokens` (or `max_completion_tokens`) itself.
 */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/** A parsed, validated body of one of the OpenAI endpoints. */
export interface RelayRequest {
  endpoint: OpenAiEndpoint;
  body: OpenAiRequestBody;
  /** Whether the endpoint streams at all (embeddings never do). */
  streamable: boolean;
}

/**
 * OpenAI's endpoints: to OpenAI-format upstreams at the same path with the body unchanged but for the model; chat
 * completions also to Anthropic-format upstreams, translated to and from Anthropic's Messages API.
 */
@Injectable()
export class CompletionsService {
  constructor(private readonly modelRelay: ModelRelay) {}

  relay(
    key: KeySnapshot,
    request: RelayRequest,
    meter: RequestMeter,
    httpRequest: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const { body, endpoint } = request;
    const stream = request.streamable && body.stream === true;
    const plan: RelayPlan = {
      endpoint: USAGE_ENDPOINT[endpoint],
      model: body.model,
      client: 'openai',
      stream,
      includeUsage: body.stream_options?.include_usage === true,
      callFor: (type) => this.callFor(type, request, stream),
    };
    return this.modelRelay.relay(key, plan, meter, httpRequest, reply);
  }

  private callFor(type: UpstreamProviderType, request: RelayRequest, stream: boolean): UpstreamCallPlan {
    const { body, endpoint } = request;
    if (protocolOfProvider(type) === 'openai') {
      return {
        path: endpoint,
        body: (upstreamModel) =>
          JSON.stringify({
            ...body,
            model: upstreamModel,
            // Always ask for usage, so a stream can be metered; the tap drops the chunk if the client did not ask.
            ...(stream ? { stream_options: { ...body.stream_options, include_usage: true } } : {}),
          }),
      };
    }
    if (endpoint !== '/v1/chat/completions') throw endpointNotSupported(body.model);
    const chat = parseRequestBody(translatableChatRequestSchema, body) as unknown as OpenAiChatRequest;
    let translated: ReturnType<typeof openAiChatToAnthropicRequest>;
    try {
      translated = openAiChatToAnthropicRequest(
        { ...chat, stream },
        { upstreamModel: body.model, defaultMaxTokens: DEFAULT_ANTHROPIC_MAX_TOKENS },
      );
    } catch (error) {
      if (error instanceof TranslationError) throw unsupportedByTranslation(error);
      throw error;
    }
    // Anthropic streams always carry usage (message_start, message_delta): nothing to ask for.
    return {
      path: '/v1/messages',
      body: (upstreamModel) => JSON.stringify({ ...translated, model: upstreamModel }),
    };
  }
}
