import { type DynamicModule, Module } from '@nestjs/common';
import { type WorkerConfig } from '@gatehouse/config';
import { DbModule, PostgresHealthProbe, PRISMA_CLIENT, type DbClient, UsageIngestionRepository } from '@gatehouse/db';
import { HealthModule, LoggerModule, MetricsModule } from '@gatehouse/observability';
import { RedisHealthProbe, RedisModule } from '@gatehouse/redis';
import { QueueWorkers } from './jobs/queue-workers';
import { UsageRecordedProcessor } from './usage/usage-recorded.processor';
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
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        {
          provide: UsageRecordedProcessor,
          useFactory: (db: DbClient) => new UsageRecordedProcessor(new UsageIngestionRepository(db), config.usage),
          inject: [PRISMA_CLIENT],
        },
        {
          // Every job handler is listed here; QueueWorkers refuses to boot if one is missing or doubled.
          provide: QueueWorkers,
          useFactory: (usage: UsageRecordedProcessor) =>
            new QueueWorkers([usage], { redisUrl: config.redis.url, prefix: config.redis.keyPrefix }),
          inject: [UsageRecordedProcessor],
        },
      ],
      exports: [WORKER_CONFIG],
    };
  }
}
