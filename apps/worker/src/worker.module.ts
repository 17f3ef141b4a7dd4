import { type DynamicModule, Module } from '@nestjs/common';
import { type WorkerConfig } from '@gatehouse/config';
import { DbModule, PostgresHealthProbe } from '@gatehouse/db';
import { HealthModule, LoggerModule, MetricsModule } from '@gatehouse/observability';
import { RedisHealthProbe, RedisModule } from '@gatehouse/redis';
import { WORKER_CONFIG } from './worker.constants';

@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot({ appName: 'worker', level: config.logLevel, format: config.logFormat }),
        DbModule.forRoot({ url: config.database.url, readUrl: config.database.readUrl }),
        RedisModule.forRoot({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, connectionName: 'worker' }),
        HealthModule.register([PostgresHealthProbe, RedisHealthProbe]),
        MetricsModule,
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }],
      exports: [WORKER_CONFIG],
    };
  }
}
