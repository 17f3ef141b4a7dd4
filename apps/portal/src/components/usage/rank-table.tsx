import type { ReactNode } from 'react';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { formatCompact, formatInteger, formatPercent, formatUsd } from '../../lib/format';

export interface RankRow {
  id: string;
  name: ReactNode;
  /** A second line under the name, e.g. a key's prefix. */
  detail?: string;
  requests: number;
  tokens: number;
  costUsd: number;
}

/**
 * A ranking by cost (top keys, models or tenants): calls, tokens and cost per row. Given the period's total, each row
 * also shows its share of the spend as a thin bar under its name.
 */
export function RankTable({
  caption,
  firstColumn,
  rows,
  empty = 'No usage this month yet.',
  totalCostUsd,
}: {
  caption: string;
  firstColumn: string;
  rows: RankRow[];
  empty?: string;
  totalCostUsd?: number;
}) {
  return (
    <Table caption={caption} showCaption>
      <TableHead>
        <tr>
          <TableHeaderCell>{firstColumn}</TableHeaderCell>
          <TableHeaderCell className="text-right">Calls</TableHeaderCell>
          <TableHeaderCell className="hidden text-right sm:table-cell">Tokens</TableHeaderCell>
          <TableHeaderCell className="text-right">Cost</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {rows.length === 0 ? (
          <tr>
            <TableCell colSpan={4} className="py-6 text-center text-slate-500">
              {empty}
            </TableCell>
          </tr>
        ) : (
          rows.map((row) => (
            <TableRow key={row.id}>
              <TableCell className="max-w-56 min-w-36">
                <span className="block truncate font-medium text-slate-900">{row.name}</span>
                {row.detail && <span className="block truncate font-mono text-xs text-slate-500">{row.detail}</span>}
                {totalCostUsd !== undefined && <ShareBar percent={share(row.costUsd, totalCostUsd)} />}
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatInteger(row.requests)}</TableCell>
              <TableCell className="hidden text-right tabular-nums sm:table-cell" title={formatInteger(row.tokens)}>
                {formatCompact(row.tokens)}
              </TableCell>
              <TableCell className="text-right font-medium text-slate-900 tabular-nums">
                {formatUsd(row.costUsd)}
              </TableCell>
            </TableRow>
          ))
        )}
      </TableBody>
    </Table>
  );
}

function share(costUsd: number, total: number): number {
  return total > 0 ? (costUsd / total) * 100 : 0;
}

function ShareBar({ percent }: { percent: number }) {
  return (
    <span className="mt-1.5 flex items-center gap-2" title={`${formatPercent(percent)} of the month`}>
      <span className="h-1 flex-1 overflow-hidden rounded-full bg-slate-100" aria-hidden="true">
        <span className="block h-full rounded-full bg-indigo-400" style={{ width: `${percent}%` }} />
      </span>
      <span className="w-10 text-right text-xs text-slate-500 tabular-nums">
        {formatPercent(percent)}
        <span className="sr-only"> of this month’s spend</span>
      </span>
    </span>
  );
}
