import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { parseConfig, workerConfigSchema } from '@gatehouse/config';
import { describeHealthzContract } from '@gatehouse/testing';
import { WorkerModule } from './worker.module';

describeHealthzContract('worker', async (env) => {
  // A prefix of its own: the usage consumer must not take the dev stack's jobs under the default prefix.
  const config = parseConfig('worker', workerConfigSchema, {
    REDIS_KEY_PREFIX: `test-worker-healthz-${randomBytes(4).toString('hex')}`,
    ...env,
  });
  const app = await NestFactory.create(WorkerModule.forRoot(config), { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
});
