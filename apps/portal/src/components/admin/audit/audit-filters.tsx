import Link from 'next/link';
import { Button, buttonClasses, TextField } from '@gatehouse/ui';
import type { AuditFilters } from '../../../lib/api/admin-catalog';

/**
 * The audit log's filters as a plain GET form: the filters live in the address bar, so a filtered view can be
 * bookmarked or shared, and the form works before any script has loaded.
 */
export function AuditFiltersForm({ filters }: { filters: AuditFilters }) {
  const active = Boolean(filters.tenantId || filters.action || filters.targetType || filters.from || filters.to);
  return (
    <form
      role="search"
      aria-label="Filter audit events"
      action="/admin/audit"
      method="get"
      className="rounded-2xl border border-slate-200 bg-white p-4 sm:p-5"
    >
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <TextField
          label="Tenant ID"
          name="tenantId"
          defaultValue={filters.tenantId}
          placeholder="UUID"
          autoComplete="off"
          spellCheck={false}
          pattern="[0-9a-fA-F-]{36}"
          title="A tenant's id (a UUID)"
        />
        <TextField
          label="Action"
          name="action"
          defaultValue={filters.action}
          placeholder="plan.update"
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
        />
        <TextField
          label="Target type"
          name="targetType"
          defaultValue={filters.targetType}
          placeholder="plan"
          autoComplete="off"
          spellCheck={false}
          maxLength={100}
        />
        <TextField label="From (UTC day)" name="from" type="date" defaultValue={filters.from} />
        <TextField label="To (UTC day, included)" name="to" type="date" defaultValue={filters.to} />
      </div>
      <div className="mt-4 flex flex-wrap gap-2">
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
        {active && (
          <Link href="/admin/audit" className={buttonClasses({ variant: 'ghost' })}>
            Clear filters
          </Link>
        )}
      </div>
    </form>
  );
}
