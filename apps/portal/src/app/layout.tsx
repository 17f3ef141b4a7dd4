import type { Metadata, Viewport } from 'next';
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

export default function RootLayout({ children }: Readonly<{ children: ReactNode }>) {
  return (
    <html lang="en">
      <body className="min-h-dvh bg-white font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
