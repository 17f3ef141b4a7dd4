import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, buttonClasses, focusRing, PageHeader, QuotaBar, StatCard } from '@gatehouse/ui';
import { TenantControls } from '../../../../../components/admin/tenant-controls';
import { TenantKeysTable } from '../../../../../components/admin/tenant-keys-table';
import { TenantSubscriptions, type TenantSubscriptionRow } from '../../../../../components/admin/tenant-subscriptions';
import { Section } from '../../../../../components/admin/usage-panels';
import { TopUsage } from '../../../../../components/overview/top-usage';
import { adminConsole, getAdminTenant } from '../../../../../lib/api/admin-console';
import { adminPolicyHref, tenantPolicyName } from '../../../../../lib/api/policy-endpoints';
import { formatCompact, formatDate, formatInteger, formatUsd } from '../../../../../lib/format';

export async function generateMetadata({ params }: { params: Promise<{ tenantId: string }> }): Promise<Metadata> {
  const { tenantId } = await params;
  const tenant = await getAdminTenant(tenantId);
  return { title: `${tenant.name} · Tenants` };
}

export default async function AdminTenantPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  // The detail first: an unknown tenant is a 404 before the tenant-scoped reads would each fail on it.
  const tenant = await getAdminTenant(tenantId);
  const [subscriptions, keys, summary] = await Promise.all([
    adminConsole.subscriptions({ tenantId: tenant.id, limit: 100 }),
    adminConsole.tenantKeys(tenant.id),
    adminConsole.tenantUsageSummary(tenant.id),
  ]);

  const monthCost = new Map(summary.subscriptions.map((entry) => [entry.subscriptionId, entry.usage.costUsd]));
  const rows: TenantSubscriptionRow[] = subscriptions.items.map((subscription) => ({
    ...subscription,
    monthCostUsd: monthCost.get(subscription.id) ?? (subscription.status === 'APPROVED' ? 0 : null),
  }));
  const pending = subscriptions.items.filter((subscription) => subscription.status === 'PENDING').length;
  const month = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: summary.timeZone }).format(
    new Date(summary.period.from),
  );
  const { totals } = summary;

  return (
    <div className="space-y-10">
      <div>
        <Link
          href="/admin/tenants"
          className={`inline-flex items-center rounded text-sm font-medium text-slate-600 hover:text-slate-950 ${focusRing}`}
        >
          ← All tenants
        </Link>
        <PageHeader
          className="mt-3"
          title={tenant.name}
          actions={
            <Link
              href={adminPolicyHref(tenantPolicyName(tenant.id))}
              className={buttonClasses({ variant: 'secondary', size: 'sm' })}
            >
              Policy document
            </Link>
          }
          description={
            <>
              <span className="mr-2 inline-flex align-middle">
                <Badge tone={tenant.status === 'ACTIVE' ? 'success' : 'danger'}>
                  {tenant.status === 'ACTIVE' ? 'Active' : 'Suspended'}
                </Badge>
              </span>
              Since {formatDate(tenant.createdAt, tenant.timeZone)} · time zone {tenant.timeZone} ·{' '}
              {tenant.owners.length === 0
                ? 'no owner'
                : `${tenant.owners.length === 1 ? 'owner' : 'owners'} ${tenant.owners
                    .map((owner) => `${owner.name} (${owner.email})`)
                    .join(', ')}`}
            </>
          }
        />
      </div>

      <section aria-labelledby="tenant-month" className="space-y-4">
        <h2 id="tenant-month" className="sr-only">
          {month}
        </h2>
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
          <StatCard
            className="col-span-2 lg:col-span-1"
            label="Spend this month"
            value={formatUsd(totals.costUsd)}
            hint={summary.budget ? `${month}, ${summary.timeZone}` : 'No tenant-wide budget'}
          >
            {summary.budget && (
              <QuotaBar
                label="Budget"
                percent={summary.budget.percent}
                usedLabel={formatUsd(summary.budget.used)}
                limitLabel={formatUsd(summary.budget.limit)}
              />
            )}
          </StatCard>
          <StatCard
            label="Requests"
            value={formatInteger(totals.requests)}
            hint={`${formatCompact(totals.inputTokens + totals.outputTokens)} tokens`}
          />
          <StatCard
            label="Subscriptions"
            value={formatInteger(tenant.subscriptionCount)}
            hint={pending > 0 ? `${pending} waiting for approval` : `${summary.subscriptions.length} live`}
          />
          <StatCard
            className="col-span-2 lg:col-span-1"
            label="Members · keys"
            value={`${formatInteger(tenant.memberCount)} · ${formatInteger(tenant.apiKeyCount)}`}
            hint="people · API keys"
          />
        </div>
      </section>

      <Section
        id="controls"
        title="Budget and access"
        description="The tenant-wide budget, and whether its API keys work at all."
      >
        <TenantControls tenant={tenant} />
      </Section>

      <Section
        id="subscriptions"
        title="Subscriptions"
        description="Effective limits (the plan’s, with any override set at approval) and this month’s spend."
        aside={
          pending > 0 ? (
            <Link
              href="/admin/approvals"
              className={`rounded text-sm font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
            >
              {pending} in the approval queue
            </Link>
          ) : undefined
        }
      >
        <TenantSubscriptions tenantName={tenant.name} subscriptions={rows} timeZone={tenant.timeZone} />
      </Section>

      <Section id="spend" title="Where the money goes" description={`Costliest keys and models in ${month}.`}>
        <TopUsage summary={summary} />
      </Section>

      <Section id="keys" title="API keys" description="Newest first. Members rotate and revoke their own keys.">
        <TenantKeysTable
          tenantName={tenant.name}
          keys={keys.items}
          timeZone={tenant.timeZone}
          hasMore={keys.nextCursor !== null}
        />
      </Section>
    </div>
  );
}
