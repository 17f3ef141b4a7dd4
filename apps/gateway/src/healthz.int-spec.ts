import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { gatewayConfigSchema, parseConfig } from '@gatehouse/config';
import { describeHealthzContract } from '@gatehouse/testing';
import { GatewayModule } from './gateway.module';

describeHealthzContract('gateway', async (env) => {
  const config = parseConfig('gateway', gatewayConfigSchema, env);
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config), new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  return app;
});
