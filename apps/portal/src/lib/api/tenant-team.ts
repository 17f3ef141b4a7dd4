import {
  invitationListSchema,
  memberListSchema,
  meResponseSchema,
  tenantUsageSeriesSchema,
  type AuthUser,
  type InvitationResponse,
  type MemberResponse,
  type TenantUsageGrouping,
  type TenantUsageSeriesResponse,
  type UsageGranularity,
} from '@gatehouse/contracts';
import { cookies } from 'next/headers';
import { portalConfig } from '../config';
import { SESSION_COOKIE } from '../session-cookie';
import { AdminApiError, errorFromResponse } from './errors';
import { adminGet } from './server';

/**
 * Server-side calls of the usage explorer, the members page and the invitation page. Server code only, like
 * `adminGet`, which they build on.
 */

const segment = encodeURIComponent;

// admin-api's largest page. A workspace with more members than MEMBER_PAGES pages is not a case this page is built
// for; the bound keeps a render from walking an unbounded list.
const PAGE_LIMIT = 200;
const MEMBER_PAGES = 10;

export interface UsageReportQuery {
  from: string;
  to: string;
  granularity: UsageGranularity;
  groupBy: TenantUsageGrouping;
}

/**
 * A usage report, or admin-api's reason for refusing the query. A `400` (a range too large for hour buckets, a start
 * after the end, a malformed date) is the visitor's input, not a failure of the page, so it comes back as a value
 * for the form to show; anything else still throws for the error boundary.
 */
export async function usageReport(
  tenantId: string,
  query: UsageReportQuery,
): Promise<{ ok: true; report: TenantUsageSeriesResponse } | { ok: false; error: AdminApiError }> {
  try {
    const report = await adminGet(`/tenants/${segment(tenantId)}/usage`, tenantUsageSeriesSchema, { ...query });
    return { ok: true, report };
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 400) return { ok: false, error };
    throw error;
  }
}

/** Every member of the tenant, in the order they joined (they are few; the last-owner check needs them all). */
export async function tenantMembers(tenantId: string): Promise<{ members: MemberResponse[]; complete: boolean }> {
  const members: MemberResponse[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MEMBER_PAGES; page += 1) {
    const result = await adminGet(`/tenants/${segment(tenantId)}/members`, memberListSchema, {
      cursor,
      limit: PAGE_LIMIT,
    });
    members.push(...result.items);
    if (!result.nextCursor) return { members, complete: true };
    cursor = result.nextCursor;
  }
  return { members, complete: false };
}

/** Pending invitations, newest first. Owners only: admin-api refuses anyone else with `403`. */
export async function pendingInvitations(tenantId: string): Promise<InvitationResponse[]> {
  const result = await adminGet(`/tenants/${segment(tenantId)}/invitations`, invitationListSchema, {
    limit: PAGE_LIMIT,
  });
  return result.items;
}

// As in adminGet: a page render waits on it.
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The signed-in user, or null for a visitor without a valid session. Unlike `adminGet`, a missing or expired session
 * does not redirect: the invitation page is open to signed-out visitors, whom it asks to sign in or sign up itself,
 * after keeping the invitation in the tab so that it survives the detour.
 */
export async function signedInUserOrNull(): Promise<AuthUser | null> {
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!session) return null;

  let response: Response;
  try {
    response = await fetch(new URL('/api/v1/auth/me', portalConfig().adminApiUrl), {
      headers: { accept: 'application/json', cookie: `${SESSION_COOKIE}=${session}` },
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw AdminApiError.unreachable();
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.status === 401) return null;
  if (!response.ok) throw errorFromResponse(response.status, payload);
  const parsed = meResponseSchema.safeParse(payload);
  if (!parsed.success) throw AdminApiError.unexpected(response.status);
  return parsed.data.user;
}
