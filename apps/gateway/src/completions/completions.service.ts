import { Injectable } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type OpenAiChatRequest, openAiChatToAnthropicRequest, TranslationError } from '@gatehouse/domain';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { RequestLimits } from '../limits/request-limits.service';
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
const USAGE_ENDPOINT: Record<OpenAiEndpoint, 'chat.completions' | 'completions' | 'embeddings'> = {
  '/v1/chat/completions': 'chat.completions',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
};

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
  constructor(
    private readonly modelRelay: ModelRelay,
    private readonly limits: RequestLimits,
  ) {}

  relay(
    key: KeySnapshot,
    request: RelayRequest,
    meter: RequestMeter,
    httpRequest: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const { body, endpoint } = request;
    const stream = request.streamable && body.stream === true;
    const usageEndpoint = USAGE_ENDPOINT[endpoint];
    // The answer's maximum, which the limits reserve for: the client's cap, or the gateway's default sent upstream.
    const allowance = this.limits.outputAllowance(usageEndpoint, body);
    const plan: RelayPlan = {
      endpoint: usageEndpoint,
      model: body.model,
      client: 'openai',
      stream,
      includeUsage: body.stream_options?.include_usage === true,
      limits: { endpoint: usageEndpoint, body, maxOutputTokens: allowance.maxOutputTokens },
      callFor: (type) => this.callFor(type, request, stream, allowance.capToSend),
    };
    return this.modelRelay.relay(key, plan, meter, httpRequest, reply);
  }

  private callFor(
    type: UpstreamProviderType,
    request: RelayRequest,
    stream: boolean,
    capToSend: number | null,
  ): UpstreamCallPlan {
    const { body, endpoint } = request;
    if (protocolOfProvider(type) === 'openai') {
      // OpenAI itself wants the new name for chat (its reasoning models refuse the old one); compatible servers and
      // legacy completions know `max_tokens`.
      const capField =
        type === 'OPENAI' && endpoint === '/v1/chat/completions' ? 'max_completion_tokens' : 'max_tokens';
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
    const chat = parseRequestBody(translatableChatRequestSchema, body) as unknown as OpenAiChatRequest;
    let translated: ReturnType<typeof openAiChatToAnthropicRequest>;
    try {
      translated = openAiChatToAnthropicRequest(
        { ...chat, stream },
        { upstreamModel: body.model, defaultMaxTokens: capToSend ?? this.limits.defaultMaxTokens },
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
