import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, focusRing, PageHeader } from '@gatehouse/ui';
import { ModelsSection } from '../../../../../components/admin/catalog/models-section';
import { PlansSection } from '../../../../../components/admin/catalog/plans-section';
import { ProductLifecycle, ProductStatusBadge } from '../../../../../components/admin/catalog/product-lifecycle';
import { adminCatalog, getAdminProduct } from '../../../../../lib/api/admin-catalog';

type Params = { params: Promise<{ productId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const product = await getAdminProduct((await params).productId);
  return { title: product.name };
}

export default async function ProductPage({ params }: Params) {
  const { productId } = await params;
  // The product (models, prices), its full plans (limit modes) and the providers (target names) are independent.
  const [product, plans, providers] = await Promise.all([
    getAdminProduct(productId),
    adminCatalog.plans(productId),
    adminCatalog.providers(),
  ]);
  const upstream = product.http
    ? providers.items.find((provider) => provider.id === product.http?.providerId)
    : undefined;

  return (
    <div className="space-y-10">
      <div className="space-y-3">
        <Link href="/admin/catalog" className={`inline-block rounded text-sm font-medium text-indigo-700 ${focusRing}`}>
          ← Catalog
        </Link>
        <PageHeader
          title={product.name}
          description={
            <>
              <span className="mr-2 inline-flex gap-2 align-middle">
                <ProductStatusBadge status={product.status} />
                <Badge tone="brand">{product.kind}</Badge>
              </span>
              <span className="font-mono">{product.slug}</span>
              {product.description && <span className="mt-1 block">{product.description}</span>}
              {product.kind === 'HTTP' && (
                <span className="mt-1 block">
                  Forwards /apis/{product.slug}/… to{' '}
                  <span className="font-medium text-slate-900">{upstream?.name ?? 'an unknown provider'}</span>
                  {product.http?.upstreamPath && <span className="font-mono"> {product.http.upstreamPath}</span>}
                </span>
              )}
            </>
          }
          actions={<ProductLifecycle product={product} />}
        />
      </div>

      {product.kind === 'LLM' && <ModelsSection product={product} providers={providers.items} />}
      <PlansSection product={product} plans={plans.items} hasMore={plans.nextCursor !== null} />
    </div>
  );
}
