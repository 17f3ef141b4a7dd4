import type { CallLogItemResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { Badge, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { formatInteger, formatUsd } from '../../lib/format';
import { formatCallTime, formatMs, statusTone } from './log-format';

const numeric = 'text-right tabular-nums whitespace-nowrap';

export type LogTableItem = CallLogItemResponse & { tenantId?: string };

/**
 * Calls, newest first. `detailHref` is where a call's request id leads; `keyLabel` names a key id (the tenant's keys
 * by name; an id when the key is gone or not the viewer's to list). The tenant column shows on the platform view.
 */
export function LogTable({
  items,
  detailHref,
  keyLabel,
  showTenant = false,
}: {
  items: LogTableItem[];
  detailHref: (item: LogTableItem) => string;
  keyLabel: (keyId: string) => string;
  showTenant?: boolean;
}) {
  return (
    <Table caption="Calls, newest first">
      <TableHead>
        <tr>
          <TableHeaderCell>Time (UTC)</TableHeaderCell>
          <TableHeaderCell>Request ID</TableHeaderCell>
          {showTenant && <TableHeaderCell>Tenant</TableHeaderCell>}
          <TableHeaderCell>Key</TableHeaderCell>
          <TableHeaderCell>Model</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell className="text-right">Latency</TableHeaderCell>
          <TableHeaderCell className="text-right">TTFT</TableHeaderCell>
          <TableHeaderCell className="text-right">Tokens in / out</TableHeaderCell>
          <TableHeaderCell className="text-right">Cost</TableHeaderCell>
          <TableHeaderCell>Cache</TableHeaderCell>
          <TableHeaderCell>Policy</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {items.map((item) => (
          <TableRow key={item.requestId}>
            <TableCell className="whitespace-nowrap">
              <time dateTime={item.at}>{formatCallTime(item.at)}</time>
            </TableCell>
            <TableCell className="max-w-56">
              <Link
                href={detailHref(item)}
                className="block truncate font-mono text-xs font-medium text-indigo-700 hover:underline"
                title={item.requestId}
              >
                {item.requestId}
              </Link>
            </TableCell>
            {showTenant && (
              <TableCell className="max-w-40 truncate font-mono text-xs" title={item.tenantId}>
                {item.tenantId}
              </TableCell>
            )}
            <TableCell className="max-w-40 truncate">{item.keyId === null ? '—' : keyLabel(item.keyId)}</TableCell>
            <TableCell className="whitespace-nowrap">{item.model ?? '—'}</TableCell>
            <TableCell className="whitespace-nowrap">
              <Badge tone={statusTone(item.status)}>{item.status}</Badge>
              {item.errorCode && <span className="ml-2 font-mono text-xs text-slate-600">{item.errorCode}</span>}
            </TableCell>
            <TableCell className={numeric}>{formatMs(item.latencyMs)}</TableCell>
            <TableCell className={numeric}>{formatMs(item.ttftMs)}</TableCell>
            <TableCell className={numeric}>
              {formatInteger(item.inputTokens)} / {formatInteger(item.outputTokens)}
            </TableCell>
            <TableCell className={numeric}>{formatUsd(item.costUsd)}</TableCell>
            <TableCell>{item.cache === 'hit' ? <Badge tone="brand">hit</Badge> : 'miss'}</TableCell>
            <TableCell className="max-w-72">
              {item.policy.length === 0 ? (
                '—'
              ) : (
                <ul className="space-y-0.5">
                  {item.policy.map((decision) => (
                    <li key={decision} className="truncate font-mono text-xs" title={decision}>
                      {decision}
                    </li>
                  ))}
                </ul>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
