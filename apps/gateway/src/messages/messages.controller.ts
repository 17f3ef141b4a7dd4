import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { CurrentKey } from '../auth/authenticated-request';
import { AnthropicErrorShape } from '../common/openai-exception.filter';
import { parseRequestBody } from '../completions/completion-request';
import { Meter } from '../usage/metered-request';
import { type RequestMeter } from '../usage/request-meter';
import { messagesRequestSchema } from './messages-request';
import { MessagesService } from './messages.service';

/**
 * Anthropic's Messages API, so that Anthropic's SDKs work unchanged. Guarded by the global API key guard (which
 * reads `x-api-key`, as those SDKs send it); every error of this route, the guard's included, leaves in
 * Anthropic's shape. The handler writes the reply itself (`@Res()`): a stream goes out through `reply.raw`.
 */
@Controller('v1')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post('messages')
  @HttpCode(200)
  @AnthropicErrorShape()
  create(
    @CurrentKey() key: KeySnapshot,
    @Body() body: unknown,
    @Meter() meter: RequestMeter,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.messages.relay(key, parseRequestBody(messagesRequestSchema, body), meter, request, reply);
  }
}
