import { SetMetadata } from '@nestjs/common';

export type TenantRole = 'OWNER' | 'MEMBER' | 'VIEWER';

/**
 * Who may call a route. Every route declares exactly one rule, on its controller or its handler (the
 * handler's wins); a test walks every route and fails on one that declares none.
 * - `public`: anyone, signed in or not (sign-up, login, health).
 * - `signed-in`: any signed-in user (their own profile, sign-out).
 * - `tenant`: a member of the `:tenantId` in the path with at least `role`; others get 404, as if the tenant
 *   did not exist. Platform admins act as owners of every tenant.
 * - `admin`: platform admins only; others get 403.
 */
export type AccessRule =
  { kind: 'public' } | { kind: 'signed-in' } | { kind: 'admin' } | { kind: 'tenant'; role: TenantRole };

export const ACCESS_RULE = 'gatehouse:access-rule';

export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);
export const SignedIn = () => SetMetadata(ACCESS_RULE, { kind: 'signed-in' } satisfies AccessRule);
export const AdminOnly = () => SetMetadata(ACCESS_RULE, { kind: 'admin' } satisfies AccessRule);
export const TenantAccess = (role: TenantRole) =>
  SetMetadata(ACCESS_RULE, { kind: 'tenant', role } satisfies AccessRule);

const RANK: Record<TenantRole, number> = { VIEWER: 1, MEMBER: 2, OWNER: 3 };

export function roleAtLeast(actual: TenantRole, required: TenantRole): boolean {
  return RANK[actual] >= RANK[required];
}
