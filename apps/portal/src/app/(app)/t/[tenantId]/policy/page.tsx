import type { Metadata } from 'next';
import { Alert, PageHeader } from '@gatehouse/ui';
import { EffectivePolicy } from '../../../../../components/policies/effective-policy';
import { PRODUCT_SLUG } from '../../../../../components/policies/policy-names';
import { PolicyWorkbench } from '../../../../../components/policies/policy-workbench';
import { effectivePolicyOrError, policiesApi } from '../../../../../lib/api/policies';
import { tenantPolicyEndpoints } from '../../../../../lib/api/policy-endpoints';
import { adminApi } from '../../../../../lib/api/server';
import { canManagePolicy } from '../../../../../lib/roles';
import { getTenant } from '../../../../../lib/session';

export const metadata: Metadata = { title: 'Policy' };

/**
 * The workspace's policy: the effective rules its calls must pass, for any member; and, for owners, the editor of
 * the workspace's own document (admin-api lets owners alone read and write it).
 */
export default async function TenantPolicyPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ tenantId }, query] = await Promise.all([params, searchParams]);
  const tenant = await getTenant(tenantId);
  const isOwner = canManagePolicy(tenant.role);
  const requested = typeof query.product === 'string' ? query.product : undefined;
  const product = requested && PRODUCT_SLUG.test(requested) ? requested : undefined;
  const [catalog, effective, policy] = await Promise.all([
    adminApi.catalogProducts(),
    effectivePolicyOrError(tenant.id, product),
    isOwner ? policiesApi.tenantPolicy(tenant.id) : Promise.resolve(null),
  ]);

  return (
    <div className="space-y-10">
      <PageHeader
        title="Policy"
        description="Access rules for this workspace's calls: which models, from which addresses, at which hours. The platform's documents apply too; the workspace's own can only add refusals."
      />

      <section aria-labelledby="effective-policy" className="space-y-4">
        <div>
          <h2 id="effective-policy" className="text-lg font-semibold text-slate-950">
            Effective policy
          </h2>
          <p className="mt-1 max-w-2xl text-sm leading-6 text-slate-600">
            Every rule this workspace&apos;s calls must pass, with the document it comes from.
          </p>
        </div>
        <EffectivePolicy
          action={`/t/${encodeURIComponent(tenant.id)}/policy`}
          products={catalog.items.map((item) => ({ slug: item.slug, name: item.name }))}
          product={product}
          result={effective.ok ? effective : { ok: false, message: effective.error.message }}
        />
      </section>

      {isOwner ? (
        <PolicyWorkbench
          key={policy?.activeVersion ?? 0}
          endpoints={tenantPolicyEndpoints(tenant.id)}
          policy={policy}
          timeZone={tenant.timeZone}
          products={catalog.items.map((item) => ({ slug: item.slug, models: item.models.map((model) => model.name) }))}
        />
      ) : (
        <Alert tone="info" title="Owners edit the workspace's document">
          Only the workspace&apos;s owners can see and change its own policy document. Ask one of them for a change.
        </Alert>
      )}
    </div>
  );
}
