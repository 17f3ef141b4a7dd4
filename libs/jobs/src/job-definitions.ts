import { type z } from 'zod';
import { JobName, QueueName } from './queues';
import { usageRecordedV1Schema } from './usage/usage-recorded.job';

/**
 * Every job: its queue and the schema of its payload. The worker checks at boot that each job here has
 * exactly one handler, so a job can never sit in a queue that nothing consumes.
 */
export const jobDefinitions = {
  [JobName.UsageRecorded]: { queue: QueueName.Usage, schema: usageRecordedV1Schema },
} as const satisfies Record<JobName, { queue: QueueName; schema: z.ZodType }>;

export type JobPayload<Name extends JobName> = z.infer<(typeof jobDefinitions)[Name]['schema']>;
