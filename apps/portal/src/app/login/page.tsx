import type { Metadata } from 'next';
import Link from 'next/link';
import { focusRing } from '@gatehouse/ui';
import { AuthForm } from '../../components/auth/auth-form';
import { AuthShell } from '../../components/auth/auth-shell';
import { ssoOffer } from '../../components/auth/sso-config';
import { ssoErrorMessage, SsoSignIn } from '../../components/auth/sso-sign-in';

export const metadata: Metadata = {
  title: 'Sign in',
  description: 'Sign in to Gatehouse to manage your API keys, subscriptions and usage.',
};

// Whether SSO is on is admin-api's runtime configuration: read per request, not frozen into the build.
export const dynamic = 'force-dynamic';

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [offer, query] = await Promise.all([ssoOffer(), searchParams]);
  return (
    <AuthShell
      title="Sign in"
      lead="Welcome back. Sign in with the email you registered with."
      footer={
        <>
          New to Gatehouse?{' '}
          <Link href="/signup" className={`rounded font-semibold text-indigo-700 hover:text-indigo-600 ${focusRing}`}>
            Create an account
          </Link>
        </>
      }
    >
      <SsoSignIn offer={offer} mode="login" error={ssoErrorMessage(query.sso_error)} />
      <AuthForm mode="login" />
    </AuthShell>
  );
}
