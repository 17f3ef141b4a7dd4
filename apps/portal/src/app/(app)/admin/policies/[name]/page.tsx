import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge, focusRing, PageHeader } from '@gatehouse/ui';
import { PolicyWorkbench } from '../../../../../components/policies/policy-workbench';
import { policyScope, scopeDescription } from '../../../../../components/policies/policy-names';
import { adminCatalog } from '../../../../../lib/api/admin-catalog';
import { policiesApi } from '../../../../../lib/api/policies';
import { adminPolicyEndpoints } from '../../../../../lib/api/policy-endpoints';

type Params = { params: Promise<{ name: string }> };

/** The name from the path; a name that is no document's name (malformed) is the 404 page. */
async function documentName(params: Params['params']): Promise<string> {
  const { name } = await params;
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    notFound();
  }
  if (!policyScope(decoded)) notFound();
  return decoded;
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `${await documentName(params)} · Policies` };
}

export default async function PolicyPage({ params }: Params) {
  const name = await documentName(params);
  const scope = policyScope(name);
  if (!scope) notFound();
  // The list carries the mode of the version in force, which the document's own answer leaves out.
  const [policy, list, products] = await Promise.all([
    policiesApi.adminPolicy(name),
    policiesApi.list(),
    adminCatalog.products(),
  ]);
  const mode = list.items.find((item) => item.name === name)?.mode ?? null;

  return (
    <div className="space-y-10">
      <div className="space-y-3">
        <Link
          href="/admin/policies"
          className={`inline-block rounded text-sm font-medium text-indigo-700 ${focusRing}`}
        >
          ← Policies
        </Link>
        <PageHeader
          title={name}
          description={
            <>
              {policy?.activeVersion != null ? (
                <span className="mr-2 inline-flex gap-2 align-middle">
                  <Badge tone="success">Version {policy.activeVersion} in force</Badge>
                  {mode && <Badge tone={mode === 'enforce' ? 'brand' : 'warning'}>{mode}</Badge>}
                </span>
              ) : (
                <span className="mr-2 inline-flex align-middle">
                  <Badge tone="neutral">New document</Badge>
                </span>
              )}
              {scopeDescription(scope)}
              {scope.kind === 'tenant' && (
                <>
                  {' '}
                  <Link
                    href={`/admin/tenants/${encodeURIComponent(scope.tenantId)}`}
                    className={`rounded font-medium text-indigo-700 ${focusRing}`}
                  >
                    The tenant&apos;s page
                  </Link>
                </>
              )}
            </>
          }
        />
      </div>

      <PolicyWorkbench
        key={policy?.activeVersion ?? 0}
        endpoints={adminPolicyEndpoints(name)}
        policy={policy}
        timeZone="UTC"
        defaultTenantId={scope.kind === 'tenant' ? scope.tenantId : undefined}
        products={products.items.map((product) => ({
          slug: product.slug,
          models: product.models.map((model) => model.name),
        }))}
      />
    </div>
  );
}
