import {
  adminProductListSchema,
  adminProductSchema,
  auditEventListSchema,
  planListSchema,
  providerListSchema,
  type ProductListQuery,
} from '@gatehouse/contracts';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { AdminApiError } from './errors';
import { adminGet } from './server';

/**
 * The typed admin-api reads of the platform admin's catalog, provider and audit pages. Server code only, like
 * `adminGet` it builds on; writes go from the browser through `callApi` and the `/api/v1` proxy.
 */

const segment = encodeURIComponent;

// admin-api's largest page. Providers and a product's plans are few; the pages say so when more exist.
export const CATALOG_PAGE = 200;

export const AUDIT_PAGE_SIZE = 50;

// admin-api's cursors and ids are UUIDs; anything else in the address bar is dropped rather than sent on.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const isUuid = (value: string | undefined): value is string => value !== undefined && UUID.test(value);

/** The audit log's filters as they stand in the address bar (`?tenantId&action&targetType&from&to&cursor`). */
export interface AuditFilters {
  tenantId?: string;
  action?: string;
  targetType?: string;
  /** `YYYY-MM-DD`, UTC days: `from` inclusive, `to` inclusive of the whole day. */
  from?: string;
  to?: string;
  cursor?: string;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() || undefined;

/** Reads the filters from the search params, keeping only values admin-api would accept. */
export function parseAuditFilters(params: Record<string, string | string[] | undefined>): AuditFilters {
  const tenantId = first(params.tenantId);
  const cursor = first(params.cursor);
  const from = first(params.from);
  const to = first(params.to);
  return {
    tenantId: isUuid(tenantId) ? tenantId : undefined,
    action: first(params.action)?.slice(0, 200),
    targetType: first(params.targetType)?.slice(0, 100),
    from: from && DATE.test(from) ? from : undefined,
    to: to && DATE.test(to) ? to : undefined,
    cursor: isUuid(cursor) ? cursor : undefined,
  };
}

const DAY_MS = 86_400_000;

/**
 * The filters as admin-api takes them. admin-api's `to` is exclusive, so a "to" day becomes the next UTC midnight:
 * picking the same day for both ends shows that whole day.
 */
export function auditQuery(filters: AuditFilters) {
  const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);
  return {
    tenantId: filters.tenantId,
    action: filters.action,
    targetType: filters.targetType,
    from: filters.from ? dayStart(filters.from).toISOString() : undefined,
    to: filters.to ? new Date(dayStart(filters.to).getTime() + DAY_MS).toISOString() : undefined,
    cursor: filters.cursor,
    limit: AUDIT_PAGE_SIZE,
  };
}

/** The audit page's own address for a set of filters (a cursor only when paging). */
export function auditHref(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  const text = params.toString();
  return `/admin/audit${text ? `?${text}` : ''}`;
}

export const adminCatalog = {
  providers: () => adminGet('/admin/providers', providerListSchema, { limit: CATALOG_PAGE }),

  products: (query: Pick<ProductListQuery, 'status' | 'kind'> = {}) =>
    adminGet('/admin/products', adminProductListSchema, { ...query, limit: CATALOG_PAGE }),

  product: (productId: string) => adminGet(`/admin/products/${segment(productId)}`, adminProductSchema),

  /** Every plan of a product with its limit modes and fail-open flag, which the product's summary leaves out. */
  plans: (productId: string) => adminGet('/admin/plans', planListSchema, { productId, limit: CATALOG_PAGE }),

  audit: (filters: AuditFilters) => adminGet('/admin/audit', auditEventListSchema, auditQuery(filters)),
};

/** One product for its page and its metadata; an unknown product is the 404 page. Cached per request. */
export const getAdminProduct = cache(async (productId: string) => {
  if (!isUuid(productId)) notFound();
  try {
    return await adminCatalog.product(productId);
  } catch (error) {
    if (error instanceof AdminApiError && (error.status === 404 || error.status === 400)) notFound();
    throw error;
  }
});
