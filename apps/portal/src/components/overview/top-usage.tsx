import type { TenantUsageSummaryResponse } from '@gatehouse/contracts';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { formatCompact, formatInteger, formatUsd, modelLabel } from '../../lib/format';

/** The month's costliest keys and models, side by side. */
export function TopUsage({ summary }: { summary: TenantUsageSummaryResponse }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <RankTable
        caption="Top keys this month"
        firstColumn="Key"
        rows={summary.topKeys.map((key) => ({
          id: key.apiKeyId,
          name: key.keyName ?? 'Deleted key',
          detail: key.keyPrefix ? `${key.keyPrefix}…` : undefined,
          requests: key.requests,
          tokens: key.inputTokens + key.outputTokens,
          costUsd: key.costUsd,
        }))}
      />
      <RankTable
        caption="Top models this month"
        firstColumn="Model"
        rows={summary.topModels.map((model) => ({
          id: model.model,
          name: modelLabel(model.model),
          requests: model.requests,
          tokens: model.inputTokens + model.outputTokens,
          costUsd: model.costUsd,
        }))}
      />
    </div>
  );
}

interface RankRow {
  id: string;
  name: string;
  detail?: string;
  requests: number;
  tokens: number;
  costUsd: number;
}

function RankTable({ caption, firstColumn, rows }: { caption: string; firstColumn: string; rows: RankRow[] }) {
  return (
    <Table caption={caption} showCaption>
      <TableHead>
        <tr>
          <TableHeaderCell>{firstColumn}</TableHeaderCell>
          <TableHeaderCell className="text-right">Calls</TableHeaderCell>
          <TableHeaderCell className="text-right">Tokens</TableHeaderCell>
          <TableHeaderCell className="text-right">Cost</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {rows.length === 0 ? (
          <tr>
            <TableCell colSpan={4} className="py-6 text-center text-slate-500">
              No usage this month yet.
            </TableCell>
          </tr>
        ) : (
          rows.map((row) => (
            <TableRow key={row.id}>
              <TableCell className="max-w-48">
                <span className="block truncate font-medium text-slate-900">{row.name}</span>
                {row.detail && <span className="block truncate font-mono text-xs text-slate-500">{row.detail}</span>}
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatInteger(row.requests)}</TableCell>
              <TableCell className="text-right tabular-nums" title={formatInteger(row.tokens)}>
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
