import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyServerOptions } from 'fastify';
import { registerUsageHooks } from '../usage/register-usage-hooks';
import { OpenAiExceptionFilter } from './openai-exception.filter';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

/** Fastify options the gateway needs at construction: request ids come from `requestIdOf`. */
export function gatewayFastifyOptions(options: FastifyServerOptions = {}): FastifyServerOptions {
  return { ...options, genReqId: requestIdOf, requestIdHeader: false };
}

/**
 * Everything the gateway configures on the app, for main.ts and the test harness alike: the OpenAI-shaped
 * exception filter (also for unknown routes), `x-request-id` on every response, errors included, and a usage
 * meter on every request.
 */
export function configureGateway(app: NestFastifyApplication): void {
  app.useGlobalFilters(new OpenAiExceptionFilter());
  app
    .getHttpAdapter()
    .getInstance()
    // Set on arrival rather than on send, so that a handler streaming through `reply.raw` can copy it too.
    .addHook('onRequest', async (request, reply) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
    });
  registerUsageHooks(app);
}
