import type { PlatformUsageSummaryResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Card, cx, EmptyState, focusRing, QuotaBar } from '@gatehouse/ui';
import { formatUsd, modelLabel } from '../../lib/format';
import { Icon } from '../icons';
import { RankTable } from '../usage/rank-table';

export const tenantHref = (tenantId: string) => `/admin/tenants/${encodeURIComponent(tenantId)}`;

/** A titled block of an admin page; its heading names the section for screen readers. */
export function Section({
  id,
  title,
  description,
  aside,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  aside?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-x-4 gap-y-2">
        <div className="min-w-0">
          <h2 id={id} className="text-base font-semibold text-slate-950">
            {title}
          </h2>
          {description && <p className="mt-0.5 text-sm text-slate-500">{description}</p>}
        </div>
        {aside}
      </div>
      {children}
    </section>
  );
}

export function TopTenants({ summary, limit }: { summary: PlatformUsageSummaryResponse; limit?: number }) {
  return (
    <RankTable
      caption="Top tenants this month"
      firstColumn="Tenant"
      totalCostUsd={summary.totals.costUsd}
      empty="No tenant has made a call this month."
      rows={summary.topTenants.slice(0, limit).map((tenant) => ({
        id: tenant.tenantId,
        name: (
          <Link
            href={tenantHref(tenant.tenantId)}
            className={`rounded text-indigo-700 hover:text-indigo-600 ${focusRing}`}
          >
            {tenant.tenantName ?? 'Deleted tenant'}
          </Link>
        ),
        requests: tenant.requests,
        tokens: tenant.inputTokens + tenant.outputTokens,
        costUsd: tenant.costUsd,
      }))}
    />
  );
}

export function TopModels({ summary, limit }: { summary: PlatformUsageSummaryResponse; limit?: number }) {
  return (
    <RankTable
      caption="Top models this month"
      firstColumn="Model"
      totalCostUsd={summary.totals.costUsd}
      empty="No model has been called this month."
      rows={summary.topModels.slice(0, limit).map((model) => ({
        id: model.model,
        name: modelLabel(model.model),
        requests: model.requests,
        tokens: model.inputTokens + model.outputTokens,
        costUsd: model.costUsd,
      }))}
    />
  );
}

/** Tenants at 80 % or more of their own monthly budget, highest first, each with its bar. */
export function BudgetBurn({ summary, limit }: { summary: PlatformUsageSummaryResponse; limit?: number }) {
  const burning = summary.budgetBurn.slice(0, limit);
  if (burning.length === 0) {
    return (
      <EmptyState
        headingLevel="h3"
        icon={<Icon name="gauge" className="size-6" />}
        title="No tenant is near its budget"
        description="Tenants that reach 80 % of their monthly budget appear here, highest first."
      />
    );
  }
  return (
    <ul className="grid gap-4 md:grid-cols-2">
      {burning.map((tenant) => (
        <li key={tenant.tenantId}>
          <Card className={cx('h-full p-5', tenant.budget.percent >= 100 ? 'border-rose-200' : 'border-amber-200')}>
            <div className="mb-3 flex items-baseline justify-between gap-3">
              <h3 className="min-w-0 truncate text-sm font-semibold">
                <Link
                  href={tenantHref(tenant.tenantId)}
                  className={`rounded text-slate-950 hover:text-indigo-700 ${focusRing}`}
                >
                  {tenant.tenantName}
                </Link>
              </h3>
              <span className="shrink-0 text-xs text-slate-500">
                {tenant.period.id} · {tenant.timeZone}
              </span>
            </div>
            <QuotaBar
              label="Monthly budget"
              percent={tenant.budget.percent}
              usedLabel={formatUsd(tenant.budget.used)}
              limitLabel={formatUsd(tenant.budget.limit)}
            />
          </Card>
        </li>
      ))}
    </ul>
  );
}
