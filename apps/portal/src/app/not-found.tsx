import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClasses } from '@gatehouse/ui';
import { SiteFooter } from '../components/site-footer';
import { SiteHeader } from '../components/site-header';
import { SkipLink } from '../components/skip-link';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <>
      <SkipLink />
      <SiteHeader />
      <main id="main" className="mx-auto flex max-w-2xl flex-col items-center px-4 py-32 text-center">
        <p className="font-mono text-sm font-semibold text-indigo-600">404</p>
        <h1 className="mt-3 text-4xl font-semibold tracking-tight text-slate-950">This page does not exist</h1>
        <p className="mt-4 text-lg leading-8 text-slate-600">Check the address, or start again from the home page.</p>
        <Link href="/" className={`mt-10 ${buttonClasses()}`}>
          Back to the home page
        </Link>
      </main>
      <SiteFooter />
    </>
  );
}
