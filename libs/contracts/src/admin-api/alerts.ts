import { z } from 'zod';

/**
 * Budget alert rules of a tenant: `/api/v1/tenants/{tenantId}/alert-rules` and the thresholds they fired,
 * `/api/v1/tenants/{tenantId}/alert-firings`. See docs/alerts.md for what a rule watches.
 */

/** What a tenant without any rule is watched with (the worker creates this rule on its first check). */
export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = [50, 80, 100];

export const MAX_ALERT_THRESHOLDS = 10;
/** Percent. Above 100 is allowed: a warning on overage (a quota can be overshot by what was in flight). */
export const MAX_ALERT_THRESHOLD_PERCENT = 1000;

/**
 * Percentages of the watched budget or quota, answered and stored in ascending order. Duplicates are refused
 * rather than silently merged: a client that sent `[80, 80]` most likely meant another number.
 */
export const alertThresholdsSchema = z
  .array(
    z
      .number({ error: 'must be a number of percent' })
      .int('must be a whole number of percent')
      .min(1, 'must be at least 1 (percent)')
      .max(MAX_ALERT_THRESHOLD_PERCENT, `must be at most ${MAX_ALERT_THRESHOLD_PERCENT} (percent)`),
    { error: 'must be a list of percentages, e.g. [50, 80, 100]' },
  )
  .min(1, 'list at least one threshold; to stop the alerts, set enabled to false')
  .max(MAX_ALERT_THRESHOLDS, `list at most ${MAX_ALERT_THRESHOLDS} thresholds`)
  .superRefine((thresholds, context) => {
    const seen = new Set<number>();
    thresholds.forEach((threshold, index) => {
      if (seen.has(threshold)) {
        context.addIssue({ code: 'custom', path: [index], message: `${threshold} is listed twice` });
      }
      seen.add(threshold);
    });
  })
  .transform((thresholds) => [...thresholds].sort((a, b) => a - b));

/** The whole rule is replaced: both fields are required, so a PUT never keeps half of an older setting. */
export const putAlertRuleRequestSchema = z.strictObject({
  thresholds: alertThresholdsSchema,
  enabled: z.boolean({ error: 'must be true or false' }),
});
export type PutAlertRuleRequest = z.infer<typeof putAlertRuleRequestSchema>;

export const alertRuleSchema = z.object({
  /** Null only for the defaults answered before the tenant has any rule. */
  id: z.string().nullable(),
  /** Null: the tenant-wide rule. */
  subscriptionId: z.string().nullable(),
  thresholds: z.array(z.number().int()),
  enabled: z.boolean(),
  /** Whether alerts of this rule are also posted to a webhook; the URL and its secret are never answered here. */
  hasWebhook: z.boolean(),
  createdAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime().nullable(),
});
export type AlertRuleResponse = z.infer<typeof alertRuleSchema>;

export const alertRuleListSchema = z.object({ items: z.array(alertRuleSchema), nextCursor: z.null() });
export type AlertRuleListResponse = z.infer<typeof alertRuleListSchema>;

/** `?cursor&limit`: `cursor` is the `nextCursor` of the previous page. */
export const alertFiringListQuerySchema = z.strictObject({
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type AlertFiringListQuery = z.infer<typeof alertFiringListQuerySchema>;

export const alertFiringSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  /** `tenant` (the tenant's own monthly budget) or a subscription id. */
  subject: z.string(),
  /** `monthlyBudgetUsd`, `monthlyTokens`, `monthlyCalls` or `dailyTokens`. */
  metric: z.string(),
  threshold: z.number().int(),
  /** `YYYY-MM` or `YYYY-MM-DD` in the tenant's time zone. */
  period: z.string(),
  /** Usage and limit when it fired, in the metric's unit (USD, tokens or calls), as exact decimal strings. */
  used: z.string(),
  limit: z.string(),
  firedAt: z.iso.datetime(),
});
export type AlertFiringResponse = z.infer<typeof alertFiringSchema>;

export const alertFiringListSchema = z.object({
  items: z.array(alertFiringSchema),
  nextCursor: z.string().nullable(),
});
export type AlertFiringListResponse = z.infer<typeof alertFiringListSchema>;
