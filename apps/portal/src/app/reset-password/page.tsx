import type { Metadata } from 'next';
import Link from 'next/link';
import { focusRing } from '@gatehouse/ui';
import { AuthShell } from '../../components/auth/auth-shell';
import { ResetPasswordForm } from '../../components/auth/reset-password-form';

export const metadata: Metadata = {
  title: 'Choose a new password',
  robots: { index: false, follow: false },
};

/** Where a reset link leads (`/reset-password#token=…`); only the browser reads the token, from the fragment. */
export default function ResetPasswordPage() {
  return (
    <AuthShell
      title="Choose a new password"
      lead="Setting it signs your account out everywhere; then sign in with the new one."
      footer={
        <>
          Link not working?{' '}
          <Link
            href="/forgot-password"
            className={`rounded font-semibold text-indigo-700 hover:text-indigo-600 ${focusRing}`}
          >
            Send a new one
          </Link>
        </>
      }
    >
      <ResetPasswordForm />
    </AuthShell>
  );
}
