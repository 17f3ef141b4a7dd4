'use client';

import { TENANT_USAGE_GROUPINGS, type TenantUsageGrouping, type UsageGranularity } from '@gatehouse/contracts';
import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { Alert, Button, SelectField, TextField } from '@gatehouse/ui';
import {
  GRANULARITY_LABELS,
  GROUPING_LABELS,
  hourlyAllowed,
  RANGE_PRESETS,
  todayUtc,
  usageViewQuery,
  viewProblems,
  type RangeChoice,
  type UsageView,
  type ViewProblem,
} from './usage-query';

/**
 * The explorer's controls. A change of range, buckets or grouping applies at once (the new view is a new URL,
 * rendered on the server); a custom range applies with its Apply button, after both dates are checked here.
 *
 * `problem` is the server's verdict on the current URL (its own checks, or admin-api's 400), shown beside the
 * controls rather than as an error page, since it is about what was asked, not about the page.
 */
export function UsageFilters({ view, problem }: { view: UsageView; problem: ViewProblem | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const [range, setRange] = useState<RangeChoice>(view.range);
  const [from, setFrom] = useState(view.from);
  const [to, setTo] = useState(view.to);
  const [granularity, setGranularity] = useState<UsageGranularity>(view.granularity);
  const [groupBy, setGroupBy] = useState<TenantUsageGrouping>(view.groupBy);
  const [problems, setProblems] = useState<ViewProblem[]>([]);

  // The URL can change under the form (back and forward, a shared link opened in place): follow it. Adjusting state
  // during render, rather than remounting, keeps keyboard focus on the control that was just used.
  const viewKey = usageViewQuery(view);
  const [shownKey, setShownKey] = useState(viewKey);
  if (shownKey !== viewKey) {
    setShownKey(viewKey);
    setRange(view.range);
    setFrom(view.from);
    setTo(view.to);
    setGranularity(view.granularity);
    setGroupBy(view.groupBy);
    setProblems([]);
  }

  const today = todayUtc();
  const draft: UsageView = { range, from, to, granularity, groupBy };
  const hourly = hourlyAllowed(draft);

  const go = (next: UsageView) => {
    const found = viewProblems(next);
    setProblems(found);
    if (found.length > 0) return;
    startTransition(() => router.push(`${pathname}?${usageViewQuery(next)}`, { scroll: false }));
  };

  const changeRange = (value: RangeChoice) => {
    setRange(value);
    setProblems([]);
    if (value === 'custom') {
      // Start the custom range from what is on screen, so adjusting one end is one change.
      const days = RANGE_PRESETS.find((preset) => preset.value === range)?.days ?? 30;
      const start = new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
      setFrom((current) => current || start);
      setTo((current) => current || today);
      return;
    }
    // Hours suit the last day; a longer preset keeps hours only while admin-api allows them.
    const nextGranularity: UsageGranularity =
      value === '24h' ? 'hour' : granularity === 'hour' && hourlyAllowed({ range: value, from, to }) ? 'hour' : 'day';
    setGranularity(nextGranularity);
    go({ ...draft, range: value, granularity: nextGranularity });
  };

  const changeGranularity = (value: UsageGranularity) => {
    setGranularity(value);
    if (range !== 'custom') go({ ...draft, granularity: value });
  };

  const changeGroupBy = (value: TenantUsageGrouping) => {
    setGroupBy(value);
    if (range !== 'custom') go({ ...draft, groupBy: value });
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    go(draft);
  };

  const fieldProblem = (field: ViewProblem['field']) => problems.find((entry) => entry.field === field)?.message;
  const shown = problems.length > 0 ? null : problem;

  return (
    <form
      method="get"
      onSubmit={onSubmit}
      noValidate
      aria-label="Usage report settings"
      aria-busy={pending || undefined}
      className="space-y-4 rounded-2xl border border-slate-200 bg-white p-4 sm:p-5"
    >
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[repeat(3,minmax(0,1fr))_auto] lg:items-start">
        <SelectField
          label="Date range"
          name="range"
          value={range}
          onChange={(event) => changeRange(event.target.value as RangeChoice)}
          error={fieldProblem('range')}
        >
          {RANGE_PRESETS.map((preset) => (
            <option key={preset.value} value={preset.value}>
              {preset.label}
            </option>
          ))}
          <option value="custom">Custom dates…</option>
        </SelectField>
        <SelectField
          label="Granularity"
          name="granularity"
          value={granularity}
          onChange={(event) => changeGranularity(event.target.value as UsageGranularity)}
          error={fieldProblem('granularity')}
          hint={hourly ? undefined : 'Hourly needs a range of 31 days or less.'}
        >
          <option value="hour" disabled={!hourly}>
            {GRANULARITY_LABELS.hour}
          </option>
          <option value="day">{GRANULARITY_LABELS.day}</option>
        </SelectField>
        <SelectField
          label="Group by"
          name="groupBy"
          value={groupBy}
          onChange={(event) => changeGroupBy(event.target.value as TenantUsageGrouping)}
        >
          {TENANT_USAGE_GROUPINGS.map((grouping) => (
            <option key={grouping} value={grouping}>
              {GROUPING_LABELS[grouping]}
            </option>
          ))}
        </SelectField>
        <p role="status" className="text-sm text-slate-500 sm:col-span-2 lg:col-span-1 lg:self-end lg:pb-3">
          {pending ? 'Updating…' : <span className="sr-only">Report up to date</span>}
        </p>
      </div>

      {range === 'custom' && (
        <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-start">
          <TextField
            label="From"
            name="from"
            type="date"
            max={to || today}
            value={from}
            onChange={(event) => setFrom(event.target.value)}
            error={fieldProblem('from')}
            hint="First day, included (UTC)."
          />
          <TextField
            label="To"
            name="to"
            type="date"
            min={from || undefined}
            max={today}
            value={to}
            onChange={(event) => setTo(event.target.value)}
            error={fieldProblem('to')}
            hint="Last day, included (UTC)."
          />
          <Button type="submit" loading={pending} className="sm:mt-7">
            Apply
          </Button>
        </div>
      )}

      {shown && (
        <Alert tone="warning" title="This report cannot be shown">
          {shown.message}
        </Alert>
      )}
    </form>
  );
}
