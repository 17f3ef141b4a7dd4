import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { type AdminApiConfig } from '@gatehouse/config';
import { requestHygiene } from './common/request-hygiene';
import { requestMetrics } from './common/request-metrics';

/**
 * Everything `main.ts` applies to the app, shared with tests so they run the app exactly as deployed. The app must
 * be created with `bodyParser: false`: the only body parser is the JSON one in `requestHygiene`.
 */
export function configureAdminApi(app: NestExpressApplication, config: AdminApiConfig): void {
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  // X-Forwarded-* only from these peers (the portal's proxy by default): the login throttle and audit trail key on
  // the client address, which anyone else could forge.
  app.set('trust proxy', config.http.trustedProxies.length > 0 ? config.http.trustedProxies : false);
  app.setGlobalPrefix('api/v1', { exclude: ['healthz', 'metrics', 'api/docs'] });
  // First, so that every answer is counted, the ones the later middleware refuse included.
  app.use(requestMetrics());
  app.enableCors({ origin: config.portalUrl, credentials: true });
  app.use(cookieParser());
  app.use(...requestHygiene(config));

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
