import {
  adminSubscriptionListSchema,
  adminTenantDetailSchema,
  adminTenantListSchema,
  memberListSchema,
  platformUsageSeriesSchema,
  platformUsageSummarySchema,
  type PlatformUsageGrouping,
  type PlatformUsageItemResponse,
  type SubscriptionResponse,
  type UsageGranularity,
} from '@gatehouse/contracts';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { AdminApiError } from './errors';
import { adminApi, adminGet } from './server';

/**
 * The typed admin-api calls of the platform admin's console (`/admin/*`). Server code only, like `adminGet` it builds
 * on. Tenant-scoped reads of one tenant (its keys, subscriptions, usage) reuse `adminApi`: platform admins act as
 * owners of every tenant, so the same routes the tenant's own pages use answer for them too.
 */

const segment = encodeURIComponent;

// admin-api's largest page. The queue and the tenant list are read in one page each; the pages say so when more
// exist rather than pretending the count is exact.
export const MAX_PAGE = 200;

/** The ranges the cost dashboard offers, in days. 90 days of day buckets is well inside admin-api's 400-day bound. */
export const USAGE_RANGES = [7, 30, 90] as const;
export type UsageRangeDays = (typeof USAGE_RANGES)[number];
export const DEFAULT_USAGE_RANGE: UsageRangeDays = 30;

/** The range from the address bar (`?range=7`), or the default for anything else. */
export function parseUsageRange(value: string | string[] | undefined): UsageRangeDays {
  const days = Number(Array.isArray(value) ? value[0] : value);
  return (USAGE_RANGES as readonly number[]).includes(days) ? (days as UsageRangeDays) : DEFAULT_USAGE_RANGE;
}

const DAY_MS = 86_400_000;

/**
 * The start of the last `days` UTC days, today included. Buckets are UTC days, so starting on a UTC midnight makes
 * the first bar a whole day; admin-api closes the range at the end of today when `to` is left out.
 */
export function rangeStart(days: number, now: number = Date.now()): string {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return new Date(today - (days - 1) * DAY_MS).toISOString();
}

/** Midnight UTC on the 1st of this month: the period of the platform summary, which follows the UTC month. */
export function utcMonthStart(now: Date = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}

export type PlatformUsageQuery = {
  from?: string;
  to?: string;
  granularity?: UsageGranularity;
  groupBy?: PlatformUsageGrouping;
};

/** The portal's same-origin link to the CSV export; the browser's session cookie rides along through the proxy. */
export function usageExportHref(query: PlatformUsageQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const search = params.toString();
  return `/api/v1/admin/usage/export.csv${search ? `?${search}` : ''}`;
}

export const adminConsole = {
  /** The approval queue, oldest first. */
  pendingSubscriptions: (limit: number = MAX_PAGE) =>
    adminGet('/admin/subscriptions', adminSubscriptionListSchema, { status: 'PENDING', limit }),

  /** Subscriptions across tenants in the admin's shape (tenant name, plan limits, overrides). */
  subscriptions: (query: { status?: SubscriptionResponse['status']; tenantId?: string; limit?: number } = {}) =>
    adminGet('/admin/subscriptions', adminSubscriptionListSchema, query),

  tenants: (query: { search?: string; cursor?: string; limit?: number } = {}) =>
    adminGet('/admin/tenants', adminTenantListSchema, query),

  tenant: (tenantId: string) => adminGet(`/admin/tenants/${segment(tenantId)}`, adminTenantDetailSchema),

  /** A tenant's members, to name who asked for access (the queue carries the requester's id only). */
  members: (tenantId: string) =>
    adminGet(`/tenants/${segment(tenantId)}/members`, memberListSchema, { limit: MAX_PAGE }),

  /** This UTC month across the platform: totals, top tenants and models, and the tenants near their budget. */
  usageSummary: () => adminGet('/admin/usage/summary', platformUsageSummarySchema),

  usageSeries: (query: PlatformUsageQuery = {}) => adminGet('/admin/usage', platformUsageSeriesSchema, query),

  // The tenant-scoped reads of the detail page, named here so the admin pages have one place to look.
  tenantSubscriptions: (tenantId: string) => adminApi.subscriptions(tenantId, { limit: 100 }),
  tenantKeys: (tenantId: string) => adminApi.keys(tenantId, { limit: 50 }),
  tenantUsageSummary: (tenantId: string) => adminApi.usageSummary(tenantId),
};

/** A tenant's admin detail; an unknown tenant is the 404 page. Cached per request for the page and its metadata. */
export const getAdminTenant = cache(async (tenantId: string) => {
  try {
    return await adminConsole.tenant(tenantId);
  } catch (error) {
    if (error instanceof AdminApiError && (error.status === 404 || error.status === 400)) notFound();
    throw error;
  }
});

/**
 * Who asked for each pending request, by user id: the members of the tenants in the queue, read in parallel. A
 * tenant whose members cannot be read only loses the names (the queue still renders), hence allSettled.
 */
export async function requesterNames(tenantIds: string[]): Promise<Record<string, { name: string; email: string }>> {
  const unique = [...new Set(tenantIds)];
  const results = await Promise.allSettled(unique.map((tenantId) => adminConsole.members(tenantId)));
  const names: Record<string, { name: string; email: string }> = {};
  for (const result of results) {
    if (result.status !== 'fulfilled') continue;
    for (const member of result.value.items) names[member.userId] = { name: member.name, email: member.email };
  }
  return names;
}

/** Month-to-date spend per tenant id, summed from a day series grouped by tenant. */
export function spendByTenant(items: PlatformUsageItemResponse[]): Map<string, { costUsd: number; requests: number }> {
  const totals = new Map<string, { costUsd: number; requests: number }>();
  for (const item of items) {
    if (!item.tenantId) continue;
    const entry = totals.get(item.tenantId) ?? { costUsd: 0, requests: 0 };
    entry.costUsd += item.costUsd;
    entry.requests += item.requests;
    totals.set(item.tenantId, entry);
  }
  return totals;
}
