import type { ApiKeyResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { Alert, buttonClasses, EmptyState } from '@gatehouse/ui';
import { callLogApi } from '../../lib/api/call-log';
import { fieldErrors, type AdminApiError } from '../../lib/api/errors';
import { callLogHref, callLogQuery, isFiltered, type CallLogView } from '../../lib/call-log-view';
import { Icon } from '../icons';
import { LogFilters } from './log-filters';
import { formatCallTime } from './log-format';
import { LogTable, type LogTableItem } from './log-table';

/** Whose calls: a tenant's (with its keys, to filter by and to name), or every tenant's. */
export type ExplorerScope = { kind: 'tenant'; tenantId: string; keys: ApiKeyResponse[] } | { kind: 'platform' };

const detailPath = (tenantId: string, requestId: string) =>
  `/t/${encodeURIComponent(tenantId)}/logs/${encodeURIComponent(requestId)}`;

/**
 * The log explorer of both the tenant's and the platform admin's Logs page: the search by request id, the filters,
 * and the calls of the view, a page at a time (newest first; "Older" pages keep the window of the first page).
 */
export async function CallLogExplorer({
  scope,
  base,
  view,
}: {
  scope: ExplorerScope;
  base: string;
  view: CallLogView;
}) {
  const keys = scope.kind === 'tenant' ? scope.keys : undefined;
  const keyNames = new Map((keys ?? []).map((key) => [key.id, `${key.name} (${key.prefix}…)`]));
  const keyLabel = (keyId: string) => keyNames.get(keyId) ?? keyId;
  const detailHref = (item: LogTableItem) =>
    detailPath(scope.kind === 'tenant' ? scope.tenantId : (item.tenantId ?? ''), item.requestId);

  if (view.requestId !== undefined) {
    const call =
      scope.kind === 'tenant'
        ? await callLogApi.tenantCall(scope.tenantId, view.requestId)
        : await callLogApi.platformCall(view.requestId);
    return (
      <div className="space-y-6">
        <LogFilters base={base} view={view} keys={keys} fieldErrors={{}} />
        {call === null ? (
          <EmptyState
            icon={<Icon name="terminal" className="size-6" />}
            title="No call with this request id"
            description={
              <>
                Nothing was recorded as <code className="font-mono">{view.requestId}</code>
                {scope.kind === 'tenant' ? ' for this workspace' : ''}. A call appears here a few seconds after it ends;
                check the id, which is the <code className="font-mono">x-request-id</code> header of the response.
              </>
            }
          />
        ) : (
          <LogTable items={[call]} detailHref={detailHref} keyLabel={keyLabel} showTenant={scope.kind === 'platform'} />
        )}
      </div>
    );
  }

  const query = callLogQuery(view, Date.now());
  const result =
    scope.kind === 'tenant' ? await callLogApi.tenantList(scope.tenantId, query) : await callLogApi.platformList(query);
  if (!result.ok) {
    return (
      <div className="space-y-6">
        <LogFilters base={base} view={view} keys={keys} fieldErrors={fieldErrors(result.error)} />
        <Alert tone="danger" title="These filters were refused">
          {refusalMessage(result.error)}
        </Alert>
      </div>
    );
  }

  const page = result.page;
  const firstPage = view.cursor === undefined;
  // Later pages read the first page's window, so that "Older" continues the same listing.
  const pinned = { ...view, from: page.from, to: page.to };
  return (
    <div className="space-y-6">
      <LogFilters base={base} view={view} keys={keys} fieldErrors={{}} />
      <p className="text-sm text-slate-600">
        Calls from <span className="font-medium text-slate-900">{formatCallTime(page.from)}</span> to{' '}
        <span className="font-medium text-slate-900">{formatCallTime(page.to)}</span> (UTC), newest first. A call
        appears a few seconds after it ends. Request and response bodies are stored, redacted and encrypted, only where
        a policy says so.
      </p>
      {page.items.length === 0 ? (
        <EmptyState
          icon={<Icon name="terminal" className="size-6" />}
          title={isFiltered(view) ? 'No call matches these filters' : 'No calls in this range'}
          description={
            isFiltered(view)
              ? 'Widen the time range or clear a filter. Model, status, key and error code match exactly.'
              : 'Calls made through the gateway show up here, one row each. Choose a longer range, or make a call and come back in a moment.'
          }
        />
      ) : (
        <LogTable
          items={page.items}
          detailHref={detailHref}
          keyLabel={keyLabel}
          showTenant={scope.kind === 'platform'}
        />
      )}
      {(page.nextCursor || !firstPage) && (
        <nav aria-label="Pages of calls" className="flex justify-between gap-4">
          {!firstPage ? (
            <Link
              href={callLogHref(base, { ...view, cursor: undefined })}
              className={buttonClasses({ variant: 'secondary', size: 'sm' })}
            >
              ← Newest calls
            </Link>
          ) : (
            <span />
          )}
          {page.nextCursor && (
            <Link
              href={callLogHref(base, { ...pinned, cursor: page.nextCursor })}
              className={buttonClasses({ variant: 'secondary', size: 'sm' })}
            >
              Older →
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}

/** admin-api's refusal in the words of the form (docs/api.md, "Call log"). */
function refusalMessage(error: AdminApiError): string {
  switch (error.code) {
    case 'invalid_time_range':
      return 'The window ends before it starts.';
    case 'time_range_too_large':
      return 'The log reads at most 31 days at a time. Choose a shorter range.';
    default: {
      const fields = Object.entries(fieldErrors(error)).map(([field, reason]) => `${field} ${reason}`);
      return fields.length > 0 ? `Check the ${fields.join('; ')}.` : error.message;
    }
  }
}
