import {
  apiKeyListSchema,
  catalogProductListSchema,
  meResponseSchema,
  notificationListSchema,
  subscriptionListSchema,
  tenantSchema,
  tenantUsageSeriesSchema,
  tenantUsageSummarySchema,
  type SubscriptionResponse,
  type TenantUsageGrouping,
  type UsageGranularity,
} from '@gatehouse/contracts';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { portalConfig } from '../config';
import { loginUrl, RETURN_PATH_HEADER } from '../return-path';
import { SESSION_COOKIE } from '../session-cookie';
import { AdminApiError, errorFromResponse } from './errors';

/**
 * The typed admin-api client of server components. They call admin-api directly from the Next server (not through
 * the browser and the /api/v1 proxy), forwarding only the visitor's session cookie, so a page renders in one pass
 * with no waterfall of client requests. Server code only: it reads cookies and the internal ADMIN_API_URL.
 *
 * Every answer is parsed against the shared schemas of @gatehouse/contracts. A 401 sends the visitor to /login with
 * a path to come back to; any other failure throws an AdminApiError for the page's error boundary (or for the
 * caller, which may turn a 404 into notFound()).
 */

// Page renders wait on these calls: long enough for a report over a month of rollups, short enough that a hung
// control plane shows the error page instead of a spinner that never ends.
const REQUEST_TIMEOUT_MS = 10_000;

type Query = Record<string, string | number | boolean | undefined>;

async function redirectToLogin(): Promise<never> {
  const requestHeaders = await headers();
  redirect(loginUrl(requestHeaders.get(RETURN_PATH_HEADER)));
}

/**
 * GET from admin-api on the server, with the visitor's session cookie; parsed against `schema`. A 401 sends the
 * visitor to sign in. Feature areas build their typed calls on it (`adminApi` below, or a file of their own in
 * this folder).
 */
export async function adminGet<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
  query: Query = {},
): Promise<z.output<Schema>> {
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!session) return redirectToLogin();

  const url = new URL(`/api/v1${path}`, portalConfig().adminApiUrl);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }

  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', cookie: `${SESSION_COOKIE}=${session}` },
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw AdminApiError.unreachable();
  }

  const payload: unknown = await response.json().catch(() => undefined);
  // redirect() throws to unwind the render, so it must stay outside any try/catch.
  if (response.status === 401) return redirectToLogin();
  if (!response.ok) throw errorFromResponse(response.status, payload);

  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    // Field paths only: the payload may hold names and emails that do not belong in a log.
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    console.error(`admin-api GET ${url.pathname}: unexpected response shape at ${fields}`);
    throw AdminApiError.unexpected(response.status);
  }
  return parsed.data;
}

const segment = encodeURIComponent;

export const adminApi = {
  me: () => adminGet('/auth/me', meResponseSchema),

  tenant: (tenantId: string) => adminGet(`/tenants/${segment(tenantId)}`, tenantSchema),

  keys: (tenantId: string, page: { cursor?: string; limit?: number } = {}) =>
    adminGet(`/tenants/${segment(tenantId)}/keys`, apiKeyListSchema, page),

  subscriptions: (tenantId: string, query: { status?: SubscriptionResponse['status']; limit?: number } = {}) =>
    adminGet(`/tenants/${segment(tenantId)}/subscriptions`, subscriptionListSchema, query),

  usageSummary: (tenantId: string) => adminGet(`/tenants/${segment(tenantId)}/usage/summary`, tenantUsageSummarySchema),

  usageSeries: (
    tenantId: string,
    query: { granularity?: UsageGranularity; groupBy?: TenantUsageGrouping; from?: string; to?: string } = {},
  ) => adminGet(`/tenants/${segment(tenantId)}/usage`, tenantUsageSeriesSchema, query),

  notifications: (tenantId: string, query: { unread?: boolean; limit?: number } = {}) =>
    adminGet(`/tenants/${segment(tenantId)}/notifications`, notificationListSchema, query),

  catalogProducts: () => adminGet('/catalog/products', catalogProductListSchema),
};
