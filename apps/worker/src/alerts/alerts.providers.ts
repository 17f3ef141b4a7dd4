import { Logger, type Provider } from '@nestjs/common';
import { type WorkerConfig } from '@gatehouse/config';
import { type DbClient, PRISMA_CLIENT, WebhookRepository } from '@gatehouse/db';
import { credentialKeyFromBase64 } from '@gatehouse/domain';
import { WebhookSender } from '@gatehouse/webhooks';
import { AnomalyAlerts } from './anomaly-alerts';
import { AnomalyCheckProcessor } from './anomaly-check.processor';
import { BudgetAlerts } from './budget-alerts';
import { BudgetCheckProcessor } from './budget-check.processor';
import { WebhookRetryProcessor } from './webhook-retry.processor';

/**
 * The alert providers of the worker: the shared webhook sender (with the admin API's credential key, which
 * decrypts the signing secrets), the budget and anomaly alert logic and their job handlers.
 */
export function alertProviders(config: WorkerConfig): Provider[] {
  return [
    {
      provide: WebhookSender,
      useFactory: (db: DbClient) =>
        new WebhookSender(new WebhookRepository(db), credentialKeyFromBase64(config.credentialEncryptionKey), {
          guard: { policy: { allowLoopback: config.webhooks.allowLoopback } },
          logger: new Logger('WebhookSender'),
        }),
      inject: [PRISMA_CLIENT],
    },
    {
      provide: BudgetAlerts,
      useFactory: (db: DbClient, sender: WebhookSender) => new BudgetAlerts(db, sender),
      inject: [PRISMA_CLIENT, WebhookSender],
    },
    {
      provide: BudgetCheckProcessor,
      useFactory: (alerts: BudgetAlerts) => new BudgetCheckProcessor(alerts),
      inject: [BudgetAlerts],
    },
    {
      provide: AnomalyAlerts,
      useFactory: (db: DbClient, sender: WebhookSender) => new AnomalyAlerts(db, sender, config.anomalies),
      inject: [PRISMA_CLIENT, WebhookSender],
    },
    {
      provide: AnomalyCheckProcessor,
      useFactory: (alerts: AnomalyAlerts) => new AnomalyCheckProcessor(alerts),
      inject: [AnomalyAlerts],
    },
    {
      provide: WebhookRetryProcessor,
      useFactory: (alerts: BudgetAlerts) => new WebhookRetryProcessor(alerts),
      inject: [BudgetAlerts],
    },
  ];
}
