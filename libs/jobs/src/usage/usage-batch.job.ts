import { z } from 'zod';
import { usageRecordedV1Schema } from './usage-recorded.job';

/** Events in one `usage.batch`, at most: the largest batch a gateway may be configured to send. */
export const USAGE_BATCH_MAX_EVENTS = 5_000;

/**
 * What producer and worker check of a `usage.batch`: everything but its events. The gateway builds each event
 * itself, in typed code, thousands a second; checking every one with zod on its hot path would spend CPU proving
 * again what the compiler and the gateway's tests already hold. The worker reads the queue as untrusted input and
 * checks each event on its own (`usageRecordedV1Schema`), so that a malformed one holds back none of the others.
 */
export const usageBatchEnvelopeV1Schema = z.object({
  version: z.literal(1),
  /** The job id. BullMQ refuses `:` and all-digit ids; a UUID is what the gateway sends. */
  batchId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  events: z.array(z.unknown()).min(1).max(USAGE_BATCH_MAX_EVENTS),
});

/**
 * One flush of a gateway's usage events, as one job. Version 1. The job id is `batchId`, made by the gateway when
 * it flushes and kept with the batch in its disk spool, so a spooled batch that had reached Redis after all is the
 * same job when replayed, and is enqueued once while BullMQ keeps it. Past that the worker's ingestion, idempotent
 * by request id, counts each event once anyway. Events written by a gateway of the previous version into its
 * spool (one per line, without a batch) are replayed under an id derived from their request ids, so a replay
 * repeated after a crash is the same job too.
 */
export const usageBatchV1Schema = usageBatchEnvelopeV1Schema.extend({
  events: z.array(usageRecordedV1Schema).min(1).max(USAGE_BATCH_MAX_EVENTS),
});

export type UsageBatchV1 = z.infer<typeof usageBatchV1Schema>;
