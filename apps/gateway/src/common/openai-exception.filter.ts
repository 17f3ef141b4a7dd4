import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { type OpenAiErrorBody } from '@gatehouse/contracts';
import { type AnthropicErrorBody, anthropicErrorBody } from '@gatehouse/domain';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { UNMATCHED_ROUTE } from '../pipeline/request-context';
import { GatewayError } from './gateway-error';

/** Which API's error body a route answers with: OpenAI's everywhere, Anthropic's on Anthropic's endpoints. */
export type ErrorShape = 'openai' | 'anthropic';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `@AnthropicErrorShape()`; unset means OpenAI's shape. */
    errorShape?: ErrorShape;
  }
}

/**
 * Marks a route of Anthropic's API (`POST /v1/messages`): its errors leave in Anthropic's shape, with the same
 * statuses. A Fastify route option rather than Nest metadata, because the filter must know it for errors thrown
 * before any handler or interceptor runs (the API key guard's 401, a body Fastify could not parse).
 */
export const AnthropicErrorShape = (): MethodDecorator => RouteConfig({ errorShape: 'anthropic' });

/** Unserved paths of Anthropic's API (`/v1/messages/batches`, another method) answer its SDK too. */
const ANTHROPIC_PATH = /^\/v1\/messages(?:[/?]|$)/;

/** The route's error shape; a path no route serves (`routeOptions.url` unset) goes by its prefix. */
export function errorShapeOf(request: {
  url: string;
  routeOptions?: { url?: string; config?: { errorShape?: ErrorShape } };
}): ErrorShape {
  const route = request.routeOptions;
  if (route?.url === undefined) return ANTHROPIC_PATH.test(request.url) ? 'anthropic' : 'openai';
  return route.config?.errorShape ?? 'openai';
}

/** A request answered by this filter: a path no route serves, or one refused before its handler ran. */
export interface UnroutedAnswer {
  requestId: string;
  /** The route pattern it matched, or `unmatched`: never its path. */
  route: string;
  status: number;
  errorCode: string | null;
  latencyMs: number;
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

/**
 * The gateway's one exception filter: every error leaves in OpenAI's shape
 * `{ error: { message, type, param, code } }`, or, on a route marked `@AnthropicErrorShape()`, in Anthropic's
 * `{ type: 'error', error: { type, message } }` with the same status, so the official SDKs raise their usual
 * exceptions. Anything unexpected is a 500 with a generic message (the cause goes to the log, never to the client).
 */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OpenAiExceptionFilter');

  constructor(
    /** Records the answer (metrics and the request's log line): the pipeline never saw this request. */
    private readonly answered: (answer: UnroutedAnswer) => void = () => undefined,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, headers } = toResponse(exception, request);
    this.answered({
      requestId: request.id,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status,
      errorCode: body.error.code,
      latencyMs: reply.elapsedTime,
    });
    if (status >= 500) {
      this.logger.error(
        { requestId: request.id, err: exception instanceof Error ? exception : String(exception) },
        'request failed',
      );
    }
    const shaped = errorShapeOf(request) === 'anthropic' ? toAnthropicBody(status, body) : body;
    void reply.status(status).headers(headers).send(shaped);
  }
}

/** The OpenAI-shaped error in Anthropic's shape: its type follows from the status, as Anthropic's API does. */
export function toAnthropicBody(status: number, body: OpenAiErrorBody): AnthropicErrorBody {
  return anthropicErrorBody(status, body.error.message);
}

interface ErrorResponse {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

export function toResponse(exception: unknown, request: Pick<FastifyRequest, 'method' | 'url'>): ErrorResponse {
  if (exception instanceof GatewayError) {
    return {
      status: exception.status,
      body: errorBody(exception.message, exception.type, exception.code, exception.param),
      headers: exception.headers,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) {
      // What OpenAI answers for a path it does not serve.
      return {
        status,
        body: errorBody(`Invalid URL (${request.method} ${request.url.split('?')[0]})`, 'invalid_request_error', null),
        headers: {},
      };
    }
    const type = TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return { status, body: errorBody(httpExceptionMessage(exception), type, null), headers: {} };
  }
  return {
    status: 500,
    body: errorBody('The server had an error while processing your request.', 'api_error', null),
    headers: {},
  };
}

function errorBody(message: string, type: string, code: string | null, param: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'object' && response !== null && 'message' in response) {
    return [response.message].flat().join('; ');
  }
  return exception.message;
}
