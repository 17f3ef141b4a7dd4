import type { AuthUser } from '@gatehouse/contracts';
import type { Metadata } from 'next';
import { AuthShell } from '../../../components/auth/auth-shell';
import { AcceptInvitation } from '../../../components/members/accept-invitation';
import { signedInUserOrNull } from '../../../lib/api/tenant-team';

export const metadata: Metadata = {
  title: 'Accept an invitation',
  robots: { index: false, follow: false },
};
// Who is signed in decides what the page offers, so it is rendered for each visit.
export const dynamic = 'force-dynamic';

/**
 * Where an invitation link leads (`/invitations/accept#token=…`). Open to signed-out visitors too, unlike the
 * signed-in app: they are asked to sign in or sign up and are brought back here, so the middleware does not guard
 * this path. The token never reaches this server code; only the browser reads it, from the fragment.
 */
export default async function AcceptInvitationPage() {
  let user: AuthUser | null = null;
  let unreachable = false;
  try {
    user = await signedInUserOrNull();
  } catch {
    unreachable = true;
  }

  return (
    <AuthShell
      title="Join a workspace"
      lead="A workspace owner invited you to their team in Gatehouse. Accept to see its keys, subscriptions and usage."
      footer={<>A link that does not work may have expired or been replaced: ask the owner to invite you again.</>}
    >
      <AcceptInvitation user={user ? { name: user.name, email: user.email } : null} unreachable={unreachable} />
    </AuthShell>
  );
}
