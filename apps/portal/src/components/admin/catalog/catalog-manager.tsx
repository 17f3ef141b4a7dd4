'use client';

import type { AdminProductResponse, ProviderResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import {
  Badge,
  Button,
  EmptyState,
  focusRing,
  PageHeader,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@gatehouse/ui';
import { formatInteger } from '../../../lib/format';
import { Icon } from '../../icons';
import { ProductDialog } from './product-dialog';
import { ProductLifecycle, ProductStatusBadge } from './product-lifecycle';

export const productHref = (productId: string) => `/admin/catalog/${encodeURIComponent(productId)}`;

/** Every product in any state, newest first, with create, publish and retire. */
export function CatalogManager({
  products,
  providers,
  hasMore,
}: {
  products: AdminProductResponse[];
  providers: ProviderResponse[];
  hasMore: boolean;
}) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const httpProviders = providers.filter((provider) => provider.type === 'http');

  const created = (product: AdminProductResponse) => {
    toast.success(`Created ${product.name}`, { description: 'It is a draft: add models and plans, then publish it.' });
    setCreating(false);
    router.push(productHref(product.id));
  };

  return (
    <div className="space-y-8">
      <PageHeader
        title="Catalog"
        description="Products with their models, prices and plans. Drafts are invisible to tenants; published products are in the catalog; retired ones are gone from it."
        actions={
          <Button onClick={() => setCreating(true)}>
            <Icon name="plus" className="size-4" />
            Create product
          </Button>
        }
      />

      {products.length === 0 ? (
        <EmptyState
          icon={<Icon name="grid" className="size-6" />}
          title="No products yet"
          description="Create a product, give it models and plans, and publish it for tenants to request."
        />
      ) : (
        <Table caption="Products">
          <TableHead>
            <tr>
              <TableHeaderCell>Product</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell className="hidden sm:table-cell">Kind</TableHeaderCell>
              <TableHeaderCell className="hidden text-right md:table-cell">Models</TableHeaderCell>
              <TableHeaderCell className="hidden text-right md:table-cell">Plans</TableHeaderCell>
              <TableHeaderCell>
                <span className="sr-only">Actions</span>
              </TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {products.map((product) => (
              <TableRow key={product.id}>
                <TableCell className="max-w-64">
                  <Link
                    href={productHref(product.id)}
                    className={`block truncate rounded font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
                  >
                    {product.name}
                  </Link>
                  <span className="block truncate font-mono text-xs text-slate-500">{product.slug}</span>
                </TableCell>
                <TableCell>
                  <ProductStatusBadge status={product.status} />
                </TableCell>
                <TableCell className="hidden sm:table-cell">
                  <Badge tone="brand">{product.kind}</Badge>
                </TableCell>
                <TableCell className="hidden text-right tabular-nums md:table-cell">
                  {product.kind === 'LLM' ? formatInteger(product.models.length) : '—'}
                </TableCell>
                <TableCell className="hidden text-right tabular-nums md:table-cell">
                  {formatInteger(product.plans.filter((plan) => plan.status === 'ACTIVE').length)}
                </TableCell>
                <TableCell className="text-right">
                  <ProductLifecycle product={product} size="sm" />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {hasMore && <p className="text-sm text-slate-600">Only the newest {products.length} products are shown.</p>}

      <ProductDialog open={creating} providers={httpProviders} onClose={() => setCreating(false)} onCreated={created} />
    </div>
  );
}
