import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, focusRing, PageHeader } from '@gatehouse/ui';
import { Icon } from '../../../components/icons';
import { adminNavigation } from '../../../lib/navigation';

export const metadata: Metadata = { title: 'Admin' };

const blurbs: Record<string, string> = {
  '/admin/approvals': 'Approve or reject access requests, with limit overrides and an expiry.',
  '/admin/tenants': 'Create workspaces, name their owners and set their monthly budgets.',
  '/admin/usage': 'Follow spend across tenants and models, and the tenants near their budget.',
};

export default function AdminOverviewPage() {
  return (
    <div className="space-y-8">
      <PageHeader
        title="Admin console"
        description="Run the platform: decide who gets access to what, and keep an eye on what it costs."
      />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {adminNavigation
          .filter((item) => !item.exact)
          .map((item) => (
            <li key={item.href}>
              <Card className="relative h-full p-5 transition-shadow hover:shadow-md">
                <Icon name={item.icon} className="size-6 text-indigo-600" />
                <h2 className="mt-4 text-base font-semibold text-slate-950">
                  <Link href={item.href} className={`rounded after:absolute after:inset-0 ${focusRing}`}>
                    {item.label}
                  </Link>
                </h2>
                <p className="mt-1 text-sm leading-6 text-slate-600">{blurbs[item.href]}</p>
              </Card>
            </li>
          ))}
      </ul>
    </div>
  );
}
