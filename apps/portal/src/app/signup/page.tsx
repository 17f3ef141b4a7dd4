import type { Metadata } from 'next';
import Link from 'next/link';
import { focusRing } from '@gatehouse/ui';
import { AuthForm } from '../../components/auth/auth-form';
import { AuthShell } from '../../components/auth/auth-shell';

export const metadata: Metadata = {
  title: 'Create an account',
  description: 'Create a Gatehouse account and a workspace for your team.',
};

export default function SignupPage() {
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
      <AuthForm mode="signup" />
    </AuthShell>
  );
}
