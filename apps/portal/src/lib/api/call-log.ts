import {
  callLogDetailSchema,
  platformCallLogSchema,
  tenantCallLogSchema,
  type CallLogDetailResponse,
} from '@gatehouse/contracts';
import { AdminApiError } from './errors';
import { adminGet } from './server';

/**
 * The log explorer's reads. Server code only, like `adminGet`. A list refused with `400` (a filter admin-api does
 * not accept) comes back as a value for the page to show beside the form; a request id that is not found is null.
 */

const segment = encodeURIComponent;

type Query = Record<string, string | undefined>;

async function refusable<T>(
  read: () => Promise<T>,
): Promise<{ ok: true; page: T } | { ok: false; error: AdminApiError }> {
  try {
    return { ok: true, page: await read() };
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 400) return { ok: false, error };
    throw error;
  }
}

async function orNull(read: () => Promise<CallLogDetailResponse>): Promise<CallLogDetailResponse | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 404) return null;
    throw error;
  }
}

export const callLogApi = {
  tenantList: (tenantId: string, query: Query) =>
    refusable(() => adminGet(`/tenants/${segment(tenantId)}/logs`, tenantCallLogSchema, query)),

  platformList: (query: Query) => refusable(() => adminGet('/admin/logs', platformCallLogSchema, query)),

  tenantCall: (tenantId: string, requestId: string) =>
    orNull(() => adminGet(`/tenants/${segment(tenantId)}/logs/${segment(requestId)}`, callLogDetailSchema)),

  platformCall: (requestId: string) => orNull(() => adminGet(`/admin/logs/${segment(requestId)}`, callLogDetailSchema)),
};
