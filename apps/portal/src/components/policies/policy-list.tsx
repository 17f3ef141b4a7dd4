'use client';

import type { PolicySummaryResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { useState } from 'react';
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
import { adminPolicyHref } from '../../lib/api/policy-endpoints';
import { formatDateTime } from '../../lib/format';
import { Icon } from '../icons';
import { NewPolicyDialog } from './new-policy-dialog';
import { policyScope } from './policy-names';

const SCOPE_LABEL = { global: 'Global', product: 'Product', tenant: 'Tenant' } as const;

/** Every policy document with its version in force, and "New document". */
export function PolicyList({ policies, productSlugs }: { policies: PolicySummaryResponse[]; productSlugs: string[] }) {
  const [creating, setCreating] = useState(false);

  return (
    <div className="space-y-8">
      <PageHeader
        title="Policies"
        description="Access rules as versioned YAML documents: one global, one per product, one per tenant. A call must pass every document that governs it; a tenant's owners may tighten their own."
        actions={
          <Button onClick={() => setCreating(true)}>
            <Icon name="plus" className="size-4" />
            New document
          </Button>
        }
      />

      {policies.length === 0 ? (
        <EmptyState
          icon={<Icon name="shield" className="size-6" />}
          title="No policy documents yet"
          description="Without documents, a call is decided by its subscriptions alone. Start with the global document to set rules for every tenant."
          actions={<Button onClick={() => setCreating(true)}>New document</Button>}
        />
      ) : (
        <Table caption="Policy documents">
          <TableHead>
            <tr>
              <TableHeaderCell>Document</TableHeaderCell>
              <TableHeaderCell>Version</TableHeaderCell>
              <TableHeaderCell className="hidden sm:table-cell">Mode</TableHeaderCell>
              <TableHeaderCell className="hidden md:table-cell">Updated</TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {policies.map((policy) => {
              const scope = policyScope(policy.name);
              return (
                <TableRow key={policy.name}>
                  <TableCell className="max-w-80">
                    <Link
                      href={adminPolicyHref(policy.name)}
                      className={`block truncate rounded font-mono text-sm font-medium text-indigo-700 hover:text-indigo-900 ${focusRing}`}
                    >
                      {policy.name}
                    </Link>
                    <span className="block text-xs text-slate-500">
                      {scope ? SCOPE_LABEL[scope.kind] : 'Unknown scope'}
                      <span className="sm:hidden">{policy.mode && ` · ${policy.mode}`}</span>
                    </span>
                  </TableCell>
                  <TableCell className="tabular-nums">{policy.activeVersion ?? '—'}</TableCell>
                  <TableCell className="hidden sm:table-cell">
                    {policy.mode ? (
                      <Badge tone={policy.mode === 'enforce' ? 'brand' : 'warning'}>{policy.mode}</Badge>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell className="hidden whitespace-nowrap md:table-cell">
                    <time dateTime={policy.updatedAt}>{formatDateTime(policy.updatedAt, 'UTC')} UTC</time>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}

      <NewPolicyDialog
        open={creating}
        onClose={() => setCreating(false)}
        existing={policies.map((policy) => policy.name)}
        productSlugs={productSlugs}
      />
    </div>
  );
}
