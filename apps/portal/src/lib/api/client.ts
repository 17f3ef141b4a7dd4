import type { z } from 'zod';
import { loginUrl } from '../return-path';
import { AdminApiError, errorFromResponse } from './errors';

/**
 * Mutations from the browser, and the few reads a page makes on demand after it has rendered (a price history, an
 * audit chain check). They go through the portal's own origin (`/api/v1/*` is proxied to admin-api), so the
 * httpOnly session cookie rides along and no token ever touches page scripts or storage.
 */

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: AdminApiError };

// Long enough for a write that commits an audit event and publishes an invalidation; short enough that a dead
// control plane does not leave a dialog spinning.
const REQUEST_TIMEOUT_MS = 15_000;

export async function callApi<Schema extends z.ZodType>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: { body?: unknown; schema?: Schema } = {},
): Promise<ApiResult<z.output<Schema>>> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        // On every write, bodyless ones too: admin-api refuses a cookie-authenticated write that does not say it is
        // JSON, which a cross-site form cannot.
        ...(method !== 'GET' && { 'Content-Type': 'application/json' }),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      credentials: 'same-origin',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    return { ok: false, error: AdminApiError.unreachable() };
  }

  const payload: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);

  if (response.status === 401) {
    // The session ended (signed out elsewhere, or expired): sign in again and come back here.
    window.location.assign(loginUrl(`${window.location.pathname}${window.location.search}`));
    return { ok: false, error: errorFromResponse(401, payload) };
  }
  if (!response.ok) return { ok: false, error: errorFromResponse(response.status, payload) };
  if (!options.schema) return { ok: true, data: undefined as z.output<Schema> };

  const parsed = options.schema.safeParse(payload);
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, error: AdminApiError.unexpected(response.status) };
}

export const tenantPath = (tenantId: string, rest = '') => `/tenants/${encodeURIComponent(tenantId)}${rest}`;
