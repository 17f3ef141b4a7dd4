import type { TenantUsageItemResponse, UsageTotalsResponse } from '@gatehouse/contracts';
import type { Metadata } from 'next';
import { buttonClasses, EmptyState, PageHeader, StatCard } from '@gatehouse/ui';
import { Icon } from '../../../../../components/icons';
import { GuardrailDecisions } from '../../../../../components/policies/guardrail-decisions';
import { UsageChart } from '../../../../../components/usage/usage-chart';
import { UsageFilters } from '../../../../../components/usage/usage-filters';
import {
  GROUPING_NOUNS,
  parseUsageView,
  viewInstants,
  viewProblems,
  type ViewProblem,
} from '../../../../../components/usage/usage-query';
import { UsageTable } from '../../../../../components/usage/usage-table';
import { fieldErrors, type AdminApiError } from '../../../../../lib/api/errors';
import { policiesApi } from '../../../../../lib/api/policies';
import { usageReport } from '../../../../../lib/api/tenant-team';
import { formatCompact, formatInteger, formatPercent, formatUsd } from '../../../../../lib/format';
import { activityWindow } from '../../../../../lib/policy-activity';
import { getTenant } from '../../../../../lib/session';

export const metadata: Metadata = { title: 'Usage' };

/** admin-api's refusal of a report query, in the words of the form (docs/api.md, "Usage and cost reports"). */
function problemOf(error: AdminApiError): ViewProblem {
  switch (error.code) {
    case 'invalid_time_range':
      return { field: 'to', message: 'The range ends before it starts. Choose a last day on or after the first.' };
    case 'time_range_too_large':
      return {
        field: 'granularity',
        message: 'That range is too long for these buckets: hourly reports cover at most 31 days, daily ones 400.',
      };
    default: {
      const fields = Object.entries(fieldErrors(error)).map(([field, reason]) => `${field} ${reason}`);
      return { field: 'range', message: fields.length > 0 ? `Check the ${fields.join('; ')}.` : error.message };
    }
  }
}

function sum(items: TenantUsageItemResponse[]): UsageTotalsResponse {
  const totals = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 };
  for (const item of items) {
    totals.requests += item.requests;
    totals.errors += item.errors;
    totals.inputTokens += item.inputTokens;
    totals.outputTokens += item.outputTokens;
    totals.cachedTokens += item.cachedTokens;
    totals.costUsd += item.costUsd;
  }
  return totals;
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const HOUR_FORMAT = new Intl.DateTimeFormat('en-US', {
  dateStyle: 'medium',
  timeStyle: 'short',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** "Mar 1, 2026 – Mar 30, 2026 (UTC)": the report's `[from, to)` as people read a range, last bucket included. */
function rangeLabel(from: string, to: string, granularity: 'hour' | 'day'): string {
  const format = granularity === 'hour' ? HOUR_FORMAT : DAY_FORMAT;
  const last = Date.parse(to) - (granularity === 'hour' ? 3_600_000 : 86_400_000);
  return `${format.format(new Date(from))} – ${format.format(new Date(Math.max(last, Date.parse(from))))} (UTC)`;
}

export default async function UsagePage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ tenantId }, query] = await Promise.all([params, searchParams]);
  const tenant = await getTenant(tenantId);
  const view = parseUsageView(query);

  // The view is checked here first (no request for a range that cannot be answered), then by admin-api.
  let problem: ViewProblem | null = viewProblems(view)[0] ?? null;
  const result = problem
    ? null
    : await usageReport(tenant.id, {
        ...viewInstants(view, Date.now()),
        granularity: view.granularity,
        groupBy: view.groupBy,
      });
  if (result && !result.ok) problem = problemOf(result.error);
  const report = result?.ok ? result.report : null;
  const decisionsWindow = report ? activityWindow(report.from, report.to) : null;
  const activity = decisionsWindow ? await policiesApi.tenantActivity(tenant.id, decisionsWindow) : null;

  const csvQuery = report
    ? new URLSearchParams({
        from: report.from,
        to: report.to,
        granularity: report.granularity,
        groupBy: view.groupBy,
      }).toString()
    : null;
  const totals = report ? sum(report.items) : null;
  const tokens = totals ? totals.inputTokens + totals.outputTokens : 0;

  return (
    <div className="space-y-6 sm:space-y-8">
      <PageHeader
        title="Usage"
        description={
          <>
            Requests, tokens and cost of every call your keys made through the gateway, by model, key or product.
            Buckets are in UTC.
          </>
        }
        actions={
          csvQuery && (
            // A plain link: the portal's /api/v1 proxy carries the session cookie, and the browser saves the file.
            <a
              href={`/api/v1/tenants/${encodeURIComponent(tenant.id)}/usage/export.csv?${csvQuery}`}
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
                <path d="M12 4v11m0 0-4.5-4.5M12 15l4.5-4.5M5 19.5h14" />
              </svg>
              Download CSV
            </a>
          )
        }
      />

      <UsageFilters view={view} problem={problem} />

      {report && totals && (
        <>
          <p className="text-sm text-slate-600">
            <span className="font-medium text-slate-900">{rangeLabel(report.from, report.to, report.granularity)}</span>
            {' · '}
            {report.granularity === 'hour' ? 'hourly' : 'daily'} buckets, by {GROUPING_NOUNS[view.groupBy]}
          </p>

          {report.items.length === 0 ? (
            <EmptyState
              icon={<Icon name="chart" className="size-6" />}
              title="No usage in this range"
              description="Nothing was called through the gateway with this workspace's keys in these dates. Choose a longer range, or make a call and come back in a minute."
            />
          ) : (
            <>
              <section aria-labelledby="usage-totals">
                <h2 id="usage-totals" className="sr-only">
                  Range summary
                </h2>
                <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
                  <StatCard label="Cost" value={formatUsd(totals.costUsd)} />
                  <StatCard label="Requests" value={formatInteger(totals.requests)} />
                  <StatCard
                    label="Tokens"
                    value={formatCompact(tokens)}
                    hint={`${formatCompact(totals.inputTokens)} in · ${formatCompact(totals.outputTokens)} out`}
                  />
                  <StatCard
                    label="Errors"
                    value={formatInteger(totals.errors)}
                    hint={`${formatPercent(totals.requests > 0 ? (totals.errors / totals.requests) * 100 : 0)} of requests`}
                  />
                </div>
              </section>

              <UsageChart
                items={report.items}
                from={report.from}
                to={report.to}
                granularity={report.granularity}
                groupBy={view.groupBy}
              />

              <section aria-labelledby="usage-rows" className="space-y-3">
                <h2 id="usage-rows" className="text-base font-semibold text-slate-950">
                  Details
                </h2>
                <UsageTable
                  items={report.items}
                  totals={totals}
                  granularity={report.granularity}
                  groupBy={view.groupBy}
                  logsBase={`/t/${encodeURIComponent(tenant.id)}/logs`}
                />
              </section>
            </>
          )}
        </>
      )}

      {activity && decisionsWindow && (
        <section aria-labelledby="guardrail-decisions" className="space-y-3">
          <div>
            <h2 id="guardrail-decisions" className="text-base font-semibold text-slate-950">
              Guardrail decisions
            </h2>
            <p className="mt-0.5 text-sm text-slate-500">
              Calls your policy rules refused, redacted, logged or watched in monitor mode
              {decisionsWindow.clamped ? ', over the last 31 days of this range' : ' in this range'}. Rules are set on
              the Policy page.
            </p>
          </div>
          <GuardrailDecisions activity={activity} caption="Policy decisions per rule" />
        </section>
      )}
    </div>
  );
}
