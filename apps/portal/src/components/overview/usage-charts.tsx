'use client';

import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ReactNode } from 'react';
import { Card } from '@gatehouse/ui';
import { formatCompact, formatDayLabel, formatInteger, modelLabel } from '../../lib/format';

export interface UsagePoint {
  bucket: string;
  model: string;
  requests: number;
  tokens: number;
}

// Distinct, colour-blind-friendlier hues led by the brand indigo; "Other" is neutral so it reads as the remainder.
const SERIES_COLOURS = ['#4f46e5', '#0ea5e9', '#a855f7', '#14b8a6', '#f59e0b'];
const OTHER_COLOUR = '#94a3b8';
const OTHER = 'Other';
const MAX_SERIES = SERIES_COLOURS.length;
const DAY_MS = 86_400_000;

interface Row {
  label: string;
  [series: string]: number | string;
}

/**
 * One row per UTC day of the range (days without traffic are zeros, since admin-api leaves them out), one column per
 * model. Beyond five models the smaller ones are summed as "Other", so the legend stays readable.
 */
function toRows(points: UsagePoint[], from: string, to: string, metric: 'requests' | 'tokens') {
  const totals = new Map<string, number>();
  for (const point of points) {
    const label = modelLabel(point.model);
    totals.set(label, (totals.get(label) ?? 0) + point.requests + point.tokens);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([label]) => label);
  const kept = ranked.length > MAX_SERIES ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  const series = ranked.length > MAX_SERIES ? [...kept, OTHER] : kept;
  const keptSet = new Set(kept);

  const rows = new Map<string, Row>();
  const start = Date.parse(from);
  const end = Date.parse(to);
  for (let day = start; day < end; day += DAY_MS) {
    const iso = new Date(day).toISOString();
    const row: Row = { label: formatDayLabel(iso) };
    for (const name of series) row[name] = 0;
    rows.set(iso.slice(0, 10), row);
  }
  for (const point of points) {
    const row = rows.get(point.bucket.slice(0, 10));
    if (!row) continue;
    const label = modelLabel(point.model);
    const name = keptSet.has(label) ? label : OTHER;
    row[name] = (row[name] as number) + point[metric];
  }
  return { rows: [...rows.values()], series };
}

const colourOf = (series: string[], name: string) =>
  name === OTHER ? OTHER_COLOUR : (SERIES_COLOURS[series.indexOf(name)] ?? OTHER_COLOUR);

const axisProps = { tickLine: false, axisLine: false, fontSize: 12, stroke: '#64748b' } as const;

function ChartCard({
  title,
  description,
  children,
  summary,
}: {
  title: string;
  description: string;
  children: ReactNode;
  summary: { name: string; total: number }[];
}) {
  return (
    <Card className="p-5">
      <figure>
        <figcaption>
          <h3 className="text-base font-semibold text-slate-950">{title}</h3>
          <p className="mt-0.5 text-sm text-slate-500">{description}</p>
        </figcaption>
        <div className="mt-4 h-64" aria-hidden="true">
          {children}
        </div>
        {/* The chart is drawn for the eye; this is its content for screen readers. In a div, because a table box
            ignores overflow: an sr-only table spilled its caption past a phone's screen and widened the page. */}
        <div className="sr-only">
          <table>
            <caption>{`${title}, totals by model over the period`}</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {summary.map((entry) => (
                <tr key={entry.name}>
                  <th scope="row">{entry.name}</th>
                  <td>{formatInteger(entry.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </figure>
    </Card>
  );
}

function totalsBySeries(rows: Row[], series: string[]) {
  return series.map((name) => ({ name, total: rows.reduce((sum, row) => sum + (row[name] as number), 0) }));
}

const tooltipProps = {
  cursor: { fill: 'rgba(99, 102, 241, 0.06)' },
  contentStyle: { borderRadius: 12, borderColor: '#e2e8f0', fontSize: 13 },
  formatter: (value: unknown) => formatInteger(Number(value)),
} as const;

/** Requests and tokens per day over the report's range, stacked by model. */
export function UsageCharts({ points, from, to }: { points: UsagePoint[]; from: string; to: string }) {
  const requests = toRows(points, from, to, 'requests');
  const tokens = toRows(points, from, to, 'tokens');

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard
        title="Requests per day"
        description="Last 30 days, by model"
        summary={totalsBySeries(requests.rows, requests.series)}
      >
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={requests.rows} margin={{ top: 4, right: 4, bottom: 0, left: -8 }}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" {...axisProps} minTickGap={24} />
            <YAxis {...axisProps} width={44} tickFormatter={formatCompact} allowDecimals={false} />
            <Tooltip {...tooltipProps} />
            <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
            {requests.series.map((name, index) => (
              <Bar
                key={name}
                dataKey={name}
                stackId="requests"
                fill={colourOf(requests.series, name)}
                radius={index === requests.series.length - 1 ? [3, 3, 0, 0] : 0}
                maxBarSize={18}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>
      <ChartCard
        title="Tokens per day"
        description="Input and output tokens, last 30 days, by model"
        summary={totalsBySeries(tokens.rows, tokens.series)}
      >
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={tokens.rows} margin={{ top: 4, right: 4, bottom: 0, left: -8 }}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" {...axisProps} minTickGap={24} />
            <YAxis {...axisProps} width={44} tickFormatter={formatCompact} allowDecimals={false} />
            <Tooltip {...tooltipProps} cursor={{ stroke: '#cbd5e1' }} />
            <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
            {tokens.series.map((name) => (
              <Area
                key={name}
                type="monotone"
                dataKey={name}
                stackId="tokens"
                stroke={colourOf(tokens.series, name)}
                fill={colourOf(tokens.series, name)}
                fillOpacity={0.18}
                strokeWidth={1.75}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}
