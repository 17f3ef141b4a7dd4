'use client';

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Card } from '@gatehouse/ui';
import { formatDayLabel, formatInteger, formatUsd } from '../../lib/format';

export interface SpendPoint {
  /** Start of the UTC day. */
  bucket: string;
  costUsd: number;
  requests: number;
}

interface Row {
  day: string;
  label: string;
  costUsd: number;
  requests: number;
}

const DAY_MS = 86_400_000;
const BRAND = '#4f46e5';
const axisProps = { tickLine: false, axisLine: false, fontSize: 12, stroke: '#64748b' } as const;

/** One row per UTC day of the range: admin-api leaves days without traffic out, and a gap is a zero, not a blank. */
function toRows(points: SpendPoint[], from: string, to: string): Row[] {
  const rows = new Map<string, Row>();
  for (let day = Date.parse(from); day < Date.parse(to); day += DAY_MS) {
    const iso = new Date(day).toISOString();
    rows.set(iso.slice(0, 10), { day: iso.slice(0, 10), label: formatDayLabel(iso), costUsd: 0, requests: 0 });
  }
  for (const point of points) {
    const row = rows.get(point.bucket.slice(0, 10));
    if (!row) continue;
    row.costUsd += point.costUsd;
    row.requests += point.requests;
  }
  return [...rows.values()];
}

/** Axis ticks as short dollar amounts: cents only where the scale needs them, "$1.2K" once spend is large. */
function axisUsd(value: number): string {
  if (value >= 1000)
    return `$${new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(value)}`;
  if (Number.isInteger(value) || value >= 10) return `$${Math.round(value)}`;
  // Ticks of a quiet month can be fractions of a cent: two significant digits keep them apart ($0.00005, $0.0001).
  if (value < 1) return `$${new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 }).format(value)}`;
  return `$${value.toFixed(2)}`;
}

/** Round axis steps (1, 2, 2.5 or 5 times a power of ten), so ticks read $0, $1, $2 rather than $0.95, $1.90. */
function axisTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  const count = Math.ceil(max / step);
  return Array.from({ length: count + 1 }, (_, index) => Number((index * step).toFixed(6)));
}

/** Platform spend per UTC day over the chosen range, as an area chart with a table of the same data for screen readers. */
export function SpendTrendChart({
  points,
  from,
  to,
  rangeLabel,
}: {
  points: SpendPoint[];
  from: string;
  to: string;
  rangeLabel: string;
}) {
  const rows = toRows(points, from, to);
  const total = rows.reduce((sum, row) => sum + row.costUsd, 0);
  const peak = rows.reduce<Row | undefined>(
    (best, row) => (!best || row.costUsd > best.costUsd ? row : best),
    undefined,
  );
  const average = rows.length > 0 ? total / rows.length : 0;
  const ticks = axisTicks(peak?.costUsd ?? 0);

  return (
    <Card className="p-5">
      <figure>
        <figcaption className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <div>
            <h3 className="text-base font-semibold text-slate-950">Spend per day</h3>
            <p className="mt-0.5 text-sm text-slate-500">{rangeLabel}, all tenants, UTC days</p>
          </div>
          <dl className="flex gap-6 text-sm">
            <div>
              <dt className="text-slate-500">Total</dt>
              <dd className="font-semibold text-slate-950 tabular-nums">{formatUsd(total)}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Daily average</dt>
              <dd className="font-semibold text-slate-950 tabular-nums">{formatUsd(average)}</dd>
            </div>
            {peak && peak.costUsd > 0 && (
              <div className="hidden sm:block">
                <dt className="text-slate-500">Peak</dt>
                <dd className="font-semibold text-slate-950 tabular-nums">
                  {formatUsd(peak.costUsd)} <span className="font-normal text-slate-500">on {peak.label}</span>
                </dd>
              </div>
            )}
          </dl>
        </figcaption>
        <div className="mt-5 h-64 sm:h-72" aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={rows} margin={{ top: 4, right: 4, bottom: 0, left: -4 }}>
              <defs>
                <linearGradient id="spend-fill" x1="0" y1="0" x2="0" y2="1">
                  <stop offset="0%" stopColor={BRAND} stopOpacity={0.28} />
                  <stop offset="100%" stopColor={BRAND} stopOpacity={0.02} />
                </linearGradient>
              </defs>
              <CartesianGrid vertical={false} stroke="#e2e8f0" />
              <XAxis dataKey="label" {...axisProps} minTickGap={28} />
              <YAxis
                {...axisProps}
                // Wide enough for the longest tick, e.g. "$0.00015" in a quiet month.
                width={Math.max(40, ...ticks.map((tick) => axisUsd(tick).length * 8 + 12))}
                tickFormatter={axisUsd}
                ticks={ticks}
                domain={[0, ticks[ticks.length - 1] ?? 1]}
              />
              <Tooltip
                cursor={{ stroke: '#cbd5e1' }}
                contentStyle={{ borderRadius: 12, borderColor: '#e2e8f0', fontSize: 13 }}
                formatter={(value: unknown, name: unknown) =>
                  name === 'costUsd' ? [formatUsd(Number(value)), 'Spend'] : [formatInteger(Number(value)), 'Requests']
                }
              />
              <Area
                type="monotone"
                dataKey="costUsd"
                stroke={BRAND}
                fill="url(#spend-fill)"
                strokeWidth={2}
                activeDot={{ r: 4 }}
              />
            </AreaChart>
          </ResponsiveContainer>
        </div>
        {/* A div clips it: a table box ignores overflow, so an sr-only table can widen a phone's page. */}
        <div className="sr-only">
          <table>
            <caption>Spend per UTC day, {rangeLabel.toLowerCase()}</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Spend</th>
                <th scope="col">Requests</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.day}>
                  <th scope="row">{row.label}</th>
                  <td>{formatUsd(row.costUsd)}</td>
                  <td>{formatInteger(row.requests)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </figure>
    </Card>
  );
}
