import Link from 'next/link';
import type { ReactNode } from 'react';
import { focusRing, Logo } from '@gatehouse/ui';
import { Icon } from '../icons';
import { SkipLink } from '../skip-link';

const promises = [
  'Request access to models and APIs from one catalog',
  'Create keys your code can use with the official SDKs',
  'See every call, its tokens and its cost',
];

interface AuthShellProps {
  title: string;
  lead: string;
  /** The line under the form, such as a link to the other auth page. */
  footer: ReactNode;
  children: ReactNode;
}

/** The frame of the sign-in and sign-up pages: the form on the left, what Gatehouse gives you on the right. */
export function AuthShell({ title, lead, footer, children }: AuthShellProps) {
  return (
    <>
      <SkipLink />
      <div className="grid min-h-dvh lg:grid-cols-[1fr_minmax(0,36rem)]">
        <div className="flex flex-col px-4 py-6 sm:px-6 lg:px-12">
          <header>
            <Link href="/" aria-label="Gatehouse home" className={`inline-flex rounded-lg ${focusRing}`}>
              <Logo />
            </Link>
          </header>
          <main id="main" className="flex flex-1 items-center justify-center py-12">
            <div className="w-full max-w-sm">
              <h1 className="text-3xl font-semibold tracking-tight text-slate-950">{title}</h1>
              <p className="mt-2 text-[15px] leading-7 text-slate-600">{lead}</p>
              <div className="mt-8">{children}</div>
              <p className="mt-8 text-center text-sm text-slate-600">{footer}</p>
            </div>
          </main>
          <footer className="text-sm text-slate-500">
            <Link href="/" className={`rounded hover:text-slate-900 ${focusRing}`}>
              ← Back to Gatehouse
            </Link>
          </footer>
        </div>
        <aside
          aria-label="What you get"
          className="relative isolate hidden overflow-hidden bg-slate-950 px-12 py-16 lg:flex lg:flex-col lg:justify-center"
        >
          <div
            aria-hidden="true"
            className="absolute -top-32 -right-32 -z-10 size-[28rem] rounded-full bg-indigo-600/40 blur-3xl"
          />
          <div
            aria-hidden="true"
            className="absolute -bottom-40 -left-24 -z-10 size-[24rem] rounded-full bg-sky-500/20 blur-3xl"
          />
          <p className="text-sm font-semibold text-indigo-300">Gatehouse</p>
          <p className="mt-4 text-3xl font-semibold tracking-tight text-balance text-white">
            One gateway for every model and API
          </p>
          <ul className="mt-10 space-y-5">
            {promises.map((promise) => (
              <li key={promise} className="flex gap-3.5 text-[15px] leading-6 text-slate-300">
                <span className="flex size-6 shrink-0 items-center justify-center rounded-full bg-indigo-500/20 text-indigo-300 ring-1 ring-indigo-400/30">
                  <Icon name="check" className="size-3.5" strokeWidth={2.5} />
                </span>
                {promise}
              </li>
            ))}
          </ul>
          <figure className="mt-14 rounded-2xl bg-white/5 p-5 ring-1 ring-white/10">
            <div className="flex items-center justify-between gap-4">
              <div className="min-w-0">
                <p className="text-sm font-semibold text-white">production-backend</p>
                <p className="mt-0.5 truncate font-mono text-xs text-slate-400">gh_live_7Qx••••••••••••3fQ</p>
              </div>
              <span className="inline-flex items-center gap-1.5 rounded-full bg-emerald-400/10 px-2.5 py-0.5 text-xs font-medium text-emerald-300 ring-1 ring-emerald-400/25 ring-inset">
                <span aria-hidden="true" className="size-1.5 rounded-full bg-emerald-400" />
                Active
              </span>
            </div>
            <dl className="mt-5 grid grid-cols-3 gap-4 border-t border-white/10 pt-5 text-xs">
              <div>
                <dt className="text-slate-400">Plan</dt>
                <dd className="mt-1 font-medium text-slate-100">demo-pro</dd>
              </div>
              <div>
                <dt className="text-slate-400">Calls today</dt>
                <dd className="mt-1 font-medium text-slate-100">12,480</dd>
              </div>
              <div>
                <dt className="text-slate-400">Budget</dt>
                <dd className="mt-1 font-medium text-slate-100">$92 of $250</dd>
              </div>
            </dl>
            <div aria-hidden="true" className="mt-4 h-1.5 overflow-hidden rounded-full bg-white/10">
              <div className="h-full w-[37%] rounded-full bg-linear-to-r from-indigo-400 to-sky-400" />
            </div>
            <figcaption className="sr-only">An example API key as the portal shows it.</figcaption>
          </figure>
        </aside>
      </div>
    </>
  );
}
