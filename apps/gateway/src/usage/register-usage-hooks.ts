import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import './metered-request';
import { RequestMeter } from './request-meter';
import { UsageRecorder } from './usage-recorder';

/**
 * Gives every request a meter on arrival and has the recorder read it when the response is over. The meter of a
 * request that never authenticates (or an operational route) stays unidentified and records nothing.
 */
export function registerUsageHooks(app: NestFastifyApplication): void {
  const recorder = app.get(UsageRecorder);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      const meter = new RequestMeter(request.id, performance.now());
      request.meter = meter;
      recorder.track(meter, reply.raw);
    });
}
