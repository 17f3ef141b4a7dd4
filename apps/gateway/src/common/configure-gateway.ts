import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type GatewayConfig } from '@gatehouse/config';
import { type FastifyServerOptions } from 'fastify';
import { RequestLog } from '../observability/request-log';
import { RequestMetrics } from '../observability/request-metrics';
import { OpenAiExceptionFilter } from './openai-exception.filter';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

/** Largest request body the gateway reads; a larger one is a 413 in OpenAI's error shape. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Fastify options the gateway needs at construction: request ids come from `requestIdOf`, and `request.ip` is the
 * TCP peer unless that peer is one of GATEWAY_TRUSTED_PROXIES (forwarding headers from anyone else are ignored).
 */
export function gatewayFastifyOptions(config: Pick<GatewayConfig, 'http'>): FastifyServerOptions {
  const { trustedProxies } = config.http;
  return {
    trustProxy: trustedProxies.length > 0 ? trustedProxies : false,
    bodyLimit: GATEWAY_MAX_BODY_BYTES,
    genReqId: requestIdOf,
    requestIdHeader: false,
  };
}

/**
 * Everything the gateway configures on the app, for main.ts and the test harness alike: the OpenAI-shaped
 * exception filter (for unknown routes and bodies Fastify cannot read, counted and logged there; the pipeline
 * answers, counts and logs its own requests) and `x-request-id` on every response, errors included.
 */
export function configureGateway(app: NestFastifyApplication): void {
  const metrics = app.get(RequestMetrics);
  const log = app.get(RequestLog);
  app.useGlobalFilters(
    new OpenAiExceptionFilter((answer) => {
      metrics.recordUnrouted(answer.route, answer.status);
      log.writeUnrouted(answer);
    }),
  );
  app
    .getHttpAdapter()
    .getInstance()
    // Set on arrival rather than on send, so that a handler streaming through `reply.raw` can copy it too. A
    // callback hook: an async one costs a promise and a microtask on every request.
    .addHook('onRequest', (request, reply, done) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
}
