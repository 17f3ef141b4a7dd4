import { z } from 'zod';

/**
 * Usage and cost reports (`GET /tenants/{tenantId}/usage`, `/usage/summary`, `/usage/export.csv` and their
 * `/admin/usage` counterparts across tenants). They read the minute/hour/day rollups, never the raw events.
 * Buckets are UTC; costs are USD as JSON numbers (summed exactly in SQL numeric, converted once at the edge).
 */

const isoDateTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const usd = z.number().nonnegative();

export const USAGE_GRANULARITIES = ['hour', 'day'] as const;
export const TENANT_USAGE_GROUPINGS = ['model', 'key', 'product'] as const;
export const PLATFORM_USAGE_GROUPINGS = ['tenant', 'model', 'product'] as const;

export type UsageGranularity = (typeof USAGE_GRANULARITIES)[number];
export type TenantUsageGrouping = (typeof TENANT_USAGE_GROUPINGS)[number];
export type PlatformUsageGrouping = (typeof PLATFORM_USAGE_GROUPINGS)[number];

/**
 * The widest range one request may ask for, per granularity: a bound on the rows a report (and its CSV) can
 * return, and on the rollups one query scans.
 */
export const MAX_USAGE_RANGE_DAYS: Record<UsageGranularity, number> = { hour: 31, day: 400 };

/** Without `from`/`to`: the last 24 hours in hour buckets, the last 30 days in day buckets (current one included). */
export const DEFAULT_USAGE_RANGE_DAYS: Record<UsageGranularity, number> = { hour: 1, day: 30 };

const rangeFields = {
  /** Inclusive: buckets that start at or after it. Default: see DEFAULT_USAGE_RANGE_DAYS. */
  from: isoDateTime.optional(),
  /** Exclusive: buckets that start before it. Default: the end of the current bucket. */
  to: isoDateTime.optional(),
  granularity: z.enum(USAGE_GRANULARITIES).optional(),
};

export const tenantUsageQuerySchema = z.object({ ...rangeFields, groupBy: z.enum(TENANT_USAGE_GROUPINGS).optional() });
export const platformUsageQuerySchema = z.object({
  ...rangeFields,
  groupBy: z.enum(PLATFORM_USAGE_GROUPINGS).optional(),
});

/** The sums of a bucket, a group or a period. `errors` are the requests answered with a status >= 400. */
export const usageTotalsSchema = z.object({
  requests: count,
  errors: count,
  inputTokens: count,
  outputTokens: count,
  cachedTokens: count,
  costUsd: usd,
});

/**
 * The group fields of each grouping; absent when the report is not grouped that way. Ids are plain strings: rollups
 * carry no foreign keys, and a report must not fail on an id the rest of the API would not have issued.
 */
const groupFields = {
  /** The public model alias; '' for calls to HTTP products, which have no model. */
  model: z.string().optional(),
  apiKeyId: z.string().optional(),
  /** Null when the key no longer exists (rollups outlive deleted rows). */
  keyName: z.string().nullable().optional(),
  keyPrefix: z.string().nullable().optional(),
  productId: z.string().optional(),
  productSlug: z.string().nullable().optional(),
  productName: z.string().nullable().optional(),
};

export const tenantUsageItemSchema = usageTotalsSchema.extend({
  /** Start of the UTC bucket. */
  bucket: z.iso.datetime(),
  ...groupFields,
});

export const platformUsageItemSchema = tenantUsageItemSchema.extend({
  tenantId: z.string().optional(),
  tenantName: z.string().nullable().optional(),
});

/** The range actually reported (defaults applied), ordered by bucket, then by group. */
const seriesFields = {
  nextCursor: z.null(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  granularity: z.enum(USAGE_GRANULARITIES),
};

export const tenantUsageSeriesSchema = z.object({
  items: z.array(tenantUsageItemSchema),
  ...seriesFields,
  groupBy: z.enum(TENANT_USAGE_GROUPINGS).nullable(),
});

export const platformUsageSeriesSchema = z.object({
  items: z.array(platformUsageItemSchema),
  ...seriesFields,
  groupBy: z.enum(PLATFORM_USAGE_GROUPINGS).nullable(),
});

/** A calendar period in a time zone: `2026-03` for a month, `2026-03-14` for a day; `to` is exclusive. */
export const usagePeriodSchema = z.object({ id: z.string(), from: z.iso.datetime(), to: z.iso.datetime() });

/**
 * Usage against a limit in the current period; null where the limit is unlimited. `percent` is used / limit
 * × 100, two decimals, and may pass 100 (usage is reported as it happened). A limit of 0 reads as 100 %.
 */
export const limitConsumptionSchema = z.object({
  limit: z.number().nonnegative(),
  used: z.number(),
  percent: z.number(),
});

export const subscriptionUsageSchema = z.object({
  subscriptionId: z.uuid(),
  productId: z.uuid(),
  productSlug: z.string(),
  productName: z.string(),
  planId: z.uuid(),
  planName: z.string(),
  /** The subscription's product in this tenant over the month (rollups have no subscription dimension). */
  usage: usageTotalsSchema,
  /**
   * Effective limits (the plan's with the approval's overrides). Tokens are input + output, as the gateway counts
   * them; calls are every recorded request, errors included, so they can run ahead of the gateway's call counter,
   * which is the one enforced (`GET /tenants/{tenantId}/subscriptions/{id}/limits`).
   */
  limits: z.object({
    monthlyBudgetUsd: limitConsumptionSchema.nullable(),
    monthlyTokens: limitConsumptionSchema.nullable(),
    monthlyCalls: limitConsumptionSchema.nullable(),
    /** Against today's tokens, in the tenant's time zone. */
    dailyTokens: limitConsumptionSchema.nullable(),
  }),
});

export const usageKeyRankSchema = usageTotalsSchema.extend({
  apiKeyId: z.string(),
  keyName: z.string().nullable(),
  keyPrefix: z.string().nullable(),
});

export const usageModelRankSchema = usageTotalsSchema.extend({ model: z.string() });

export const tenantUsageSummarySchema = z.object({
  tenantId: z.uuid(),
  /** The zone the periods follow: the tenant's. */
  timeZone: z.string(),
  /** The current month and day in that zone. */
  period: usagePeriodSchema,
  today: usagePeriodSchema,
  totals: usageTotalsSchema,
  /** The tenant-wide monthly budget; null when the tenant has none. */
  budget: limitConsumptionSchema.nullable(),
  /** Approved, unexpired subscriptions. */
  subscriptions: z.array(subscriptionUsageSchema),
  /** The five costliest keys and models of the month. */
  topKeys: z.array(usageKeyRankSchema),
  topModels: z.array(usageModelRankSchema),
});

export const usageTenantRankSchema = usageTotalsSchema.extend({
  tenantId: z.string(),
  tenantName: z.string().nullable(),
});

/** A tenant that has spent at least BUDGET_BURN_PERCENT of its monthly budget in its own current month. */
export const budgetBurnSchema = z.object({
  tenantId: z.uuid(),
  tenantName: z.string(),
  timeZone: z.string(),
  period: usagePeriodSchema,
  budget: limitConsumptionSchema,
});

export const BUDGET_BURN_PERCENT = 80;

export const platformUsageSummarySchema = z.object({
  /** The current UTC month. */
  timeZone: z.literal('UTC'),
  period: usagePeriodSchema,
  totals: usageTotalsSchema,
  /** The ten costliest tenants and models of the month. */
  topTenants: z.array(usageTenantRankSchema),
  topModels: z.array(usageModelRankSchema),
  /** Highest share first. Each tenant's budget is measured over its own month, in its own time zone. */
  budgetBurn: z.array(budgetBurnSchema),
});

export type TenantUsageQuery = z.infer<typeof tenantUsageQuerySchema>;
export type PlatformUsageQuery = z.infer<typeof platformUsageQuerySchema>;
export type UsageTotalsResponse = z.infer<typeof usageTotalsSchema>;
export type TenantUsageItemResponse = z.infer<typeof tenantUsageItemSchema>;
export type PlatformUsageItemResponse = z.infer<typeof platformUsageItemSchema>;
export type TenantUsageSeriesResponse = z.infer<typeof tenantUsageSeriesSchema>;
export type PlatformUsageSeriesResponse = z.infer<typeof platformUsageSeriesSchema>;
export type UsagePeriodResponse = z.infer<typeof usagePeriodSchema>;
export type LimitConsumptionResponse = z.infer<typeof limitConsumptionSchema>;
export type SubscriptionUsageResponse = z.infer<typeof subscriptionUsageSchema>;
export type TenantUsageSummaryResponse = z.infer<typeof tenantUsageSummarySchema>;
export type PlatformUsageSummaryResponse = z.infer<typeof platformUsageSummarySchema>;
