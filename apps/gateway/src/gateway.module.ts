import { type DynamicModule, Module } from '@nestjs/common';
import { type GatewayConfig } from '@gatehouse/config';
import { DbModule, PostgresHealthProbe } from '@gatehouse/db';
import { HealthModule, LoggerModule, MetricsModule } from '@gatehouse/observability';
import { RedisHealthProbe, RedisModule } from '@gatehouse/redis';
import { GATEWAY_CONFIG } from './gateway.constants';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        LoggerModule.forRoot({
          appName: 'gateway',
          level: config.logLevel,
          format: config.logFormat,
          logRequests: false,
        }),
        DbModule.forRoot({ url: config.database.url, readUrl: config.database.readUrl }),
        RedisModule.forRoot({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, connectionName: 'gateway' }),
        HealthModule.register([PostgresHealthProbe, RedisHealthProbe]),
        MetricsModule,
      ],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
