import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { CurrentKey } from '../auth/authenticated-request';
import { Meter } from '../usage/metered-request';
import { type RequestMeter } from '../usage/request-meter';
import {
  chatCompletionRequestSchema,
  completionRequestSchema,
  embeddingRequestSchema,
  parseRequestBody,
} from './completion-request';
import { CompletionsService } from './completions.service';

/**
 * OpenAI's inference endpoints, relayed to OpenAI-format upstreams. Guarded by the global API key guard. The
 * handlers write the reply themselves (`@Res()`): a stream goes out through `reply.raw`.
 */
@Controller('v1')
export class CompletionsController {
  constructor(private readonly completions: CompletionsService) {}

  @Post('chat/completions')
  @HttpCode(200)
  chat(
    @CurrentKey() key: KeySnapshot,
    @Body() body: unknown,
    @Meter() meter: RequestMeter,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = parseRequestBody(chatCompletionRequestSchema, body);
    return this.completions.relay(
      key,
      { endpoint: '/v1/chat/completions', body: parsed, streamable: true },
      meter,
      request,
      reply,
    );
  }

  @Post('completions')
  @HttpCode(200)
  completion(
    @CurrentKey() key: KeySnapshot,
    @Body() body: unknown,
    @Meter() meter: RequestMeter,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = parseRequestBody(completionRequestSchema, body);
    return this.completions.relay(
      key,
      { endpoint: '/v1/completions', body: parsed, streamable: true },
      meter,
      request,
      reply,
    );
  }

  @Post('embeddings')
  @HttpCode(200)
  embeddings(
    @CurrentKey() key: KeySnapshot,
    @Body() body: unknown,
    @Meter() meter: RequestMeter,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const parsed = parseRequestBody(embeddingRequestSchema, body);
    return this.completions.relay(
      key,
      { endpoint: '/v1/embeddings', body: parsed, streamable: false },
      meter,
      request,
      reply,
    );
  }
}
