import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { adminApiConfigSchema, loadConfig, maskSecrets } from '@gatehouse/config';
import { Logger } from 'nestjs-pino';
import { AdminApiModule } from './admin-api.module';
import { configureAdminApi } from './configure-admin-api';

async function bootstrap(): Promise<void> {
  const config = loadConfig('admin-api', adminApiConfigSchema);
  const app = await NestFactory.create<NestExpressApplication>(AdminApiModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  configureAdminApi(app, config);
  await app.listen(config.http.port, config.http.host);
  app.get(Logger).log({ config: maskSecrets(config) }, 'admin-api configuration');
  app.get(Logger).log(`admin-api listening on http://${config.http.host}:${config.http.port}`);
}

void bootstrap();
