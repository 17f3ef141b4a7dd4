import type { Metadata } from 'next';
import { PolicyList } from '../../../../components/policies/policy-list';
import { adminCatalog } from '../../../../lib/api/admin-catalog';
import { policiesApi } from '../../../../lib/api/policies';

export const metadata: Metadata = { title: 'Policies' };

export default async function PoliciesPage() {
  const [policies, products] = await Promise.all([policiesApi.list(), adminCatalog.products()]);
  return <PolicyList policies={policies.items} productSlugs={products.items.map((product) => product.slug)} />;
}
