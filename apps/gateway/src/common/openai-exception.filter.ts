import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type OpenAiErrorBody } from '@gatehouse/contracts';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { GatewayError } from './gateway-error';

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
 * `{ error: { message, type, param, code } }`, so the official SDKs raise their usual exceptions. Anything
 * unexpected is a 500 with a generic message (the cause goes to the log, never to the client).
 */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OpenAiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, headers } = toResponse(exception, request);
    if (status >= 500) {
      this.logger.error(
        { requestId: request.id, err: exception instanceof Error ? exception : String(exception) },
        'request failed',
      );
    }
    void reply.status(status).headers(headers).send(body);
  }
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
