import type { Metadata } from 'next';
import Link from 'next/link';
import { focusRing } from '@gatehouse/ui';
import { AuthForm } from '../../components/auth/auth-form';
import { AuthShell } from '../../components/auth/auth-shell';

export const metadata: Metadata = {
  title: 'Sign in',
  description: 'Sign in to Gatehouse to manage your API keys, subscriptions and usage.',
};

export default function LoginPage() {
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
      <AuthForm mode="login" />
    </AuthShell>
  );
}
