import { type z } from 'zod';
import { budgetCheckV1Schema, webhookRetryV1Schema } from './alerts/alert-jobs';
import { usageReconciliationV1Schema, usageRetentionV1Schema } from './maintenance/maintenance-jobs';
import { JobName, QueueName } from './queues';
import { usageRecordedV1Schema } from './usage/usage-recorded.job';

/**
 * Every job: its queue and the schema of its payload. The worker checks at boot that each job here has
 * exactly one handler, so a job can never sit in a queue that nothing consumes. A `scheduled` job is also
 * enqueued by the worker itself on a repeating schedule (its interval comes from the worker's configuration).
 */
export const jobDefinitions = {
  [JobName.UsageRecorded]: { queue: QueueName.Usage, schema: usageRecordedV1Schema, scheduled: false },
  [JobName.BudgetCheck]: { queue: QueueName.Alerts, schema: budgetCheckV1Schema, scheduled: false },
  [JobName.WebhookRetry]: { queue: QueueName.Alerts, schema: webhookRetryV1Schema, scheduled: true },
  [JobName.UsageRetention]: { queue: QueueName.Maintenance, schema: usageRetentionV1Schema, scheduled: true },
  [JobName.UsageReconciliation]: {
    queue: QueueName.Maintenance,
    schema: usageReconciliationV1Schema,
    scheduled: true,
  },
} as const satisfies Record<JobName, { queue: QueueName; schema: z.ZodType; scheduled: boolean }>;

export type JobPayload<Name extends JobName> = z.infer<(typeof jobDefinitions)[Name]['schema']>;
