import type { Metadata } from 'next';
import Link from 'next/link';
import { focusRing } from '@gatehouse/ui';
import { AuthForm } from '../../components/auth/auth-form';
import { AuthShell } from '../../components/auth/auth-shell';
import { ssoOffer } from '../../components/auth/sso-config';
import { ssoErrorMessage, SsoSignIn } from '../../components/auth/sso-sign-in';

export const metadata: Metadata = {
  title: 'Create an account',
  description: 'Create a Gatehouse account and a workspace for your team.',
};

// Whether SSO is on is admin-api's runtime configuration: read per request, not frozen into the build.
export const dynamic = 'force-dynamic';

export default async function SignupPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [offer, query] = await Promise.all([ssoOffer(), searchParams]);
  return (
    <AuthShell
      title="Create your account"
      lead="Set up a workspace for your team, then request access to models and create keys."
      footer={
        <>
          Already have an account?{' '}
          <Link href="/login" className={`rounded font-semibold text-indigo-700 hover:text-indigo-600 ${focusRing}`}>
            Sign in
          </Link>
        </>
      }
    >
      <SsoSignIn offer={offer} mode="signup" error={ssoErrorMessage(query.sso_error)} />
      <AuthForm mode="signup" />
    </AuthShell>
  );
}
