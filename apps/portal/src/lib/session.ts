import { notFound } from 'next/navigation';
import { cache } from 'react';
import { adminApi } from './api/server';
import { AdminApiError } from './api/errors';

/**
 * The signed-in user, fetched once per request however many layouts and pages ask (React's request cache).
 * Redirects to /login when there is no valid session.
 */
export const getCurrentUser = cache(async () => (await adminApi.me()).user);

/**
 * The tenant of a `/t/[tenantId]` page with the caller's role in it (platform admins act as owners). A tenant the
 * caller may not see answers 404, like one that does not exist, and so does this page.
 */
export const getTenant = cache(async (tenantId: string) => {
  try {
    return await adminApi.tenant(tenantId);
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 404) notFound();
    throw error;
  }
});
