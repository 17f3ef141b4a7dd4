import type { Metadata } from 'next';
import { ProviderManager } from '../../../../components/admin/providers/provider-manager';
import { adminCatalog } from '../../../../lib/api/admin-catalog';

export const metadata: Metadata = { title: 'Providers' };

export default async function ProvidersPage() {
  const providers = await adminCatalog.providers();
  return <ProviderManager providers={providers.items} hasMore={providers.nextCursor !== null} />;
}
