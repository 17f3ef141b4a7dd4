import {
  effectivePolicySchema,
  policyActivitySchema,
  policyListSchema,
  policySchema,
  type EffectivePolicyResponse,
  type PolicyResponse,
} from '@gatehouse/contracts';
import { AdminApiError } from './errors';
import { adminGet } from './server';

/**
 * The typed admin-api reads of the policy pages. Server code only, like `adminGet` it builds on; the editor's
 * checks, dry runs and writes go from the browser through `callApi` (see `policy-endpoints.ts`).
 */

const segment = encodeURIComponent;

/** A document that has no version yet is a 404 on admin-api; for the editor it is a new document to write. */
async function orNull(read: Promise<PolicyResponse>): Promise<PolicyResponse | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof AdminApiError && error.status === 404) return null;
    throw error;
  }
}

export const policiesApi = {
  list: () => adminGet('/admin/policies', policyListSchema),

  /** Any document by name, or null when there is none of that name yet. */
  adminPolicy: (name: string) => orNull(adminGet(`/admin/policies/${segment(name)}`, policySchema)),

  /** The tenant's own document, or null when it has none yet. */
  tenantPolicy: (tenantId: string) => orNull(adminGet(`/tenants/${segment(tenantId)}/policy`, policySchema)),

  effective: (tenantId: string, product?: string) =>
    adminGet(`/tenants/${segment(tenantId)}/policy/effective`, effectivePolicySchema, { product }),

  /** What the rules did to the tenant's calls of a window (at most 31 days). */
  tenantActivity: (tenantId: string, { from, to }: { from: string; to: string }) =>
    adminGet(`/tenants/${segment(tenantId)}/policy/activity`, policyActivitySchema, { from, to }),

  /** What the rules did to every tenant's calls of a window (at most 31 days); platform admins only. */
  activity: ({ from, to }: { from: string; to: string }) =>
    adminGet('/admin/policies/activity', policyActivitySchema, { from, to }),
};

/**
 * The effective policy, or admin-api's reason for not giving it. It is a side panel of the tenant's policy page: a
 * refusal (an unknown product in the address bar, say) is shown there, and the editor still works.
 */
export async function effectivePolicyOrError(
  tenantId: string,
  product: string | undefined,
): Promise<{ ok: true; policy: EffectivePolicyResponse } | { ok: false; error: AdminApiError }> {
  try {
    return { ok: true, policy: await policiesApi.effective(tenantId, product) };
  } catch (error) {
    if (error instanceof AdminApiError) return { ok: false, error };
    throw error;
  }
}
