import { stackUrls } from './stack';

export interface ApiResult<Body> {
  status: number;
  body: Body;
  headers: Headers;
}

/** Calls the e2e stack's admin API (`/api/v1` + path) as a client would: JSON in, JSON out, bearer token. */
export async function adminApi<Body = Record<string, unknown>>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<ApiResult<Body>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${stackUrls.adminApi}/api/v1${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body, headers: response.headers };
}

export const SEED_ADMIN = { email: 'admin@gatehouse.local', password: 'gatehouse-admin' } as const;

/** Lower-case letters and digits, different on every call: for names that must be unique in the shared stack. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export type TenantOwner = Awaited<ReturnType<typeof signUpTenantOwner>>;

/** A fresh tenant owner per test, through the public sign-up. */
export async function signUpTenantOwner(label: string) {
  const suffix = uniqueSuffix();
  const email = `${label}-${suffix}@example.com`;
  const password = `correct horse battery ${suffix}`;
  const response = await adminApi<{ token: string; user: { id: string; memberships: { tenantId: string }[] } }>(
    'POST',
    '/auth/signup',
    { body: { email, password, name: `${label} owner`, tenantName: `${label} ${suffix}` } },
  );
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.body)}`);
  const tenantId = response.body.user.memberships[0]?.tenantId;
  if (!tenantId) throw new Error('sign-up returned no tenant membership');
  return { email, password, token: response.body.token, userId: response.body.user.id, tenantId };
}

export async function signInAdmin(): Promise<string> {
  const response = await adminApi<{ token: string }>('POST', '/auth/login', { body: SEED_ADMIN });
  if (response.status !== 200) throw new Error(`admin sign-in failed: ${response.status}`);
  return response.body.token;
}
