import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClasses, Card, cx, focusRing, PageHeader } from '@gatehouse/ui';
import { BudgetBurn, Section, TopTenants } from '../../../components/admin/usage-panels';
import { Icon, type IconName } from '../../../components/icons';
import { adminConsole, MAX_PAGE } from '../../../lib/api/admin-console';
import { formatDateTime, formatInteger, formatRelative, formatUsd } from '../../../lib/format';

export const metadata: Metadata = { title: 'Admin' };

// How many of the oldest waiting requests the landing page previews; the queue has the rest.
const PREVIEW = 3;

function countLabel(count: number, more: boolean): string {
  return `${formatInteger(count)}${more ? '+' : ''}`;
}

export default async function AdminOverviewPage() {
  const [queue, tenants, summary] = await Promise.all([
    adminConsole.pendingSubscriptions(),
    adminConsole.tenants({ limit: MAX_PAGE }),
    adminConsole.usageSummary(),
  ]);

  const pending = queue.items.length;
  const month = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(summary.period.from),
  );
  const now = Date.now();

  return (
    <div className="space-y-10">
      <PageHeader
        title="Admin console"
        description="Run the platform: decide who gets access to what, and keep an eye on what it costs."
      />

      <section aria-labelledby="at-a-glance">
        <h2 id="at-a-glance" className="sr-only">
          At a glance
        </h2>
        <ul className="grid gap-3 sm:grid-cols-3 sm:gap-4">
          <Tile
            href="/admin/approvals"
            icon="approval"
            label="Pending requests"
            value={countLabel(pending, queue.nextCursor !== null)}
            hint={pending === 0 ? 'Nothing waiting' : 'Waiting for a decision'}
            highlight={pending > 0}
          />
          <Tile
            href="/admin/tenants"
            icon="server"
            label="Tenants"
            value={countLabel(tenants.items.length, tenants.nextCursor !== null)}
            hint="Workspaces on the platform"
          />
          <Tile
            href="/admin/usage"
            icon="gauge"
            label="Spend this month"
            value={formatUsd(summary.totals.costUsd)}
            hint={`${month}, ${formatInteger(summary.totals.requests)} calls`}
          />
        </ul>
      </section>

      <Section
        id="waiting"
        title="Waiting longest"
        aside={
          pending > 0 ? (
            <Link
              href="/admin/approvals"
              className={`rounded text-sm font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
            >
              Open the queue
            </Link>
          ) : undefined
        }
      >
        {pending === 0 ? (
          <Card className="flex items-center gap-3 p-5 text-sm text-slate-600">
            <Icon name="check" className="size-5 shrink-0 text-emerald-600" />
            No requests waiting. New requests for plans that need approval will show up here.
          </Card>
        ) : (
          <Card className="divide-y divide-slate-100">
            <ul className="divide-y divide-slate-100">
              {queue.items.slice(0, PREVIEW).map((request) => (
                <li key={request.id} className="flex flex-col gap-1 p-4 sm:flex-row sm:items-center sm:justify-between">
                  <p className="min-w-0 text-sm text-slate-700">
                    <span className="font-medium text-slate-950">{request.tenantName}</span> asks for{' '}
                    <span className="font-medium text-slate-950">{request.productName}</span>{' '}
                    <span className="text-slate-500">(plan {request.planName})</span>
                  </p>
                  <time
                    dateTime={request.createdAt}
                    title={`${formatDateTime(request.createdAt, 'UTC')} UTC`}
                    className="shrink-0 text-sm text-slate-500"
                  >
                    {formatRelative(request.createdAt, now)}
                  </time>
                </li>
              ))}
            </ul>
            <div className="p-4">
              <Link href="/admin/approvals" className={buttonClasses({ size: 'sm' })}>
                Review {pending === 1 ? 'the request' : `${countLabel(pending, queue.nextCursor !== null)} requests`}
              </Link>
            </div>
          </Card>
        )}
      </Section>

      <Section
        id="near-budget"
        title="Near their budget"
        description="Tenants at 80 % or more of their monthly budget."
        aside={
          <Link
            href="/admin/usage"
            className={`rounded text-sm font-medium text-indigo-700 hover:text-indigo-600 ${focusRing}`}
          >
            Cost dashboard
          </Link>
        }
      >
        <BudgetBurn summary={summary} limit={4} />
      </Section>

      <Section id="top-tenants" title="Top spenders" description={`The costliest tenants in ${month}.`}>
        <TopTenants summary={summary} limit={5} />
      </Section>
    </div>
  );
}

function Tile({
  href,
  icon,
  label,
  value,
  hint,
  highlight = false,
}: {
  href: string;
  icon: IconName;
  label: string;
  value: string;
  hint: ReactNode;
  highlight?: boolean;
}) {
  return (
    <li>
      <Card className={cx('relative h-full p-5 transition-shadow hover:shadow-md', highlight && 'border-amber-300')}>
        <div className="flex items-center justify-between gap-3">
          <h3 className="text-sm font-medium text-slate-600">
            <Link href={href} className={`rounded after:absolute after:inset-0 ${focusRing}`}>
              {label}
            </Link>
          </h3>
          <Icon name={icon} className={cx('size-5', highlight ? 'text-amber-600' : 'text-indigo-600')} />
        </div>
        <p className="mt-2 text-2xl font-semibold tracking-tight text-slate-950 tabular-nums">{value}</p>
        <p className="mt-1 text-sm text-slate-500">{hint}</p>
      </Card>
    </li>
  );
}
