'use client';

import type {
  TenantUsageGrouping,
  TenantUsageItemResponse,
  UsageGranularity,
  UsageTotalsResponse,
} from '@gatehouse/contracts';
import Link from 'next/link';
import { useState } from 'react';
import { Button, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { callLogHref } from '../../lib/call-log-view';
import { formatInteger, formatUsd } from '../../lib/format';
import { formatBucket, GROUPING_LABELS, groupOf } from './usage-query';

// A month of hours by key can be thousands of rows: the page shows them in steps, and the CSV holds them all.
const PAGE_ROWS = 50;

const numeric = 'text-right tabular-nums whitespace-nowrap';

const BUCKET_MS: Record<UsageGranularity, number> = { hour: 3_600_000, day: 86_400_000 };

/** The call log of a row: its bucket's window, narrowed to its model or key (the log has no product filter). */
function rowLogHref(
  logsBase: string,
  item: TenantUsageItemResponse,
  granularity: UsageGranularity,
  groupBy: TenantUsageGrouping,
): string {
  const from = new Date(item.bucket);
  const to = new Date(from.getTime() + BUCKET_MS[granularity]);
  return callLogHref(logsBase, {
    from: from.toISOString(),
    to: to.toISOString(),
    model: groupBy === 'model' && item.model ? item.model : undefined,
    keyId: groupBy === 'key' ? item.apiKeyId : undefined,
  });
}

/**
 * The report's rows, by bucket then group as admin-api orders them, with the totals of the whole range. Each row links
 * to its calls in the log explorer at `logsBase`.
 */
export function UsageTable({
  items,
  totals,
  granularity,
  groupBy,
  logsBase,
}: {
  items: TenantUsageItemResponse[];
  totals: UsageTotalsResponse;
  granularity: UsageGranularity;
  groupBy: TenantUsageGrouping;
  logsBase: string;
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
            <TableHeaderCell>
              <span className="sr-only">Calls</span>
            </TableHeaderCell>
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
                <TableCell className="whitespace-nowrap">
                  <Link
                    href={rowLogHref(logsBase, item, granularity, groupBy)}
                    className="text-sm font-medium text-indigo-700 hover:underline"
                  >
                    View calls
                    <span className="sr-only">
                      {' '}
                      of {group.label}, {formatBucket(item.bucket, granularity)}
                    </span>
                  </Link>
                </TableCell>
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
            <td />
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
