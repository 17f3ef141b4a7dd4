import type { Metadata } from 'next';
import { PageHeader } from '@gatehouse/ui';
import { ChangePasswordForm } from '../../../components/account/change-password-form';
import { SignOutEverywhere } from '../../../components/account/sign-out-everywhere';
import { AppShell } from '../../../components/app/app-shell';
import { getCurrentUser } from '../../../lib/session';

export const metadata: Metadata = { title: 'Your account' };

/** The signed-in user's own settings: password and sessions. Reached from the user menu. */
export default async function AccountPage() {
  const user = await getCurrentUser();
  const first = user.memberships[0];
  const tenant = first ? { id: first.tenantId, name: first.tenantName, role: first.role } : null;
  return (
    <AppShell user={user} tenant={tenant}>
      <PageHeader title="Your account" description={`Signed in as ${user.email}.`} />
      <div className="mt-8 grid max-w-2xl gap-6">
        <ChangePasswordForm />
        <SignOutEverywhere />
      </div>
    </AppShell>
  );
}
