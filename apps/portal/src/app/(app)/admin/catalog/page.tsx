import type { Metadata } from 'next';
import { CatalogManager } from '../../../../components/admin/catalog/catalog-manager';
import { adminCatalog } from '../../../../lib/api/admin-catalog';

export const metadata: Metadata = { title: 'Catalog' };

export default async function CatalogPage() {
  // Providers are read for the create form's HTTP upstream choice; both reads are independent.
  const [products, providers] = await Promise.all([adminCatalog.products(), adminCatalog.providers()]);
  return (
    <CatalogManager products={products.items} providers={providers.items} hasMore={products.nextCursor !== null} />
  );
}
