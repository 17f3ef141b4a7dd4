'use client';

import type {
  TenantUsageGrouping,
  TenantUsageItemResponse,
  UsageGranularity,
  UsageTotalsResponse,
} from '@gatehouse/contracts';
import { useState } from 'react';
import { Button, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { formatInteger, formatUsd } from '../../lib/format';
import { formatBucket, GROUPING_LABELS, groupOf } from './usage-query';

// A month of hours by key can be thousands of rows: the page shows them in steps, and the CSV holds them all.
const PAGE_ROWS = 50;

const numeric = 'text-right tabular-nums whitespace-nowrap';

/** The report's rows, by bucket then group as admin-api orders them, with the totals of the whole range. */
export function UsageTable({
  items,
  totals,
  granularity,
  groupBy,
}: {
  items: TenantUsageItemResponse[];
  totals: UsageTotalsResponse;
  granularity: UsageGranularity;
  groupBy: TenantUsageGrouping;
}) {
  const [shown, setShown] = useState(PAGE_ROWS);
  const visible = items.slice(0, shown);
  const remaining = items.length - visible.length;

  return (
    <div className="space-y-3">
      <Table caption="Usage by bucket and group">
        <TableHead>
          <tr>
            <TableHeaderCell>{granularity === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'}</TableHeaderCell>
            <TableHeaderCell>{GROUPING_LABELS[groupBy]}</TableHeaderCell>
            <TableHeaderCell className="text-right">Requests</TableHeaderCell>
            <TableHeaderCell className="text-right">Errors</TableHeaderCell>
            <TableHeaderCell className="text-right">Input tokens</TableHeaderCell>
            <TableHeaderCell className="text-right">Output tokens</TableHeaderCell>
            <TableHeaderCell className="text-right">Cost</TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {visible.map((item) => {
            const group = groupOf(item, groupBy);
            return (
              <TableRow key={`${item.bucket}|${group.id}`}>
                <TableCell className="whitespace-nowrap">
                  <time dateTime={item.bucket}>{formatBucket(item.bucket, granularity)}</time>
                </TableCell>
                <TableCell className="max-w-64">
                  <span className="block truncate font-medium text-slate-950" title={group.label}>
                    {group.label}
                  </span>
                  {group.detail && <span className="block font-mono text-xs text-slate-500">{group.detail}</span>}
                </TableCell>
                <TableCell className={numeric}>{formatInteger(item.requests)}</TableCell>
                <TableCell className={`${numeric} ${item.errors > 0 ? 'text-rose-700' : ''}`}>
                  {formatInteger(item.errors)}
                </TableCell>
                <TableCell className={numeric}>{formatInteger(item.inputTokens)}</TableCell>
                <TableCell className={numeric}>{formatInteger(item.outputTokens)}</TableCell>
                <TableCell className={numeric}>{formatUsd(item.costUsd)}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
        <tfoot className="border-t-2 border-slate-200 bg-slate-50/70 font-semibold text-slate-950">
          <tr>
            <th scope="row" colSpan={2} className="px-4 py-3 text-left">
              Total
            </th>
            <td className={`px-4 py-3 ${numeric}`}>{formatInteger(totals.requests)}</td>
            <td className={`px-4 py-3 ${numeric}`}>{formatInteger(totals.errors)}</td>
            <td className={`px-4 py-3 ${numeric}`}>{formatInteger(totals.inputTokens)}</td>
            <td className={`px-4 py-3 ${numeric}`}>{formatInteger(totals.outputTokens)}</td>
            <td className={`px-4 py-3 ${numeric}`}>{formatUsd(totals.costUsd)}</td>
          </tr>
        </tfoot>
      </Table>
      {remaining > 0 && (
        <div className="flex flex-col items-center gap-2 sm:flex-row sm:justify-between">
          <p className="text-sm text-slate-600">
            Showing {formatInteger(visible.length)} of {formatInteger(items.length)} rows. The totals cover them all.
          </p>
          <Button variant="secondary" size="sm" onClick={() => setShown((count) => count + PAGE_ROWS * 4)}>
            Show {formatInteger(Math.min(remaining, PAGE_ROWS * 4))} more rows
          </Button>
        </div>
      )}
    </div>
  );
}
