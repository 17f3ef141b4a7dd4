import { type DynamicModule, Module } from '@nestjs/common';
import { type AdminApiConfig } from '@gatehouse/config';
import { DbModule, PostgresHealthProbe } from '@gatehouse/db';
import { HealthModule, LoggerModule, MetricsModule } from '@gatehouse/observability';
import { RedisHealthProbe, RedisModule } from '@gatehouse/redis';
import { ADMIN_API_CONFIG } from './admin-api.constants';

@Module({})
export class AdminApiModule {
  static forRoot(config: AdminApiConfig): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [
        LoggerModule.forRoot({ appName: 'admin-api', level: config.logLevel, format: config.logFormat }),
        DbModule.forRoot({ url: config.database.url, readUrl: config.database.readUrl }),
        RedisModule.forRoot({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, connectionName: 'admin-api' }),
        HealthModule.register([PostgresHealthProbe, RedisHealthProbe]),
        MetricsModule,
      ],
      providers: [{ provide: ADMIN_API_CONFIG, useValue: config }],
      exports: [ADMIN_API_CONFIG],
    };
  }
}
