import type { CatalogProductResponse, SubscriptionResponse, TenantUsageSummaryResponse } from '@gatehouse/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClasses, EmptyState, focusRing, PageHeader, QuotaBar, StatCard } from '@gatehouse/ui';
import { Icon } from '../../../../components/icons';
import { GettingStarted } from '../../../../components/overview/getting-started';
import { SubscriptionQuotas } from '../../../../components/overview/subscription-quotas';
import { TopUsage } from '../../../../components/overview/top-usage';
import { UsageCharts } from '../../../../components/overview/usage-charts';
import { adminApi } from '../../../../lib/api/server';
import { portalConfig } from '../../../../lib/config';
import { formatCompact, formatInteger, formatPercent, formatUsd } from '../../../../lib/format';
import { canManageKeys } from '../../../../lib/roles';
import { getTenant } from '../../../../lib/session';

export const metadata: Metadata = { title: 'Overview' };

// What the example call asks for when nothing better is known: the seeded demo product's chat model.
const FALLBACK_MODEL = 'demo-chat';

/**
 * The model the first-call example should use: one the tenant's approved subscription grants, else the first chat
 * model of the catalog.
 */
function exampleModel(subscriptions: SubscriptionResponse[], products: CatalogProductResponse[]): string {
  const approved = subscriptions.find((subscription) => subscription.status === 'APPROVED');
  const allowed = approved?.limits.allowedModels?.[0];
  if (allowed) return allowed;
  const product = products.find((candidate) => candidate.id === approved?.productId);
  const llm = products.filter((candidate) => candidate.kind === 'LLM');
  const models = (product ?? llm[0])?.models ?? [];
  return (models.find((model) => !model.name.includes('embed')) ?? models[0])?.name ?? FALLBACK_MODEL;
}

function monthLabel(summary: TenantUsageSummaryResponse): string {
  return new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: summary.timeZone }).format(
    new Date(summary.period.from),
  );
}

export default async function OverviewPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const [tenant, summary, series, keys, subscriptions, catalog] = await Promise.all([
    getTenant(tenantId),
    adminApi.usageSummary(tenantId),
    adminApi.usageSeries(tenantId, { granularity: 'day', groupBy: 'model' }),
    adminApi.keys(tenantId, { limit: 1 }),
    adminApi.subscriptions(tenantId, { limit: 50 }),
    adminApi.catalogProducts(),
  ]);

  const hasKey = keys.items.length > 0;
  const subscriptionState = subscriptions.items.some((subscription) => subscription.status === 'APPROVED')
    ? 'approved'
    : subscriptions.items.some((subscription) => subscription.status === 'PENDING')
      ? 'pending'
      : 'none';
  const hasTraffic = summary.totals.requests > 0 || series.items.length > 0;
  const onboarding = !(hasKey && subscriptionState === 'approved' && hasTraffic);
  const month = monthLabel(summary);
  const base = `/t/${encodeURIComponent(tenant.id)}`;

  const checklist = (
    <GettingStarted
      tenantId={tenant.id}
      hasKey={hasKey}
      subscription={subscriptionState}
      hasTraffic={hasTraffic}
      canAct={canManageKeys(tenant.role)}
      gatewayUrl={portalConfig().gatewayPublicUrl}
      model={exampleModel(subscriptions.items, catalog.items)}
    />
  );

  // A brand-new workspace: the checklist is the page. Empty charts and zero cards would only say "nothing here".
  if (!hasKey && subscriptionState === 'none' && !hasTraffic) {
    return (
      <div className="space-y-8">
        <PageHeader
          title={`Welcome to ${tenant.name}`}
          description="This is your team's workspace in Gatehouse. Once you make calls, this page shows what they cost and how close you are to your limits."
        />
        {checklist}
      </div>
    );
  }

  const { totals } = summary;
  const errorRate = totals.requests > 0 ? (totals.errors / totals.requests) * 100 : 0;

  return (
    <div className="space-y-10">
      <PageHeader
        title="Overview"
        description={`${tenant.name} in ${month}. Figures follow the workspace's time zone (${summary.timeZone}).`}
        actions={
          <Link href={`${base}/usage`} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
            <Icon name="chart" className="size-4" />
            Usage details
          </Link>
        }
      />

      {onboarding && checklist}

      <section aria-labelledby="this-month" className="space-y-4">
        <h2 id="this-month" className="sr-only">
          This month
        </h2>
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
          <StatCard
            className="col-span-2 lg:col-span-1"
            label="Spend this month"
            value={formatUsd(totals.costUsd)}
            hint={summary.budget ? undefined : 'No monthly budget set'}
          >
            {summary.budget && (
              <QuotaBar
                label="Monthly budget"
                percent={summary.budget.percent}
                usedLabel={formatUsd(summary.budget.used)}
                limitLabel={formatUsd(summary.budget.limit)}
              />
            )}
          </StatCard>
          <StatCard label="Requests" value={formatInteger(totals.requests)} hint={`in ${month}`} />
          <StatCard
            label="Tokens"
            value={formatCompact(totals.inputTokens + totals.outputTokens)}
            hint={`${formatCompact(totals.inputTokens)} in · ${formatCompact(totals.outputTokens)} out`}
          />
          <StatCard
            label="Error rate"
            value={formatPercent(errorRate)}
            hint={`${formatInteger(totals.errors)} failed ${totals.errors === 1 ? 'request' : 'requests'}`}
          />
        </div>
      </section>

      <Section id="activity" title="Activity">
        {series.items.length === 0 ? (
          <EmptyState
            headingLevel="h3"
            icon={<Icon name="chart" className="size-6" />}
            title="No calls in the last 30 days"
            description="Requests and tokens per day appear here as soon as a key makes its first call through the gateway."
          />
        ) : (
          <UsageCharts
            from={series.from}
            to={series.to}
            points={series.items.map((item) => ({
              bucket: item.bucket,
              model: item.model ?? '',
              requests: item.requests,
              tokens: item.inputTokens + item.outputTokens,
            }))}
          />
        )}
      </Section>

      <Section
        id="quotas"
        title="Quotas and budgets"
        aside={
          <Link
            href={`${base}/subscriptions`}
            className={`rounded text-sm font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
          >
            All subscriptions
          </Link>
        }
      >
        <SubscriptionQuotas tenantId={tenant.id} subscriptions={summary.subscriptions} />
      </Section>

      <Section id="top" title="Where the money goes">
        <TopUsage summary={summary} />
      </Section>
    </div>
  );
}

function Section({
  id,
  title,
  aside,
  children,
}: {
  id: string;
  title: string;
  aside?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="space-y-4">
      <div className="flex items-baseline justify-between gap-4">
        <h2 id={id} className="text-base font-semibold text-slate-950">
          {title}
        </h2>
        {aside}
      </div>
      {children}
    </section>
  );
}
