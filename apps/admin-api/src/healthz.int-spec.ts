import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { adminApiConfigSchema, parseConfig } from '@gatehouse/config';
import { describeHealthzContract } from '@gatehouse/testing';
import { AdminApiModule } from './admin-api.module';
import { configureAdminApi } from './configure-admin-api';

describeHealthzContract('admin-api', async (env) => {
  const config = parseConfig('admin-api', adminApiConfigSchema, env);
  const app = await NestFactory.create<NestExpressApplication>(AdminApiModule.forRoot(config), { logger: false });
  configureAdminApi(app, config);
  await app.listen(0, '127.0.0.1');
  return app;
});
