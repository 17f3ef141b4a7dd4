import type { Metadata } from 'next';
import Link from 'next/link';
import { Button, buttonClasses, EmptyState, focusRing, PageHeader, TextField } from '@gatehouse/ui';
import { TenantsTable, type TenantRow } from '../../../../components/admin/tenants-table';
import { Icon } from '../../../../components/icons';
import { adminConsole, spendByTenant, utcMonthStart } from '../../../../lib/api/admin-console';

export const metadata: Metadata = { title: 'Tenants' };

const PAGE_SIZE = 50;
// admin-api's cursors are tenant ids; anything else in the address bar is ignored rather than sent on.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEARCH_MAX = 100;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function TenantsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = await searchParams;
  const search = first(query.search)?.trim().slice(0, SEARCH_MAX) || undefined;
  const rawCursor = first(query.cursor);
  const cursor = rawCursor && UUID.test(rawCursor) ? rawCursor : undefined;

  // The list, this month's spend per tenant and the budget burn are independent reads: fetch them together.
  const [tenants, usage, summary] = await Promise.all([
    adminConsole.tenants({ search, cursor, limit: PAGE_SIZE }),
    adminConsole.usageSeries({ granularity: 'day', groupBy: 'tenant', from: utcMonthStart() }),
    adminConsole.usageSummary(),
  ]);

  const spend = spendByTenant(usage.items);
  const burn = new Map(summary.budgetBurn.map((entry) => [entry.tenantId, entry.budget.percent]));
  const rows: TenantRow[] = tenants.items.map((tenant) => ({
    ...tenant,
    costUsd: spend.get(tenant.id)?.costUsd ?? 0,
    requests: spend.get(tenant.id)?.requests ?? 0,
    budgetPercent: burn.get(tenant.id) ?? null,
  }));

  const isFirstPage = cursor === undefined;
  const pageHref = (next?: string) => {
    const params = new URLSearchParams();
    if (search) params.set('search', search);
    if (next) params.set('cursor', next);
    const text = params.toString();
    return `/admin/tenants${text ? `?${text}` : ''}`;
  };

  return (
    <div className="space-y-8">
      <PageHeader
        title="Tenants"
        description="Every workspace on the platform, newest first, with its members, subscriptions and what it has spent this month (UTC)."
      />

      <form
        role="search"
        aria-label="Tenants"
        action="/admin/tenants"
        method="get"
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
      >
        <TextField
          label="Search by name"
          name="search"
          type="search"
          defaultValue={search}
          maxLength={SEARCH_MAX}
          placeholder="Acme"
          autoComplete="off"
          className="sm:w-80"
        />
        <div className="flex gap-2">
          <Button type="submit" variant="secondary">
            Search
          </Button>
          {search && (
            <Link href="/admin/tenants" className={buttonClasses({ variant: 'ghost' })}>
              Clear
            </Link>
          )}
        </div>
      </form>

      {rows.length === 0 && isFirstPage ? (
        search ? (
          <EmptyState
            icon={<Icon name="server" className="size-6" />}
            title="No tenant matches"
            description={
              <>
                No tenant’s name contains “{search}”. Check the spelling, or{' '}
                <Link href="/admin/tenants" className={`rounded font-medium text-indigo-700 ${focusRing}`}>
                  see every tenant
                </Link>
                .
              </>
            }
          />
        ) : (
          <EmptyState
            icon={<Icon name="server" className="size-6" />}
            title="No tenants yet"
            description="Tenants appear here when someone signs up or an admin creates one through the admin API."
          />
        )
      ) : (
        <TenantsTable tenants={rows} caption={search ? `Tenants matching “${search}”` : 'Tenants'} />
      )}

      {(tenants.nextCursor || !isFirstPage) && (
        <nav aria-label="Pages of tenants" className="flex justify-between gap-4">
          {!isFirstPage ? (
            <Link href={pageHref()} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
              ← Newest tenants
            </Link>
          ) : (
            <span />
          )}
          {tenants.nextCursor && (
            <Link href={pageHref(tenants.nextCursor)} className={buttonClasses({ variant: 'secondary', size: 'sm' })}>
              Older tenants →
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
