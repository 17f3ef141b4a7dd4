import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, maskSecrets, workerConfigSchema } from '@gatehouse/config';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

/**
 * The worker is a Nest application whose HTTP side only answers `/healthz` and `/metrics`; its work is
 * done by BullMQ processors registered in its modules.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfig('worker', workerConfigSchema);
  const app = await NestFactory.create(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  app.get(Logger).log({ config: maskSecrets(config) }, 'worker configuration');
  app.get(Logger).log(`worker listening on http://${config.http.host}:${config.http.port}`);
}

void bootstrap();
