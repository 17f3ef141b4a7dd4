import type { AuditEventResponse } from '@gatehouse/contracts';
import Link from 'next/link';
import { Badge, focusRing } from '@gatehouse/ui';
import { formatDateTime } from '../../../lib/format';

const pretty = (value: unknown) => (value === null || value === undefined ? '—' : JSON.stringify(value, null, 2));

/** The top-level names whose values differ between before and after: what an auditor looks for first. */
function changedKeys(before: unknown, after: unknown): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject(before) || !isObject(after)) return [];
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <div className="min-w-0">
      <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{label}</p>
      <pre className="mt-1 max-h-80 overflow-auto rounded-lg bg-slate-950 p-3 font-mono text-xs leading-5 text-slate-100">
        {pretty(value)}
      </pre>
    </div>
  );
}

/**
 * Audit events, newest first, one row each; the before/after documents open on demand (a native disclosure, so
 * it works with the keyboard and without script). admin-api strips secrets from them before they get here. Actors and
 * tenants show by email and name; their ids are in the hover title and under the changes.
 */
export function AuditLog({ events }: { events: AuditEventResponse[] }) {
  return (
    <ol
      aria-label="Audit events, newest first"
      className="divide-y divide-slate-100 rounded-2xl border border-slate-200 bg-white"
    >
      {events.map((event) => {
        const changed = changedKeys(event.before, event.after);
        const hasDocuments = event.before != null || event.after != null;
        return (
          <li key={event.id} className="px-4 py-3 sm:px-5">
            <div className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[11rem_1fr_1fr] lg:grid-cols-[11rem_14rem_1fr_1fr_12rem]">
              <time dateTime={event.createdAt} className="text-slate-600 tabular-nums">
                {formatDateTime(event.createdAt, 'UTC')} UTC
              </time>
              <span className="font-mono text-sm font-medium break-all text-slate-900">{event.action}</span>
              <span className="min-w-0 text-slate-700">
                <span className="sr-only">Target: </span>
                <Badge tone="neutral">{event.targetType}</Badge>{' '}
                {event.targetId && <span className="font-mono text-xs break-all">{event.targetId}</span>}
              </span>
              <span className="min-w-0 text-xs text-slate-600">
                <span className="font-medium text-slate-500">Actor </span>
                {event.actorUserId ? (
                  <span className="break-all" title={`User ${event.actorUserId}`}>
                    {event.actorEmail ?? <span className="font-mono">{event.actorUserId}</span>}
                  </span>
                ) : (
                  'system'
                )}
                {event.actorIp && <span className="block font-mono">{event.actorIp}</span>}
              </span>
              <span className="min-w-0 text-xs text-slate-600">
                <span className="font-medium text-slate-500">Tenant </span>
                {event.tenantId ? (
                  <Link
                    href={`/admin/tenants/${encodeURIComponent(event.tenantId)}`}
                    title={`Tenant ${event.tenantId}`}
                    className={`rounded break-all text-indigo-700 hover:text-indigo-600 ${focusRing} ${event.tenantName === null ? 'font-mono' : ''}`}
                  >
                    {event.tenantName ?? event.tenantId}
                  </Link>
                ) : (
                  'platform'
                )}
              </span>
            </div>
            {hasDocuments && (
              <details className="group mt-2">
                <summary
                  className={`inline-flex cursor-pointer items-center gap-1 rounded text-sm font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
                >
                  <span className="group-open:hidden">Show changes</span>
                  <span className="hidden group-open:inline">Hide changes</span>
                  <span className="sr-only"> of event #{event.seq}</span>
                  {changed.length > 0 && <span className="font-normal text-slate-500">({changed.join(', ')})</span>}
                </summary>
                <div className="mt-3 grid gap-3 md:grid-cols-2">
                  <JsonBlock label="Before" value={event.before} />
                  <JsonBlock label="After" value={event.after} />
                </div>
                <p className="mt-2 font-mono text-xs break-all text-slate-500">
                  #{event.seq} · hash {event.hash}
                  {event.actorUserId && ` · actor ${event.actorUserId}`}
                  {event.tenantId && ` · tenant ${event.tenantId}`}
                </p>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
