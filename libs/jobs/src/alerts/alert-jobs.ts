import { z } from 'zod';

/**
 * Version 1. Enqueued after a usage batch commits, one per tenant in the batch, deduplicated per tenant while
 * one is waiting, so a busy tenant is checked about once per debounce interval, not once per event.
 */
export const budgetCheckV1Schema = z.object({
  version: z.literal(1),
  tenantId: z.uuid(),
});

export type BudgetCheckV1 = z.infer<typeof budgetCheckV1Schema>;

/** Version 1. Scheduled; carries nothing: the due deliveries are in the database. */
export const webhookRetryV1Schema = z.object({ version: z.literal(1) });

export type WebhookRetryV1 = z.infer<typeof webhookRetryV1Schema>;

/** Version 1. Scheduled; carries nothing: the traffic to judge is in the database. */
export const anomalyCheckV1Schema = z.object({ version: z.literal(1) });

export type AnomalyCheckV1 = z.infer<typeof anomalyCheckV1Schema>;
