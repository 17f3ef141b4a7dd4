import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { buttonClasses, EmptyState } from '@gatehouse/ui';
import { AppShell } from '../../../components/app/app-shell';
import { Icon } from '../../../components/icons';
import { getCurrentUser } from '../../../lib/session';

export const metadata: Metadata = { title: 'Your workspaces' };

/** Where sign-in lands when there is no better place: the first workspace, or an explanation when there is none. */
export default async function WorkspacesPage() {
  const user = await getCurrentUser();
  const first = user.memberships[0];
  if (first) redirect(`/t/${encodeURIComponent(first.tenantId)}`);

  return (
    <AppShell user={user} tenant={null}>
      <EmptyState
        className="mt-8"
        icon={<Icon name="users" className="size-6" />}
        title="You are not in a workspace yet"
        description="Workspaces hold your team's keys, subscriptions and usage. Ask an owner of your team's workspace to invite you, then open the invitation link they send."
        actions={
          user.isPlatformAdmin ? (
            <Link href="/admin" className={buttonClasses()}>
              Open the admin console
            </Link>
          ) : undefined
        }
      />
    </AppShell>
  );
}
