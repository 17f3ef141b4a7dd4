import type { AdminTenantResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { Badge, focusRing, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { formatDate, formatDateTime, formatInteger, formatPercent, formatUsd } from '../../lib/format';
import { tenantHref } from './usage-panels';

export interface TenantRow extends AdminTenantResponse {
  /** Month-to-date (UTC) spend and calls; zero for a tenant without traffic. */
  costUsd: number;
  requests: number;
  /** Share of its own monthly budget, when at 80 % or more. */
  budgetPercent: number | null;
}

/** Every tenant with its size and this month's spend; the name leads to the tenant's detail page. */
export function TenantsTable({ tenants, caption }: { tenants: TenantRow[]; caption: string }) {
  return (
    <Table caption={caption}>
      <TableHead>
        <tr>
          <TableHeaderCell>Tenant</TableHeaderCell>
          <TableHeaderCell className="hidden sm:table-cell">Status</TableHeaderCell>
          <TableHeaderCell className="hidden text-right md:table-cell">Members</TableHeaderCell>
          <TableHeaderCell className="hidden text-right md:table-cell">Subscriptions</TableHeaderCell>
          <TableHeaderCell className="text-right">Spend this month</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {tenants.map((tenant) => (
          <TableRow key={tenant.id}>
            <TableCell className="max-w-64">
              <Link
                href={tenantHref(tenant.id)}
                className={`block truncate rounded font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
              >
                {tenant.name}
              </Link>
              <span className="block text-xs text-slate-500">
                Since{' '}
                <time dateTime={tenant.createdAt} title={`${formatDateTime(tenant.createdAt, 'UTC')} UTC`}>
                  {formatDate(tenant.createdAt, 'UTC')}
                </time>
                <span className="sm:hidden">{tenant.status === 'SUSPENDED' ? ' · Suspended' : ''}</span>
              </span>
            </TableCell>
            <TableCell className="hidden sm:table-cell">
              <Badge tone={tenant.status === 'ACTIVE' ? 'success' : 'danger'}>
                {tenant.status === 'ACTIVE' ? 'Active' : 'Suspended'}
              </Badge>
            </TableCell>
            <TableCell className="hidden text-right tabular-nums md:table-cell">
              {formatInteger(tenant.memberCount)}
            </TableCell>
            <TableCell className="hidden text-right tabular-nums md:table-cell">
              {formatInteger(tenant.subscriptionCount)}
            </TableCell>
            <TableCell className="text-right whitespace-nowrap">
              <span className="block font-medium text-slate-900 tabular-nums">{formatUsd(tenant.costUsd)}</span>
              <span className="block text-xs text-slate-500 tabular-nums">
                {formatInteger(tenant.requests)} {tenant.requests === 1 ? 'call' : 'calls'}
              </span>
              {tenant.budgetPercent !== null && (
                <Badge tone={tenant.budgetPercent >= 100 ? 'danger' : 'warning'} className="mt-1">
                  {formatPercent(tenant.budgetPercent)} of budget
                </Badge>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
