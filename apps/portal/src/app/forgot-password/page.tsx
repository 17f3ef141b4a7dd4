import type { Metadata } from 'next';
import Link from 'next/link';
import { focusRing } from '@gatehouse/ui';
import { AuthShell } from '../../components/auth/auth-shell';
import { ForgotPasswordForm } from '../../components/auth/forgot-password-form';

export const metadata: Metadata = {
  title: 'Reset your password',
  robots: { index: false, follow: false },
};

export default function ForgotPasswordPage() {
  return (
    <AuthShell
      title="Reset your password"
      lead="Enter the email you sign in with. We send a link to choose a new password."
      footer={
        <>
          Remembered it?{' '}
          <Link href="/login" className={`rounded font-semibold text-indigo-700 hover:text-indigo-600 ${focusRing}`}>
            Sign in
          </Link>
        </>
      }
    >
      <ForgotPasswordForm />
    </AuthShell>
  );
}
