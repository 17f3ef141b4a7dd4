import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Toaster } from 'sonner';
import { getCurrentUser } from '../../lib/session';

// Private pages: nothing here is for search engines, and every render depends on the visitor's session.
export const metadata: Metadata = { robots: { index: false, follow: false } };
export const dynamic = 'force-dynamic';

/** Every signed-in page. Checking the session here sends an expired one to /login before any page renders. */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  await getCurrentUser();
  return (
    <>
      {children}
      <Toaster position="bottom-right" richColors closeButton />
    </>
  );
}
