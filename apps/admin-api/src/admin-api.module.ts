import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { type HostResolver, systemResolver } from '@gatehouse/egress';
import { DbModule, PostgresHealthProbe } from '@gatehouse/db';
import { HealthModule, LoggerModule, MetricsModule } from '@gatehouse/observability';
import {
  LimitsReader,
  REDIS_CLIENT,
  REDIS_KEYS,
  RedisHealthProbe,
  type RedisKeys,
  RedisModule,
} from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ZodSerializerInterceptor, ZodValidationPipe } from 'nestjs-zod';
import { ADMIN_API_CONFIG, OUTBOUND_RESOLVER } from './admin-api.constants';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CallLogModule } from './call-log/call-log.module';
import { ApiExceptionFilter } from './common/errors/api-exception.filter';
import { TenantsModule } from './tenants/tenants.module';
import { KeysModule } from './keys/keys.module';
import { MailModule } from './mail/mail.module';
import { CatalogModule } from './catalog/catalog.module';
import { PlansModule } from './plans/plans.module';
import { PoliciesModule } from './policies/policies.module';
import { ProvidersModule } from './providers/providers.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { NotificationsModule } from './notifications/notifications.module';
import { UsageModule } from './usage/usage.module';

export interface AdminApiModuleOptions {
  /** How outbound host names (webhook receivers, provider base URLs) are resolved; tests inject their own. */
  resolver?: HostResolver;
}

@Global()
@Module({})
export class AdminApiModule {
  static forRoot(config: AdminApiConfig, options: AdminApiModuleOptions = {}): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [
        LoggerModule.forRoot({ appName: 'admin-api', level: config.logLevel, format: config.logFormat }),
        DbModule.forRoot({ url: config.database.url, readUrl: config.database.readUrl }),
        RedisModule.forRoot({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, connectionName: 'admin-api' }),
        HealthModule.register([PostgresHealthProbe, RedisHealthProbe]),
        MetricsModule,
        MailModule,
        AuthModule,
        AuditModule,
        TenantsModule,
        KeysModule,
        CatalogModule,
        PlansModule,
        PoliciesModule,
        ProvidersModule,
        SubscriptionsModule,
        NotificationsModule,
        UsageModule,
        CallLogModule,
        AlertsModule,
      ],
      providers: [
        { provide: ADMIN_API_CONFIG, useValue: config },
        { provide: OUTBOUND_RESOLVER, useValue: options.resolver ?? systemResolver },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: ZodSerializerInterceptor },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        // The usage views (subscriptions' and the tenant's limits) read the gateway's counters through it.
        {
          provide: LimitsReader,
          useFactory: (redis: Redis, keys: RedisKeys) => new LimitsReader(redis, keys),
          inject: [REDIS_CLIENT, REDIS_KEYS],
        },
      ],
      exports: [ADMIN_API_CONFIG, OUTBOUND_RESOLVER, LimitsReader],
    };
  }
}
