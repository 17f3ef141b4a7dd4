import type { ApiKeyResponse } from '@gatehouse/contracts';
import { Badge, EmptyState, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@gatehouse/ui';
import { formatDate, formatDateTime } from '../../lib/format';
import { Icon } from '../icons';
import { keyStatusBadge } from '../keys/key-status';

/**
 * A tenant's keys as its admin sees them: read-only. Keys belong to the tenant's members, who rotate and revoke them;
 * a platform admin cuts access through the subscription instead.
 */
export function TenantKeysTable({
  tenantName,
  keys,
  timeZone,
  hasMore,
}: {
  tenantName: string;
  keys: ApiKeyResponse[];
  timeZone: string;
  hasMore: boolean;
}) {
  if (keys.length === 0) {
    return (
      <EmptyState
        headingLevel="h3"
        icon={<Icon name="key" className="size-6" />}
        title="No API keys"
        description={`Nobody in ${tenantName} has created a key yet.`}
      />
    );
  }
  return (
    <div className="space-y-2">
      <Table caption={`API keys of ${tenantName}`}>
        <TableHead>
          <tr>
            <TableHeaderCell>Name</TableHeaderCell>
            <TableHeaderCell className="hidden sm:table-cell">Key</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className="hidden md:table-cell">Created</TableHeaderCell>
            <TableHeaderCell className="hidden md:table-cell">Last used</TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {keys.map((key) => {
            const status = keyStatusBadge[key.status];
            return (
              <TableRow key={key.id}>
                <TableCell className="max-w-56">
                  <span className="flex items-center gap-2">
                    <span className="truncate font-medium text-slate-950">{key.name}</span>
                    {key.mode === 'test' && <Badge tone="brand">Test</Badge>}
                  </span>
                  {key.createdBy && (
                    <span className="block truncate text-xs text-slate-500">by {key.createdBy.name}</span>
                  )}
                </TableCell>
                <TableCell className="hidden font-mono text-xs whitespace-nowrap text-slate-600 sm:table-cell">
                  {key.prefix}…{key.last4}
                </TableCell>
                <TableCell>
                  <Badge tone={status.tone}>{status.label}</Badge>
                </TableCell>
                <TableCell className="hidden whitespace-nowrap md:table-cell">
                  <time dateTime={key.createdAt} title={formatDateTime(key.createdAt, timeZone)}>
                    {formatDate(key.createdAt, timeZone)}
                  </time>
                </TableCell>
                <TableCell className="hidden whitespace-nowrap md:table-cell">
                  {key.lastUsedAt ? (
                    <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt, timeZone)}>
                      {formatDate(key.lastUsedAt, timeZone)}
                    </time>
                  ) : (
                    <span className="text-slate-500">Never</span>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {hasMore && <p className="text-sm text-slate-500">Showing the {keys.length} newest keys.</p>}
    </div>
  );
}
