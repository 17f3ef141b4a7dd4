import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type RequestMeter } from './request-meter';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on arrival by the usage hooks (`registerUsageHooks`); read once when the response is over. */
    meter?: RequestMeter;
  }
}

/** The request's meter, as a handler parameter: `@Meter() meter: RequestMeter`. */
export const Meter = createParamDecorator((_data: unknown, context: ExecutionContext): RequestMeter => {
  const meter = context.switchToHttp().getRequest<FastifyRequest>().meter;
  if (meter === undefined) throw new Error('The usage hooks are not registered: call configureGateway(app)');
  return meter;
});
