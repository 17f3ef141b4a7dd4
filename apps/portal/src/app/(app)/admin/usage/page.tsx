import type { Metadata } from 'next';
import { buttonClasses, EmptyState, PageHeader, StatCard } from '@gatehouse/ui';
import { RangeSelector } from '../../../../components/admin/range-selector';
import { SpendTrendChart } from '../../../../components/admin/spend-trend-chart';
import { BudgetBurn, Section, TopModels, TopTenants } from '../../../../components/admin/usage-panels';
import {
  adminConsole,
  parseUsageRange,
  rangeStart,
  USAGE_RANGES,
  usageExportHref,
} from '../../../../lib/api/admin-console';
import { Icon } from '../../../../components/icons';
import { GuardrailDecisions } from '../../../../components/policies/guardrail-decisions';
import { policiesApi } from '../../../../lib/api/policies';
import { activityWindow } from '../../../../lib/policy-activity';
import { formatCompact, formatInteger, formatPercent, formatUsd } from '../../../../lib/format';

export const metadata: Metadata = { title: 'Costs' };

function monthLabel(iso: string): string {
  return new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso));
}

export default async function CostsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const range = parseUsageRange((await searchParams).range);
  const from = rangeStart(range);
  const decisionsWindow = activityWindow(from, new Date().toISOString());
  const [summary, series, activity] = await Promise.all([
    adminConsole.usageSummary(),
    adminConsole.usageSeries({ granularity: 'day', from }),
    policiesApi.activity(decisionsWindow),
  ]);

  const { totals } = summary;
  const month = monthLabel(summary.period.from);
  const errorRate = totals.requests > 0 ? (totals.errors / totals.requests) * 100 : 0;
  const overBudget = summary.budgetBurn.filter((tenant) => tenant.budget.percent >= 100).length;
  const rangeLabel = `Last ${range} days`;

  return (
    <div className="space-y-10">
      <PageHeader
        title="Costs"
        description={`What the platform spends on AI calls, across every tenant. Monthly figures cover ${month} in UTC; each tenant’s budget follows its own time zone.`}
        actions={
          <a
            href={usageExportHref({ from, granularity: 'day', groupBy: 'tenant' })}
            download
            className={buttonClasses({ variant: 'secondary', size: 'sm' })}
          >
            <svg
              aria-hidden="true"
              viewBox="0 0 24 24"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.75"
              strokeLinecap="round"
              strokeLinejoin="round"
              className="size-4"
            >
              <path d="M12 4v11m0 0-4-4m4 4 4-4M5 19.5h14" />
            </svg>
            Download CSV<span className="sr-only">, spend per day and tenant, {rangeLabel.toLowerCase()}</span>
          </a>
        }
      />

      <section aria-labelledby="this-month" className="space-y-4">
        <h2 id="this-month" className="sr-only">
          This month
        </h2>
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
          <StatCard
            className="col-span-2 lg:col-span-1"
            label="Spend this month"
            value={formatUsd(totals.costUsd)}
            hint={`${month}, all tenants`}
          />
          <StatCard
            label="Requests"
            value={formatInteger(totals.requests)}
            hint={`${formatPercent(errorRate)} errors`}
          />
          <StatCard
            label="Tokens"
            value={formatCompact(totals.inputTokens + totals.outputTokens)}
            hint={`${formatCompact(totals.inputTokens)} in · ${formatCompact(totals.outputTokens)} out`}
          />
          <StatCard
            className="col-span-2 lg:col-span-1"
            label="Near budget"
            value={formatInteger(summary.budgetBurn.length)}
            hint={overBudget > 0 ? `${overBudget} at or over their budget` : 'tenants at 80 % or more'}
          />
        </div>
      </section>

      <Section
        id="trend"
        title="Spend trend"
        aside={
          <RangeSelector
            label="Range of the spend trend"
            ranges={USAGE_RANGES}
            current={range}
            hrefFor={(days) => `/admin/usage?range=${days}`}
          />
        }
      >
        {series.items.length === 0 ? (
          <EmptyState
            headingLevel="h3"
            icon={<Icon name="chart" className="size-6" />}
            title={`No calls in the last ${range} days`}
            description="Spend per day appears here as soon as any tenant's key makes a call through the gateway."
          />
        ) : (
          <SpendTrendChart
            rangeLabel={rangeLabel}
            from={series.from}
            to={series.to}
            points={series.items.map((item) => ({
              bucket: item.bucket,
              costUsd: item.costUsd,
              requests: item.requests,
            }))}
          />
        )}
      </Section>

      <Section
        id="budget-burn"
        title="Budget burn"
        description="Tenants at 80 % or more of their monthly budget, highest first."
      >
        <BudgetBurn summary={summary} />
      </Section>

      <Section id="top" title="Where the money goes" description={`The costliest tenants and models in ${month}.`}>
        <div className="grid gap-4 xl:grid-cols-2">
          <TopTenants summary={summary} />
          <TopModels summary={summary} />
        </div>
      </Section>

      <Section
        id="policy-decisions"
        title="Policy decisions"
        description={`What the policy rules did to every tenant’s calls, ${decisionsWindow.clamped ? 'the last 31 days' : rangeLabel.toLowerCase()}: access rules, personal data, prompt injection and deny lists.`}
      >
        <GuardrailDecisions activity={activity} caption="Policy decisions per rule, all tenants" />
      </Section>
    </div>
  );
}
