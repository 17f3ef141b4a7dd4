import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { gatewayConfigSchema, loadConfig, maskSecrets } from '@gatehouse/config';
import { Logger } from 'nestjs-pino';
import { configureGateway, gatewayFastifyOptions } from './common/configure-gateway';
import { GatewayModule } from './gateway.module';
import { GatewayMetricsServer } from './observability/observability.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig('gateway', gatewayConfigSchema);
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(config),
    new FastifyAdapter(gatewayFastifyOptions(config)),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  configureGateway(app);
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  app.get(Logger).log({ config: maskSecrets(config) }, 'gateway configuration');
  app.get(Logger).log(`gateway listening on http://${config.http.host}:${config.http.port}`);
  app.get(Logger).log(`gateway metrics on http://${config.metrics.host}:${app.get(GatewayMetricsServer).port}/metrics`);
}

void bootstrap();
