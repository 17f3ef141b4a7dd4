import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Alert, buttonClasses, EmptyState, PageHeader } from '@gatehouse/ui';
import { AuditFiltersForm } from '../../../../components/admin/audit/audit-filters';
import { AuditLog } from '../../../../components/admin/audit/audit-log';
import { VerifyChain } from '../../../../components/admin/audit/verify-chain';
import { Icon } from '../../../../components/icons';
import { adminCatalog, auditHref, parseAuditFilters, type AuditFilters } from '../../../../lib/api/admin-catalog';
import { AdminApiError } from '../../../../lib/api/errors';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const filters = parseAuditFilters(await searchParams);
  if (filters.from && filters.to && filters.from > filters.to) {
    return (
      <AuditFrame filters={filters}>
        <Alert tone="warning" title="The dates are the wrong way round">
          “From” ({filters.from}) is after “To” ({filters.to}). Swap them to see the events between.
        </Alert>
      </AuditFrame>
    );
  }

  let events;
  try {
    events = await adminCatalog.audit(filters);
  } catch (error) {
    // A filter admin-api refuses is the admin's to fix, next to the form; anything else is the error page's.
    if (!(error instanceof AdminApiError) || error.status !== 400) throw error;
    return (
      <AuditFrame filters={filters}>
        <Alert tone="danger" title="These filters were refused">
          {error.message}
        </Alert>
      </AuditFrame>
    );
  }
  const isFirstPage = filters.cursor === undefined;
  const filtered = Boolean(filters.tenantId || filters.action || filters.targetType || filters.from || filters.to);

  return (
    <AuditFrame filters={filters}>
      {events.items.length === 0 ? (
        <EmptyState
          icon={<Icon name="shield" className="size-6" />}
          title={filtered ? 'No event matches these filters' : 'No events yet'}
          description={
            filtered
              ? 'Widen the dates or clear a filter. Action and target type must match exactly (plan.update, plan).'
              : 'Events appear here as admins and tenants change things.'
          }
        />
      ) : (
        <AuditLog events={events.items} />
      )}

      {(events.nextCursor || !isFirstPage) && (
        <nav aria-label="Pages of audit events" className="flex justify-between gap-4">
          {!isFirstPage ? (
            <Link
              href={auditHref({ ...filters, cursor: undefined })}
              className={buttonClasses({ variant: 'secondary', size: 'sm' })}
            >
              ← Newest events
            </Link>
          ) : (
            <span />
          )}
          {events.nextCursor && (
            <Link
              href={auditHref({ ...filters, cursor: events.nextCursor })}
              className={buttonClasses({ variant: 'secondary', size: 'sm' })}
            >
              Older →
            </Link>
          )}
        </nav>
      )}
    </AuditFrame>
  );
}

/** The header, the chain check and the filters: the same above the events, a refusal or a warning. */
function AuditFrame({ filters, children }: { filters: AuditFilters; children: ReactNode }) {
  return (
    <div className="space-y-8">
      <PageHeader
        title="Audit log"
        description="Every change made through the admin API, newest first, in a hash chain: each event seals the one before it, so an edited or deleted row shows up when the chain is verified."
      />
      <VerifyChain />
      <AuditFiltersForm filters={filters} />
      {children}
    </div>
  );
}
