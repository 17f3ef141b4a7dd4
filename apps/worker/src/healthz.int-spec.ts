import { NestFactory } from '@nestjs/core';
import { parseConfig, workerConfigSchema } from '@gatehouse/config';
import { describeHealthzContract } from '@gatehouse/testing';
import { WorkerModule } from './worker.module';

describeHealthzContract('worker', async (env) => {
  const config = parseConfig('worker', workerConfigSchema, env);
  const app = await NestFactory.create(WorkerModule.forRoot(config), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
});
