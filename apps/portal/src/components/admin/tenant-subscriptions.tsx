'use client';

import type { AdminSubscriptionResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import {
  Badge,
  Button,
  buttonClasses,
  EmptyState,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
} from '@gatehouse/ui';
import { formatDate, formatDateTime, formatUsd } from '../../lib/format';
import { Icon } from '../icons';
import { subscriptionStatus } from '../catalog/limit-words';
import { limitText } from './limits';
import { ReasonDialog } from './reason-dialog';

export interface TenantSubscriptionRow extends AdminSubscriptionResponse {
  /** This month's spend on the subscription's product, in the tenant's zone; null when not live. */
  monthCostUsd: number | null;
}

/**
 * A tenant's subscriptions, with their effective limits and this month's spend. Approved ones can be revoked with a
 * reason the tenant is told; pending ones are decided in the approval queue, where their context is.
 */
export function TenantSubscriptions({
  tenantName,
  subscriptions,
  timeZone,
}: {
  tenantName: string;
  subscriptions: TenantSubscriptionRow[];
  timeZone: string;
}) {
  const router = useRouter();
  const [revoking, setRevoking] = useState<TenantSubscriptionRow | null>(null);

  if (subscriptions.length === 0) {
    return (
      <EmptyState
        headingLevel="h3"
        icon={<Icon name="approval" className="size-6" />}
        title="No subscriptions"
        description={`${tenantName} has not asked for access to any product yet.`}
      />
    );
  }

  const done = (subscription: TenantSubscriptionRow) => {
    setRevoking(null);
    toast.success(`Revoked ${subscription.productName} for ${tenantName}`, {
      description: 'Keys using it are refused within a second; the tenant is notified.',
    });
    router.refresh();
  };

  const stale = (message: string) => {
    setRevoking(null);
    toast.info('This subscription had already changed', { description: message });
    router.refresh();
  };

  return (
    <>
      <Table caption={`Subscriptions of ${tenantName}`}>
        <TableHead>
          <tr>
            <TableHeaderCell>Product</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className="hidden lg:table-cell">Budget</TableHeaderCell>
            <TableHeaderCell className="hidden lg:table-cell">Monthly tokens</TableHeaderCell>
            <TableHeaderCell className="hidden text-right sm:table-cell">Spend this month</TableHeaderCell>
            <TableHeaderCell className="hidden md:table-cell">Expires</TableHeaderCell>
            <TableHeaderCell className="text-right">
              <span className="sr-only">Actions</span>
            </TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {subscriptions.map((subscription) => {
            const status = subscriptionStatus[subscription.status];
            const overridden = (name: 'monthlyBudgetUsd' | 'monthlyTokens') =>
              subscription.limitOverrides !== null && name in subscription.limitOverrides;
            return (
              <TableRow key={subscription.id}>
                <TableCell className="max-w-64">
                  <span className="block truncate font-medium text-slate-950">{subscription.productName}</span>
                  <span className="block text-xs text-slate-500">
                    Plan {subscription.planName} · asked{' '}
                    <time dateTime={subscription.createdAt} title={formatDateTime(subscription.createdAt, timeZone)}>
                      {formatDate(subscription.createdAt, timeZone)}
                    </time>
                  </span>
                  {subscription.reason && (
                    <span className="mt-1 block text-xs text-slate-600" title={subscription.reason}>
                      <span className="font-medium">Reason:</span>{' '}
                      <span className="line-clamp-2 inline">{subscription.reason}</span>
                    </span>
                  )}
                </TableCell>
                <TableCell>
                  <Badge tone={status.tone}>{status.label}</Badge>
                </TableCell>
                <TableCell className="hidden whitespace-nowrap tabular-nums lg:table-cell">
                  {limitText(subscription.limits, 'monthlyBudgetUsd')}
                  {overridden('monthlyBudgetUsd') && <OverrideMark />}
                </TableCell>
                <TableCell className="hidden whitespace-nowrap tabular-nums lg:table-cell">
                  {limitText(subscription.limits, 'monthlyTokens')}
                  {overridden('monthlyTokens') && <OverrideMark />}
                </TableCell>
                <TableCell className="hidden text-right font-medium text-slate-900 tabular-nums sm:table-cell">
                  {subscription.monthCostUsd === null ? (
                    <span className="font-normal text-slate-400">—</span>
                  ) : (
                    formatUsd(subscription.monthCostUsd)
                  )}
                </TableCell>
                <TableCell className="hidden whitespace-nowrap md:table-cell">
                  {subscription.expiresAt ? (
                    <time dateTime={subscription.expiresAt} title={formatDateTime(subscription.expiresAt, timeZone)}>
                      {formatDate(subscription.expiresAt, timeZone)}
                    </time>
                  ) : (
                    <span className="text-slate-500">Never</span>
                  )}
                </TableCell>
                <TableCell className="text-right whitespace-nowrap">
                  {subscription.status === 'APPROVED' && (
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-rose-700 hover:bg-rose-50 hover:text-rose-800"
                      onClick={() => setRevoking(subscription)}
                    >
                      <Icon name="ban" className="size-4" />
                      Revoke<span className="sr-only"> {subscription.productName}</span>
                    </Button>
                  )}
                  {subscription.status === 'PENDING' && (
                    <Link href="/admin/approvals" className={buttonClasses({ variant: 'ghost', size: 'sm' })}>
                      Review<span className="sr-only"> {subscription.productName} request</span>
                    </Link>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>

      <ReasonDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title="Revoke this subscription?"
        description={
          revoking ? (
            <>
              <span className="font-medium text-slate-900">{tenantName}</span> loses access to{' '}
              <span className="font-medium text-slate-900">{revoking.productName}</span> (plan {revoking.planName}).
              Every key that uses it is refused within a second. This cannot be undone; the tenant would have to ask
              again.
            </>
          ) : undefined
        }
        path={revoking ? `/admin/subscriptions/${encodeURIComponent(revoking.id)}/revoke` : ''}
        reasonLabel="Reason"
        reasonHint="Sent to the tenant with the notification, so they know what happened and what to do."
        confirmLabel="Revoke access"
        busyLabel="Revoking…"
        failureTitle="The subscription was not revoked"
        onDone={() => revoking && done(revoking)}
        onStale={stale}
      />
    </>
  );
}

function OverrideMark() {
  return (
    <span className="ml-1 text-xs text-indigo-700" title="Set at approval, instead of the plan's value">
      (override)
    </span>
  );
}
