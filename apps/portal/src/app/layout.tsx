import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import './globals.css';

const description =
  'One gateway for every model and API: self-serve keys, approvals, budgets that hold under any concurrency, and a usage record for every call.';

export const metadata: Metadata = {
  title: {
    default: 'Gatehouse · One gateway for every model and API',
    template: '%s · Gatehouse',
  },
  description,
  applicationName: 'Gatehouse',
  openGraph: {
    type: 'website',
    siteName: 'Gatehouse',
    title: 'Gatehouse · One gateway for every model and API',
    description,
  },
};

export const viewport: Viewport = {
  themeColor: '#ffffff',
  colorScheme: 'light',
};

export default async function RootLayout({ children }: Readonly<{ children: ReactNode }>) {
  // Renders every page per request, so that Next can put the Content-Security-Policy nonce on its scripts
  // (middleware.ts); a page prerendered at build time would carry none and its scripts would be refused.
  await headers();
  return (
    <html lang="en">
      <body className="min-h-dvh bg-white font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
