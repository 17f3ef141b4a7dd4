import { All, Controller, Delete, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { AnthropicErrorShape } from '../common/openai-exception.filter';
import { REQUEST_LIMITS_OPTIONS, type RequestLimitsOptions } from '../limits/limits.options';
import { type AnthropicPageQuery, ModelsService } from '../models/models.service';
import { ResponsesStore } from '../responses/responses-store';
import { type StreamProtocol } from '../upstream';
import { anthropicMessagesProtocol } from './protocols/anthropic/anthropic.protocol';
import { type ModelProtocol } from './protocols/model-call';
import { openAiProtocol } from './protocols/openai/openai.protocol';
import { responsesProtocol } from './protocols/responses/responses.protocol';
import { RequestPipeline } from './request-pipeline';

/**
 * Every route that needs an API key, each one line into the request pipeline, which authenticates the key (its
 * first stage) and writes the reply itself (`@Res()`). The operational route `/healthz` is the only other, and is
 * public (the metrics have a listener of their own, GATEWAY_METRICS_PORT).
 */
@Controller()
export class GatewayRoutesController {
  private readonly chat: ModelProtocol;
  private readonly completions: ModelProtocol;
  private readonly embeddings: ModelProtocol;
  private readonly responses: ModelProtocol;

  constructor(
    private readonly pipeline: RequestPipeline,
    private readonly models: ModelsService,
    private readonly storedResponses: ResponsesStore,
    @Inject(REQUEST_LIMITS_OPTIONS) limits: RequestLimitsOptions,
  ) {
    this.chat = openAiProtocol('/v1/chat/completions', limits.defaultMaxTokens);
    this.completions = openAiProtocol('/v1/completions', limits.defaultMaxTokens);
    this.embeddings = openAiProtocol('/v1/embeddings', limits.defaultMaxTokens);
    this.responses = responsesProtocol(limits.defaultMaxTokens, storedResponses);
  }

  @Post('v1/chat/completions')
  chatCompletions(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.serveModelCall(this.chat, request, reply);
  }

  @Post('v1/completions')
  legacyCompletions(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.serveModelCall(this.completions, request, reply);
  }

  @Post('v1/embeddings')
  embeddingsCreate(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.serveModelCall(this.embeddings, request, reply);
  }

  /** OpenAI's Responses API, served as chat completions (docs/api.md). */
  @Post('v1/responses')
  responsesCreate(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.serveModelCall(this.responses, request, reply);
  }

  /** A stored response of the key's tenant; another tenant's id is as unknown as one never given (404). */
  @Get('v1/responses/:id')
  responsesRetrieve(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.pipeline.serveLocal(
      'responses.retrieve',
      '/v1/responses/:id',
      request,
      reply,
      (key) => this.storedResponses.retrieve(key.tenantId, id),
      'openai',
    );
  }

  @Delete('v1/responses/:id')
  responsesDelete(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.serveLocal(
      'responses.delete',
      '/v1/responses/:id',
      request,
      reply,
      (key) => this.storedResponses.remove(key.tenantId, id),
      'openai',
    );
  }

  /** Anthropic's Messages API: errors before the pipeline (an unreadable body) leave in Anthropic's shape too. */
  @Post('v1/messages')
  @AnthropicErrorShape()
  messages(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.serveModelCall(anthropicMessagesProtocol, request, reply);
  }

  /** Anthropic's token count, answered by the gateway from its input estimate (no upstream call). */
  @Post('v1/messages/count_tokens')
  @AnthropicErrorShape()
  countTokens(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.serveTokenCount(request, reply);
  }

  /**
   * The models endpoints, limited to what the calling key may use: OpenAI's shape, or Anthropic's (paged, its
   * errors too) when the request carries `anthropic-version`, as Anthropic's SDK always does.
   */
  @Get('v1/models')
  listModels(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const client = clientOf(request);
    const query = request.query as AnthropicPageQuery;
    return this.pipeline.serveLocal(
      'models',
      '/v1/models',
      request,
      reply,
      (key) => (client === 'anthropic' ? this.models.listAnthropic(key, query) : this.models.list(key)),
      client,
    );
  }

  @Get('v1/models/:id')
  getModel(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const client = clientOf(request);
    return this.pipeline.serveLocal(
      'models',
      '/v1/models/:id',
      request,
      reply,
      (key) => (client === 'anthropic' ? this.models.getAnthropic(key, id) : this.models.get(key, id)),
      client,
    );
  }

  /**
   * HTTP products, every method on `/apis/{productSlug}` and below. The pipeline reads the raw URL (the route's
   * decoded parameters would hide encoded separators) and the raw body.
   */
  @All(['apis/:slug', 'apis/:slug/*'])
  httpProduct(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.pipeline.serveHttpProduct(request, reply);
  }
}

/** Anthropic's SDK sends `anthropic-version` on every request; OpenAI's never does. */
function clientOf(request: FastifyRequest): StreamProtocol {
  return request.headers['anthropic-version'] === undefined ? 'openai' : 'anthropic';
}
