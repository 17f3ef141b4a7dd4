import { type DynamicModule, Module } from '@nestjs/common';
import { type WorkerConfig } from '@gatehouse/config';
import {
  DailyPartitions,
  DbModule,
  PostgresHealthProbe,
  PRISMA_CLIENT,
  type DbClient,
  SiemExportRepository,
  UsageIngestionRepository,
  UsageMaintenanceRepository,
} from '@gatehouse/db';
import { JobName, JobProducer, type QueueName } from '@gatehouse/jobs';
import { HealthModule, LoggerModule, MetricsModule } from '@gatehouse/observability';
import { queuePrefix, REDIS_CLIENT, RedisHealthProbe, RedisModule } from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { alertProviders } from './alerts/alerts.providers';
import { AnomalyCheckProcessor } from './alerts/anomaly-check.processor';
import { BudgetCheckProcessor } from './alerts/budget-check.processor';
import { WebhookRetryProcessor } from './alerts/webhook-retry.processor';
import { QueueMetrics } from './jobs/queue-metrics';
import { QueueWorkers } from './jobs/queue-workers';
import { PartitionsAheadProcessor } from './maintenance/partitions-ahead.processor';
import { UsageReconciliationProcessor } from './maintenance/usage-reconciliation.processor';
import { UsageRetentionProcessor } from './maintenance/usage-retention.processor';
import { SiemExporters } from './siem/siem-exporters';
import { BudgetCheckTrigger } from './usage/budget-check.trigger';
import { KeyLastUsedWriter } from './usage/key-last-used.writer';
import { UsageBatchProcessor } from './usage/usage-batch.processor';
import { UsageIngestionService } from './usage/usage-ingestion.service';
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
        ...alertProviders(config),
        {
          // Enqueues follow-up jobs (budget checks) and keeps the scheduled jobs scheduled.
          provide: JobProducer,
          useFactory: (redis: Redis) => new JobProducer(redis, queuePrefix(config.redis.keyPrefix)),
          inject: [REDIS_CLIENT],
        },
        {
          provide: QueueMetrics,
          useFactory: (producer: JobProducer) => new QueueMetrics(producer),
          inject: [JobProducer],
        },
        {
          provide: UsageIngestionRepository,
          useFactory: (db: DbClient) => new UsageIngestionRepository(db),
          inject: [PRISMA_CLIENT],
        },
        {
          provide: UsageMaintenanceRepository,
          useFactory: (db: DbClient) => new UsageMaintenanceRepository(db),
          inject: [PRISMA_CLIENT],
        },
        {
          provide: DailyPartitions,
          useFactory: (db: DbClient) => new DailyPartitions(db),
          inject: [PRISMA_CLIENT],
        },
        {
          // Also runs once at startup, whichever queues this process consumes: ingestion needs the partitions.
          provide: PartitionsAheadProcessor,
          useFactory: (partitions: DailyPartitions) =>
            new PartitionsAheadProcessor(partitions, { aheadDays: config.partitions.aheadDays }),
          inject: [DailyPartitions],
        },
        {
          provide: KeyLastUsedWriter,
          useFactory: (repository: UsageIngestionRepository) =>
            new KeyLastUsedWriter(repository, config.usage.lastUsedIntervalMs),
          inject: [UsageIngestionRepository],
        },
        {
          provide: UsageIngestionService,
          useFactory: (repository: UsageIngestionRepository, lastUsed: KeyLastUsedWriter, producer: JobProducer) =>
            new UsageIngestionService(repository, config.usage, [
              lastUsed,
              new BudgetCheckTrigger(producer, config.usage.budgetCheckDebounceMs),
            ]),
          inject: [UsageIngestionRepository, KeyLastUsedWriter, JobProducer],
        },
        {
          provide: UsageBatchProcessor,
          useFactory: (ingestion: UsageIngestionService) => new UsageBatchProcessor(ingestion),
          inject: [UsageIngestionService],
        },
        {
          provide: UsageRecordedProcessor,
          useFactory: (ingestion: UsageIngestionService) => new UsageRecordedProcessor(ingestion),
          inject: [UsageIngestionService],
        },
        {
          provide: UsageRetentionProcessor,
          useFactory: (repository: UsageMaintenanceRepository, partitions: DailyPartitions) =>
            new UsageRetentionProcessor(repository, partitions, config.retention),
          inject: [UsageMaintenanceRepository, DailyPartitions],
        },
        {
          provide: UsageReconciliationProcessor,
          useFactory: (repository: UsageMaintenanceRepository) =>
            new UsageReconciliationProcessor(repository, {
              windowHours: config.reconciliation.windowHours,
              retention: config.retention,
            }),
          inject: [UsageMaintenanceRepository],
        },
        {
          // One exporter per configured SIEM sink; with none configured nothing polls.
          provide: SiemExporters,
          useFactory: (db: DbClient) => new SiemExporters(new SiemExportRepository(db), config.siem),
          inject: [PRISMA_CLIENT],
        },
        {
          // Every job handler is listed here; QueueWorkers refuses to boot if one is missing or doubled.
          provide: QueueWorkers,
          useFactory: (
            producer: JobProducer,
            usageBatch: UsageBatchProcessor,
            usageRecorded: UsageRecordedProcessor,
            retention: UsageRetentionProcessor,
            reconciliation: UsageReconciliationProcessor,
            partitionsAhead: PartitionsAheadProcessor,
            budgetCheck: BudgetCheckProcessor,
            webhookRetry: WebhookRetryProcessor,
            anomalyCheck: AnomalyCheckProcessor,
          ) =>
            new QueueWorkers(
              [
                usageBatch,
                usageRecorded,
                retention,
                reconciliation,
                partitionsAhead,
                budgetCheck,
                webhookRetry,
                anomalyCheck,
              ],
              producer,
              {
                redisUrl: config.redis.url,
                prefix: queuePrefix(config.redis.keyPrefix),
                queues: config.queues as QueueName[],
                lockMs: config.jobLockMs,
                schedules: {
                  [JobName.WebhookRetry]: config.webhooks.retryIntervalMs,
                  [JobName.AnomalyCheck]: config.anomalies.intervalMs,
                  [JobName.UsageRetention]: config.retention.intervalMs,
                  [JobName.UsageReconciliation]: config.reconciliation.intervalMs,
                  [JobName.PartitionsAhead]: config.partitions.intervalMs,
                },
              },
            ),
          inject: [
            JobProducer,
            UsageBatchProcessor,
            UsageRecordedProcessor,
            UsageRetentionProcessor,
            UsageReconciliationProcessor,
            PartitionsAheadProcessor,
            BudgetCheckProcessor,
            WebhookRetryProcessor,
            AnomalyCheckProcessor,
          ],
        },
      ],
      exports: [WORKER_CONFIG],
    };
  }
}
