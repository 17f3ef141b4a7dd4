import type { SubscriptionUsageResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { Card, EmptyState, QuotaBar, buttonClasses } from '@gatehouse/ui';
import { formatCompact, formatInteger, formatUsd } from '../../lib/format';
import { Icon } from '../icons';

type LimitName = keyof SubscriptionUsageResponse['limits'];

// The order people read them in: money first, then the monthly quotas, then today's.
const limitRows: { name: LimitName; label: string; format: (value: number) => string }[] = [
  { name: 'monthlyBudgetUsd', label: 'Budget this month', format: formatUsd },
  { name: 'monthlyTokens', label: 'Tokens this month', format: formatCompact },
  { name: 'monthlyCalls', label: 'Calls this month', format: formatCompact },
  { name: 'dailyTokens', label: 'Tokens today', format: formatCompact },
];

/** Each approved subscription's quotas and budget, as bars; unlimited ones are said so rather than drawn. */
export function SubscriptionQuotas({
  tenantId,
  subscriptions,
}: {
  tenantId: string;
  subscriptions: SubscriptionUsageResponse[];
}) {
  if (subscriptions.length === 0) {
    return (
      <EmptyState
        headingLevel="h3"
        icon={<Icon name="approval" className="size-6" />}
        title="No active subscriptions"
        description="Quotas and budgets appear here once your team has approved access to a product."
        actions={
          <Link
            href={`/t/${encodeURIComponent(tenantId)}/catalog`}
            className={buttonClasses({ variant: 'secondary', size: 'sm' })}
          >
            Browse the catalog
          </Link>
        }
      />
    );
  }

  return (
    <ul className="grid gap-4 md:grid-cols-2">
      {subscriptions.map((subscription) => {
        const limited = limitRows.filter((row) => subscription.limits[row.name] !== null);
        return (
          <li key={subscription.subscriptionId}>
            <Card className="h-full p-5">
              <div className="flex items-start justify-between gap-3">
                <div className="min-w-0">
                  <h3 className="truncate text-sm font-semibold text-slate-950">{subscription.productName}</h3>
                  <p className="text-sm text-slate-500">Plan {subscription.planName}</p>
                </div>
                <p className="shrink-0 text-right text-sm text-slate-500">
                  <span className="font-medium text-slate-900 tabular-nums">
                    {formatUsd(subscription.usage.costUsd)}
                  </span>
                  <span className="block text-xs">{formatInteger(subscription.usage.requests)} calls</span>
                </p>
              </div>
              {limited.length === 0 ? (
                <p className="mt-4 text-sm text-slate-500">No quota or budget on this plan.</p>
              ) : (
                <div className="mt-4 space-y-4">
                  {limited.map((row) => {
                    const consumption = subscription.limits[row.name];
                    if (!consumption) return null;
                    return (
                      <QuotaBar
                        key={row.name}
                        label={row.label}
                        percent={consumption.percent}
                        usedLabel={row.format(consumption.used)}
                        limitLabel={row.format(consumption.limit)}
                      />
                    );
                  })}
                </div>
              )}
            </Card>
          </li>
        );
      })}
    </ul>
  );
}
