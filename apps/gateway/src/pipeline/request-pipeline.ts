import { type ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { GatewayCatalog } from '../catalog/gateway-catalog.service';
import { GatewayTracing } from '../tracing/gateway-tracing';
import { type TracedOutcome } from '../tracing/request-trace';
import {
  type StreamProtocol,
  UpstreamCaller,
  UpstreamError,
  UpstreamOriginRefusedError,
  type UpstreamResponse,
} from '../upstream';
import { UsageRecorder } from '../usage/usage-recorder';
import { type Decision } from './decision';
import {
  bodyTooLarge,
  invalidRequest,
  productNotFound,
  readHttpProductCall,
  readProductAddress,
} from './protocols/http-product/http-product.protocol';
import { countTokensRequestSchema } from './protocols/anthropic/anthropic-request';
import { type ModelProtocol } from './protocols/model-call';
import { parseRequestBody } from './protocols/parameter-checks';
import {
  POLICY_HEADER,
  productUpstreamFailure,
  relayHttpAnswer,
  sendError,
  sendJsonAnswer,
  sendUpstreamError,
  streamAnswer,
} from './replies';
import { RequestContext } from './request-context';
import { AuthenticateStage } from './stages/authenticate.stage';
import { CacheStage } from './stages/cache.stage';
import { EntitleStage } from './stages/entitle.stage';
import { type Admission, LimitsStage } from './stages/limits.stage';
import { PolicyStage } from './stages/policy.stage';
import { CLIENT_CLOSED_REQUEST, RecordStage, type ResponseOutcome } from './stages/record.stage';
import { RouteStage } from './stages/route.stage';
import { UpstreamStage } from './stages/upstream.stage';

/** The route label of every HTTP product call (`/apis/{slug}` and below): one pattern, whatever the slug. */
export const HTTP_PRODUCT_ROUTE = '/apis/:slug/*';

/** HTTP products' budget for the upstream's response headers, retries included. */
export const HTTP_PRODUCT_DEADLINE_MS = 120_000;

/** Anthropic's token count: its route label and its endpoint in usage events. */
export const TOKEN_COUNT_ROUTE = '/v1/messages/count_tokens';
export const TOKEN_COUNT_ENDPOINT = 'messages.count_tokens';

/** Ends the request with the refusal of a stage that did not allow it. */
class Refusal extends Error {
  constructor(readonly decision: Decision & { allowed: false }) {
    super(decision.refusal.message);
  }
}

function enforce(decision: Decision): void {
  if (!decision.allowed) throw new Refusal(decision);
}

/**
 * Cancels an upstream answer nobody will read, so that its connection is freed now, not at the body timeout.
 * Destroying an unfinished undici body makes it emit an abort error: expected here, so it is listened for first.
 */
function release(response: UpstreamResponse): void {
  const { body } = response;
  if (body.destroyed || body.readableEnded) return;
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * Every authenticated request of the gateway, as one straight line of named stages (docs/architecture.md):
 *
 *   authenticate → entitle → policy.input → limits.admit → cache.lookup → route → upstream → policy.output →
 *   cache.store → (the answer) … then, once the response is over: abort → limits.settle → record
 *
 * One `RequestContext` per request carries what the stages decide. A stage returns a value or a decision and never
 * writes the reply: this class alone does, through replies.ts. The end of the request is one ordered step that runs
 * exactly once, when the response closes, whether it succeeded, failed, was refused or the client went away.
 */
@Injectable()
export class RequestPipeline {
  constructor(
    private readonly authenticate: AuthenticateStage,
    private readonly entitle: EntitleStage,
    private readonly policy: PolicyStage,
    private readonly limits: LimitsStage,
    private readonly cache: CacheStage,
    private readonly route: RouteStage,
    private readonly upstream: UpstreamStage,
    private readonly record: RecordStage,
    private readonly catalog: GatewayCatalog,
    private readonly caller: UpstreamCaller,
    private readonly recorder: UsageRecorder,
    private readonly tracing: GatewayTracing,
  ) {}

  /** A call to a model, in the API `protocol` reads. */
  async serveModelCall(protocol: ModelProtocol, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const context = this.open(request, reply, protocol.route);
    context.endpoint = protocol.endpoint;
    let response: UpstreamResponse | undefined;
    const { trace } = context;
    try {
      trace?.stage('authenticate');
      const key = await this.authenticate.run(context, request.headers);
      trace?.leave();
      context.key = key;
      const call = await protocol.read(request.body, request.headers, {
        tenantId: key.tenantId,
        requestId: context.requestId,
      });
      trace?.modelCall(protocol.endpoint, call.model);
      trace?.stage('entitle');
      const entitlement = await this.entitle.model(context, key, call);
      context.entitlement = entitlement;
      trace?.stage('policy.input');
      this.policyChecked(reply, context, await this.policy.input(context, call));
      trace?.stage('limits.admit');
      this.admitted(reply, await this.limits.admitModelCall(context, key, entitlement, call));
      trace?.stage('cache.lookup');
      enforce(this.cache.lookup(context, call));
      trace?.stage('route');
      const route = this.route.run(context, call);
      trace?.stage('upstream');
      try {
        response = await this.upstream.run(context, call, route);
      } catch (error) {
        if (error instanceof UpstreamError) return await sendUpstreamError(reply, protocol.client, error, context);
        throw error;
      }
      trace?.stage('policy.output');
      const output = this.policy.output(context, call);
      enforce(output);
      const guard = output.guard ?? null;
      trace?.stage('cache.store');
      this.cache.store(context, response);
      trace?.leave();
      const answer = {
        alias: call.model,
        requestId: context.requestId,
        includeUsage: call.includeUsage,
        adapter: call.answerAdapter ?? null,
      };
      if (call.stream) await streamAnswer(reply, protocol.client, answer, response, context, guard);
      else await sendJsonAnswer(reply, protocol.client, answer, response, context, guard);
    } catch (error) {
      // The replies never throw once they relay the body (a broken stream ends inside streamAnswer): one that
      // arrived and is still unread here will never be read.
      if (response !== undefined) release(response);
      sendError(reply, protocol.client, context, error instanceof Refusal ? error.decision.refusal : error);
    }
  }

  /**
   * A call to an HTTP product (`/apis/{slug}/...`): the same line without the stages that read a model call's
   * body (the content policies, cache), its answer relayed byte for byte; the access rules apply to it.
   */
  async serveHttpProduct(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const context = this.open(request, reply, HTTP_PRODUCT_ROUTE);
    context.endpoint = 'http';
    let call: ReturnType<typeof readHttpProductCall> | undefined;
    const { trace } = context;
    try {
      trace?.stage('authenticate');
      const key = await this.authenticate.run(context, request.headers);
      context.key = key;
      trace?.stage('entitle');
      const address = readProductAddress(request.url);
      const product = (await this.catalog.current()).httpProducts.get(address.slug);
      if (product === undefined) throw productNotFound(address.slug);
      const entitlement = this.entitle.product(context, key, product);
      context.entitlement = entitlement;
      trace?.stage('policy.access');
      this.policyChecked(reply, context, await this.policy.access(context, null));
      trace?.leave();
      call = readHttpProductCall(request, address, product, context.lifetime);
      trace?.stage('limits.admit');
      this.admitted(reply, await this.limits.admitTokenless(context, key, entitlement));
      trace?.stage('upstream');
      let response: UpstreamResponse;
      try {
        // No model: one circuit breaker per provider, tripped only by failures to get any answer from its origin.
        response = await this.caller.call(
          trace === null ? call.request : { ...call.request, attempts: trace },
          [{ providerId: call.providerId, upstreamModel: '', weight: 1, priority: 0 }],
          { deadlineMs: HTTP_PRODUCT_DEADLINE_MS },
        );
      } catch (error) {
        if (call.body?.stream.tooLarge === true) throw bodyTooLarge(call.body.limit);
        if (error instanceof UpstreamError) {
          if (error.kind === 'client_aborted') {
            context.failed('client_aborted');
            // Nobody is left to read an answer; end the exchange quietly.
            if (!reply.raw.headersSent) reply.raw.destroy();
            return;
          }
          throw productUpstreamFailure(error, product.slug);
        }
        // The pools' own check on the joined path: never expected after `forwardedPath`, still the client's fault.
        if (error instanceof UpstreamOriginRefusedError) throw invalidRequest('This path cannot be forwarded.');
        throw error;
      }
      trace?.leave();
      context.route = { providerId: response.provider.id, upstreamModel: null };
      context.timeToFirstByteMs = performance.now() - context.startedAt;
      // An HTTP product has no tokens to count: its usage is the call itself.
      context.usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, source: 'none' };
      await relayHttpAnswer(reply, response, context);
    } catch (error) {
      sendError(reply, 'openai', context, error instanceof Refusal ? error.decision.refusal : error);
    }
  }

  /**
   * Anthropic's `POST /v1/messages/count_tokens`, answered here: the key, its subscription and the model are checked
   * as for a call to it, the access rules apply, and the call counts against the request rates and concurrency but
   * reserves no tokens. The count is the limits' input estimate (an upper estimate, not the provider's tokenizer):
   * the number a call with this prompt reserves. Nothing goes upstream, and its usage event has no tokens.
   */
  async serveTokenCount(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const context = this.open(request, reply, TOKEN_COUNT_ROUTE);
    context.endpoint = TOKEN_COUNT_ENDPOINT;
    const { trace } = context;
    try {
      trace?.stage('authenticate');
      const key = await this.authenticate.run(context, request.headers);
      context.key = key;
      trace?.leave();
      const body = parseRequestBody(countTokensRequestSchema, request.body);
      trace?.stage('entitle');
      const entitlement = await this.entitle.model(context, key, { model: body.model, endpoint: 'messages' });
      context.entitlement = entitlement;
      trace?.stage('policy.access');
      this.policyChecked(reply, context, await this.policy.access(context, body.model));
      trace?.stage('limits.admit');
      this.admitted(reply, await this.limits.admitTokenless(context, key, entitlement));
      trace?.leave();
      context.usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, source: 'none' };
      await reply.status(200).send({ input_tokens: this.limits.inputEstimate('messages', body) });
    } catch (error) {
      sendError(reply, 'anthropic', context, error instanceof Refusal ? error.decision.refusal : error);
    }
  }

  /** A request the gateway answers itself once the key is known (`GET /v1/models`), its errors in `client`'s shape. */
  async serveLocal(
    endpoint: string,
    route: string,
    request: FastifyRequest,
    reply: FastifyReply,
    answer: (key: KeySnapshot) => Promise<unknown>,
    client: StreamProtocol,
  ): Promise<void> {
    const context = this.open(request, reply, route);
    context.endpoint = endpoint;
    try {
      context.trace?.stage('authenticate');
      const key = await this.authenticate.run(context, request.headers);
      context.trace?.leave();
      context.key = key;
      await reply.status(200).send(await answer(key));
    } catch (error) {
      sendError(reply, client, context, error);
    }
  }

  /** The request's context, and its end-of-request step bound to the response's close, the one end of every path. */
  private open(request: FastifyRequest, reply: FastifyReply, route: string): RequestContext {
    const context = new RequestContext(request.id, performance.now(), request.ip, route);
    context.trace = this.tracing.start(request.id, request.headers);
    const response = reply.raw;
    response.once('close', () => this.recorder.track(this.end(context, response)));
    return context;
  }

  /** What the policies fired goes on the answer (`x-gatehouse-policy`), refused or not; a refusal ends the request. */
  private policyChecked(reply: FastifyReply, context: RequestContext, decision: Decision): void {
    if (context.policyFired.length > 0) void reply.header(POLICY_HEADER, context.policyFired.join(', '));
    enforce(decision);
  }

  /** The rate-limit headers go on every answer once the limits were asked; a refusal ends the request. */
  private admitted(reply: FastifyReply, admission: Admission): void {
    void reply.headers(admission.headers);
    enforce(admission.decision);
  }

  /**
   * The end of the request, in order, once: cancel the upstream if the client left before its answer was
   * complete; wait for a stream's usage; settle the reservation to what was used; record the usage event.
   */
  private async end(context: RequestContext, response: ServerResponse): Promise<void> {
    const outcome = {
      statusCode: response.headersSent ? response.statusCode : null,
      completed: response.writableFinished,
      endedAt: performance.now(),
    };
    if (!outcome.completed) context.lifetime.abort();
    const { trace } = context;
    // A stage that threw or refused is still open: it failed with the request's error.
    trace?.leave(context.errorCode);
    if (context.usageReported !== null) await context.usageReported;
    trace?.stage('limits.settle');
    await this.limits.settle(context);
    trace?.stage('record');
    this.record.run(context, outcome);
    trace?.end(tracedOutcome(context, outcome));
  }
}

/** What the request span is told at the end: the response's status (499 when the client left first) and results. */
function tracedOutcome(context: RequestContext, outcome: ResponseOutcome): TracedOutcome {
  return {
    statusCode: outcome.statusCode ?? CLIENT_CLOSED_REQUEST,
    tenantId: context.key?.tenantId ?? null,
    errorCode: context.errorCode,
    endpoint: context.endpoint,
    upstreamModel: context.route?.upstreamModel ?? null,
    usage: context.usage,
  };
}
