import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { type AdminApiConfig } from '@gatehouse/config';

/** Everything `main.ts` applies to the app, shared with tests so they run the app exactly as deployed. */
export function configureAdminApi(app: NestExpressApplication, config: AdminApiConfig): void {
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.setGlobalPrefix('api/v1', { exclude: ['healthz', 'metrics', 'api/docs'] });
  app.enableCors({ origin: config.portalUrl, credentials: true });
  app.use(cookieParser());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Gatehouse admin API')
      .setDescription(
        'The control plane of Gatehouse: tenants, keys, catalog, subscriptions, providers, usage and audit.',
      )
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth('gatehouse_session')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, cleanupOpenApiDoc(document), { jsonDocumentUrl: 'api/docs/openapi.json' });
}
