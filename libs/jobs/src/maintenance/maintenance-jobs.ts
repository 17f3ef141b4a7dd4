import { z } from 'zod';

/** Version 1. Scheduled; the retention period is the worker's configuration. */
export const usageRetentionV1Schema = z.object({ version: z.literal(1) });

export type UsageRetentionV1 = z.infer<typeof usageRetentionV1Schema>;

/**
 * Version 1. Scheduled without a window (the worker checks the recent closed buckets); an operator may enqueue
 * one with an explicit `[from, to)` window.
 */
export const usageReconciliationV1Schema = z.object({
  version: z.literal(1),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export type UsageReconciliationV1 = z.infer<typeof usageReconciliationV1Schema>;

/** Version 1. Scheduled; how many days ahead is the worker's configuration. */
export const partitionsAheadV1Schema = z.object({ version: z.literal(1) });

export type PartitionsAheadV1 = z.infer<typeof partitionsAheadV1Schema>;
