import type { SubscriptionResponse } from '@gatehouse/contracts';
import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@gatehouse/ui';
import { ProductCard, type ProductStanding } from '../../../../../components/catalog/product-card';
import { Icon } from '../../../../../components/icons';
import { MAX_PAGE_SIZE, tenantAccessApi } from '../../../../../lib/api/tenant-access';
import { canRequestAccess } from '../../../../../lib/roles';
import { getTenant } from '../../../../../lib/session';

export const metadata: Metadata = { title: 'Catalog' };

/**
 * Per product, where the workspace stands: its approved grant and its pending request (a tenant holds at most one
 * of each; together they are a plan change waiting), and otherwise its latest subscription, whose rejection or
 * expiry is worth knowing. The list comes newest first, so the first match is the latest.
 */
function standingByProduct(subscriptions: SubscriptionResponse[]): Map<string, ProductStanding> {
  const byProduct = new Map<string, ProductStanding>();
  for (const subscription of subscriptions) {
    let standing = byProduct.get(subscription.productId);
    if (!standing) byProduct.set(subscription.productId, (standing = { current: null, pending: null, latest: null }));
    if (subscription.status === 'APPROVED') standing.current ??= subscription;
    else if (subscription.status === 'PENDING') standing.pending ??= subscription;
    else standing.latest ??= subscription;
  }
  return byProduct;
}

export default async function CatalogPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const [tenant, catalog, subscriptions] = await Promise.all([
    getTenant(tenantId),
    tenantAccessApi.catalog(),
    tenantAccessApi.subscriptions(tenantId, { limit: MAX_PAGE_SIZE }),
  ]);
  const canRequest = canRequestAccess(tenant.role);
  const byProduct = standingByProduct(subscriptions.items);

  return (
    <div className="space-y-8">
      <PageHeader
        title="Catalog"
        description={
          <>
            The models and APIs your team can use through the gateway, with their prices and plans. Plans marked
            “approved automatically” work as soon as you request them; the others wait for a platform admin.
            {!canRequest && ' As a viewer you can browse the catalog; members and owners can request access.'}
          </>
        }
      />

      {catalog.items.length === 0 ? (
        <EmptyState
          icon={<Icon name="grid" className="size-6" />}
          title="Nothing is published yet"
          description="Products appear here once a platform admin publishes them. Check back later, or ask your platform team what is coming."
        />
      ) : (
        <div className="space-y-6">
          {catalog.items.map((product) => (
            <ProductCard
              key={product.id}
              tenantId={tenant.id}
              product={product}
              standing={byProduct.get(product.id) ?? { current: null, pending: null, latest: null }}
              canRequest={canRequest}
              timeZone={tenant.timeZone}
            />
          ))}
          {catalog.nextCursor && (
            <p className="text-center text-sm text-slate-500">Showing the first {MAX_PAGE_SIZE} products, by name.</p>
          )}
        </div>
      )}
    </div>
  );
}
