/** BullMQ queues. Each is consumed by one processor family in the worker; workers scale out per queue. */
export const QueueName = {
  /** The gateway's per-request usage events, ingested into raw rows and rollups. */
  Usage: 'usage',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  UsageRecorded: 'usage.recorded',
} as const;

export type JobName = (typeof JobName)[keyof typeof JobName];
