import { z } from 'zod';

/**
 * The counters the gateway enforces, as they stand (`GET /tenants/{tenantId}/subscriptions/{id}/limits` and
 * `GET /tenants/{tenantId}/limits`), for the portal's usage bars. A null entry is a limit that is unlimited:
 * nothing is counted for it.
 */

const isoDateTime = z.iso.datetime();
/** Decimal USD without trailing zeros ("4.9979"); usage may exceed a budget, so no upper bound on digits. */
const usdString = z.string().regex(/^\d+(\.\d{1,6})?$/);
const count = z.number().int().nonnegative();

const periodFields = {
  /** The period's id in the tenant's time zone: `2026-03-14` for a day, `2026-03` for a month. */
  period: z.string(),
  /** When the period ends and its counter starts again from 0. */
  resetsAt: isoDateTime,
};

/**
 * A token or call quota in its current period. `used` is settled usage; `reserved` is what requests in flight
 * hold (their worst case, until they settle); `remaining = limit − used − reserved`, never below 0 (a request
 * that used more than it reserved may take usage over the limit).
 */
export const quotaUsageSchema = z.object({
  limit: count,
  used: count,
  reserved: count,
  remaining: count,
  ...periodFields,
});

/** A monthly budget, the same fields in decimal USD. */
export const budgetUsageSchema = z.object({
  limit: usdString,
  used: usdString,
  reserved: usdString,
  remaining: usdString,
  ...periodFields,
});

/** A requests- or tokens-per-minute bucket now. */
export const rateUsageSchema = z.object({
  /** Per minute. */
  limit: count,
  /** The most that may be spent at once: the burst, or a minute's worth without one. */
  capacity: count,
  /** Whole units available now. */
  remaining: count,
  /** When the bucket is full again if nothing more is spent. */
  resetsAt: isoDateTime,
});

export const concurrencyUsageSchema = z.object({
  limit: count,
  /** Requests in flight now. */
  inUse: count,
});

export const subscriptionLimitUsageSchema = z.object({
  subscriptionId: z.uuid(),
  /** The zone the periods follow (the tenant's; UTC when it has none the runtime knows). */
  timeZone: z.string(),
  /** When the counters were read. */
  readAt: isoDateTime,
  quotas: z.object({
    dailyTokens: quotaUsageSchema.nullable(),
    monthlyTokens: quotaUsageSchema.nullable(),
    monthlyCalls: quotaUsageSchema.nullable(),
    monthlyBudgetUsd: budgetUsageSchema.nullable(),
  }),
  rates: z.object({ rpm: rateUsageSchema.nullable(), tpm: rateUsageSchema.nullable() }),
  concurrency: concurrencyUsageSchema.nullable(),
});

/** The tenant-wide counters: its monthly budget across every subscription (null when it has none). */
export const tenantLimitUsageSchema = z.object({
  tenantId: z.uuid(),
  timeZone: z.string(),
  readAt: isoDateTime,
  quotas: z.object({ monthlyBudgetUsd: budgetUsageSchema.nullable() }),
});

export type QuotaUsageResponse = z.infer<typeof quotaUsageSchema>;
export type BudgetUsageResponse = z.infer<typeof budgetUsageSchema>;
export type RateUsageResponse = z.infer<typeof rateUsageSchema>;
export type SubscriptionLimitUsageResponse = z.infer<typeof subscriptionLimitUsageSchema>;
export type TenantLimitUsageResponse = z.infer<typeof tenantLimitUsageSchema>;
