import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toAnthropicErrorBody } from './anthropic-error';
import { toOpenAiErrorBody } from './openai-error';
import { ProviderError, type ProviderDialect } from './provider-error';

/**
 * Anthropic's shape for `/v1/messages*` and for any request made by an Anthropic client (which always sends
 * `anthropic-version`); OpenAI's shape otherwise.
 */
export function dialectOf(request: FastifyRequest): ProviderDialect {
  if (request.url.startsWith('/v1/messages')) return 'anthropic';
  return request.headers['anthropic-version'] === undefined ? 'openai' : 'anthropic';
}

export function sendProviderError(reply: FastifyReply, dialect: ProviderDialect, error: ProviderError): FastifyReply {
  reply.code(error.status).headers(error.headers);
  return reply.send(dialect === 'anthropic' ? toAnthropicErrorBody(error) : toOpenAiErrorBody(error));
}

/**
 * Maps anything thrown to a provider-shaped error. Fastify's own client errors (malformed JSON, body too
 * large, unsupported media type) keep their 4xx status; everything else is a 500 without internals, because
 * a client of a provider never sees a stack trace.
 */
function toProviderError(error: unknown, request: FastifyRequest): ProviderError {
  if (error instanceof ProviderError) return error;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ProviderError(status, error instanceof Error ? error.message : 'Bad request.');
  }
  request.log.error({ err: error }, 'unexpected error in mock-provider');
  return new ProviderError(500, 'The mock provider failed unexpectedly.');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) =>
    sendProviderError(reply, dialectOf(request), toProviderError(error, request)),
  );
  app.setNotFoundHandler((request, reply) => {
    const dialect = dialectOf(request);
    const message = dialect === 'anthropic' ? 'Not Found' : `Invalid URL (${request.method} ${request.url})`;
    return sendProviderError(reply, dialect, new ProviderError(404, message, { code: null }));
  });
}
