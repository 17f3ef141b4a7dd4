'use client';

import type { TenantUsageGrouping, TenantUsageItemResponse, UsageGranularity } from '@gatehouse/contracts';
import { useId, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Card, cx, focusRing } from '@gatehouse/ui';
import { formatCompact, formatInteger, formatUsd } from '../../lib/format';
import { bucketStarts, formatBucket, formatBucketTick, GROUPING_LABELS, GROUPING_NOUNS, groupOf } from './usage-query';

const METRICS = {
  requests: { label: 'Requests', value: (item: TenantUsageItemResponse) => item.requests },
  tokens: { label: 'Tokens', value: (item: TenantUsageItemResponse) => item.inputTokens + item.outputTokens },
  cost: { label: 'Cost', value: (item: TenantUsageItemResponse) => item.costUsd },
} as const;
type Metric = keyof typeof METRICS;

// The overview's palette, extended: distinct hues led by the brand indigo, and a neutral "Other" for the remainder.
const SERIES_COLOURS = ['#4f46e5', '#0ea5e9', '#a855f7', '#14b8a6', '#f59e0b', '#ec4899'];
const OTHER_COLOUR = '#94a3b8';
const OTHER_ID = '__other';
const MAX_SERIES = SERIES_COLOURS.length;

interface Series {
  id: string;
  label: string;
  colour: string;
}

interface Row {
  bucket: string;
  [seriesId: string]: number | string;
}

/**
 * One row per bucket of the range (admin-api leaves out buckets without traffic; they are zeros here), one stacked
 * series per group. Beyond six groups the smaller ones are summed as "Other" so the legend stays readable; the table
 * below the chart keeps every group.
 */
function chartData(
  items: TenantUsageItemResponse[],
  metric: Metric,
  groupBy: TenantUsageGrouping,
  buckets: string[],
): { rows: Row[]; series: Series[]; totals: { label: string; total: number }[] } {
  const value = METRICS[metric].value;
  const totals = new Map<string, { label: string; total: number }>();
  for (const item of items) {
    const group = groupOf(item, groupBy);
    const entry = totals.get(group.id) ?? { label: group.label, total: 0 };
    entry.total += value(item);
    totals.set(group.id, entry);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].total - a[1].total);
  const overflow = ranked.length > MAX_SERIES;
  const kept = overflow ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  const keptIds = new Set(kept.map(([id]) => id));
  const series: Series[] = kept.map(([id, entry], index) => ({
    id,
    label: entry.label,
    colour: SERIES_COLOURS[index] ?? OTHER_COLOUR,
  }));
  if (overflow) series.push({ id: OTHER_ID, label: 'Other', colour: OTHER_COLOUR });

  const rows = new Map<string, Row>();
  for (const bucket of buckets) {
    const row: Row = { bucket };
    for (const entry of series) row[entry.id] = 0;
    rows.set(bucket, row);
  }
  for (const item of items) {
    const row = rows.get(new Date(item.bucket).toISOString());
    if (!row) continue;
    const group = groupOf(item, groupBy);
    const id = keptIds.has(group.id) ? group.id : OTHER_ID;
    row[id] = (row[id] as number) + value(item);
  }
  return { rows: [...rows.values()], series, totals: ranked.map(([, entry]) => entry) };
}

/** A cost axis tick: cents matter when a day costs less than a dollar, which a compact "$0" would hide. */
function costTick(value: number): string {
  if (value === 0) return '$0';
  if (value < 0.1) return `$${value.toFixed(3)}`;
  if (value < 100) return `$${value.toFixed(2)}`;
  return `$${formatCompact(value)}`;
}

const axisProps = { tickLine: false, axisLine: false, fontSize: 12, stroke: '#64748b' } as const;

/** Requests, tokens or cost per bucket over the report's range, stacked by the report's grouping. */
export function UsageChart({
  items,
  from,
  to,
  granularity,
  groupBy,
}: {
  items: TenantUsageItemResponse[];
  from: string;
  to: string;
  granularity: UsageGranularity;
  groupBy: TenantUsageGrouping;
}) {
  const [metric, setMetric] = useState<Metric>('requests');
  const titleId = useId();
  const { rows, series, totals } = chartData(items, metric, groupBy, bucketStarts(from, to, granularity));
  const format = (value: number) => (metric === 'cost' ? formatUsd(value) : formatInteger(value));
  const per = granularity === 'hour' ? 'hour' : 'day';
  const grouping = GROUPING_NOUNS[groupBy];

  return (
    <Card className="p-4 sm:p-5">
      <figure aria-labelledby={titleId}>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <figcaption id={titleId}>
            <h2 className="text-base font-semibold text-slate-950">
              {METRICS[metric].label} per {per}
            </h2>
            <p className="mt-0.5 text-sm text-slate-500">By {grouping}, UTC</p>
          </figcaption>
          <div role="group" aria-label="Chart metric" className="flex shrink-0 self-start rounded-lg bg-slate-100 p-1">
            {(Object.keys(METRICS) as Metric[]).map((option) => (
              <button
                key={option}
                type="button"
                aria-pressed={metric === option}
                onClick={() => setMetric(option)}
                className={cx(
                  'rounded-md px-3 py-1.5 text-sm font-medium transition-colors',
                  metric === option ? 'bg-white text-slate-950 shadow-sm' : 'text-slate-600 hover:text-slate-950',
                  focusRing,
                )}
              >
                {METRICS[option].label}
              </button>
            ))}
          </div>
        </div>
        <div className="mt-4 h-72" aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 4, right: 4, bottom: 0, left: metric === 'cost' ? 4 : -8 }}>
              <CartesianGrid vertical={false} stroke="#e2e8f0" />
              <XAxis
                dataKey="bucket"
                {...axisProps}
                minTickGap={28}
                tickFormatter={(value: string) => formatBucketTick(value, granularity)}
              />
              <YAxis
                {...axisProps}
                width={metric === 'cost' ? 56 : 44}
                tickFormatter={(value: number) => (metric === 'cost' ? costTick(value) : formatCompact(value))}
                allowDecimals={metric === 'cost'}
              />
              <Tooltip
                cursor={{ fill: 'rgba(99, 102, 241, 0.06)' }}
                contentStyle={{ borderRadius: 12, borderColor: '#e2e8f0', fontSize: 13 }}
                labelFormatter={(value) => formatBucket(String(value), granularity)}
                formatter={(value) => format(Number(value))}
              />
              <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
              {series.map((entry, index) => (
                <Bar
                  key={entry.id}
                  dataKey={entry.id}
                  name={entry.label}
                  stackId="usage"
                  fill={entry.colour}
                  radius={index === series.length - 1 ? [3, 3, 0, 0] : 0}
                  maxBarSize={24}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        {/* The chart is drawn for the eye; its content for screen readers is the totals by group, and the table below. */}
        {/* A div clips it: a table box ignores overflow, so an sr-only table can widen a phone's page. */}
        <div className="sr-only">
          <table>
            <caption>{`${METRICS[metric].label} over the period, by ${grouping}`}</caption>
            <thead>
              <tr>
                <th scope="col">{GROUPING_LABELS[groupBy]}</th>
                <th scope="col">{METRICS[metric].label}</th>
              </tr>
            </thead>
            <tbody>
              {totals.map((entry, index) => (
                <tr key={index}>
                  <th scope="row">{entry.label}</th>
                  <td>{format(entry.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </figure>
    </Card>
  );
}
