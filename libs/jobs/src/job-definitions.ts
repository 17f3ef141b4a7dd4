import { type JobsOptions } from 'bullmq';
import { type z } from 'zod';
import { anomalyCheckV1Schema, budgetCheckV1Schema, webhookRetryV1Schema } from './alerts/alert-jobs';
import {
  partitionsAheadV1Schema,
  usageReconciliationV1Schema,
  usageRetentionV1Schema,
} from './maintenance/maintenance-jobs';
import { JobName, QueueName } from './queues';
import { usageBatchEnvelopeV1Schema, usageBatchV1Schema } from './usage/usage-batch.job';
import { usageRecordedV1Schema } from './usage/usage-recorded.job';

export interface JobDefinition {
  queue: QueueName;
  /** The payload's contract: what a producer sends. */
  schema: z.ZodType;
  /**
   * What producer and worker check instead of `schema`, when the job carries items that its handler checks one by
   * one (so that a bad item does not sink the others) and that the producer need not check again.
   */
  envelope?: z.ZodType;
  /** BullMQ options of this job, over JobProducer's defaults. */
  options?: JobsOptions;
  /** Also enqueued by the worker itself on a repeating schedule (its interval comes from the worker's configuration). */
  scheduled: boolean;
}

/**
 * Every job: its queue and the schema of its payload. The worker checks at boot that each job here has exactly
 * one handler, so a job can never sit in a queue that nothing consumes.
 */
export const jobDefinitions = {
  [JobName.UsageBatch]: {
    queue: QueueName.Usage,
    schema: usageBatchV1Schema,
    envelope: usageBatchEnvelopeV1Schema,
    // A completed batch keeps its events in Redis until trimmed: the last 100 are up to 20,000 events (~10 MB).
    options: { removeOnComplete: 100 },
    scheduled: false,
  },
  [JobName.UsageRecorded]: { queue: QueueName.Usage, schema: usageRecordedV1Schema, scheduled: false },
  [JobName.BudgetCheck]: { queue: QueueName.Alerts, schema: budgetCheckV1Schema, scheduled: false },
  [JobName.WebhookRetry]: { queue: QueueName.Alerts, schema: webhookRetryV1Schema, scheduled: true },
  [JobName.AnomalyCheck]: { queue: QueueName.Alerts, schema: anomalyCheckV1Schema, scheduled: true },
  [JobName.UsageRetention]: { queue: QueueName.Maintenance, schema: usageRetentionV1Schema, scheduled: true },
  [JobName.UsageReconciliation]: {
    queue: QueueName.Maintenance,
    schema: usageReconciliationV1Schema,
    scheduled: true,
  },
  [JobName.PartitionsAhead]: { queue: QueueName.Maintenance, schema: partitionsAheadV1Schema, scheduled: true },
} as const satisfies Record<JobName, JobDefinition>;

type Definitions = typeof jobDefinitions;

/** What a producer sends. */
export type JobPayload<Name extends JobName> = z.infer<Definitions[Name]['schema']>;

/** What a handler receives: the payload as far as it was checked (its envelope, for a job that has one). */
export type ReceivedJobPayload<Name extends JobName> = Definitions[Name] extends { envelope: infer Envelope }
  ? z.infer<Envelope & z.ZodType>
  : JobPayload<Name>;

/** The schema a payload of `name` is checked against, on both sides of the queue. */
export function checkedSchema(name: JobName): z.ZodType {
  const definition: JobDefinition = jobDefinitions[name];
  return definition.envelope ?? definition.schema;
}
