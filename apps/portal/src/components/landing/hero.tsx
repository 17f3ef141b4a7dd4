import Link from 'next/link';
import { Badge, buttonClasses } from '@gatehouse/ui';
import { Icon } from '../icons';
import { RequestTrace } from './request-trace';

const assurances = ['OpenAI- and Anthropic-compatible', 'Works with the official SDKs', 'Self-hosted, Apache-2.0'];

export function Hero() {
  return (
    <section aria-labelledby="hero-heading" className="relative isolate overflow-hidden">
      <div
        aria-hidden="true"
        className="absolute inset-0 -z-10 bg-[linear-gradient(to_right,var(--color-slate-200)_1px,transparent_1px),linear-gradient(to_bottom,var(--color-slate-200)_1px,transparent_1px)] [mask-image:radial-gradient(ellipse_70%_60%_at_50%_0%,black,transparent)] bg-[size:48px_48px] opacity-70"
      />
      <div
        aria-hidden="true"
        className="absolute top-[-12rem] left-1/2 -z-10 h-[32rem] w-[64rem] -translate-x-1/2 rounded-full bg-linear-to-b from-indigo-100 to-transparent opacity-70 blur-3xl"
      />
      <div className="mx-auto grid max-w-7xl items-center gap-14 px-4 pt-16 pb-20 sm:px-6 sm:pt-24 lg:grid-cols-[1.05fr_1fr] lg:gap-16 lg:px-8 lg:pt-28 lg:pb-28">
        <div>
          <Badge tone="brand">
            <span aria-hidden="true" className="size-1.5 rounded-full bg-indigo-500" />
            Open-source AI gateway
          </Badge>
          <h1
            id="hero-heading"
            className="mt-6 text-4xl font-semibold tracking-tight text-balance text-slate-950 sm:text-5xl lg:text-6xl"
          >
            One gateway for every model and API
          </h1>
          <p className="mt-6 max-w-xl text-lg leading-8 text-pretty text-slate-600">
            Self-serve keys, approvals, budgets that hold under any concurrency, and a usage record for every call. Your
            teams ship faster; you keep control of access and spend.
          </p>
          <div className="mt-9 flex flex-col gap-3 sm:flex-row">
            <Link href="/signup" className={buttonClasses({ size: 'lg' })}>
              Create an account
              <Icon name="arrowRight" className="size-4" />
            </Link>
            <a href="#quick-start" className={buttonClasses({ variant: 'secondary', size: 'lg' })}>
              Read the quick start
            </a>
          </div>
          <ul className="mt-9 flex flex-col gap-x-6 gap-y-2.5 text-sm text-slate-600 sm:flex-row sm:flex-wrap">
            {assurances.map((assurance) => (
              <li key={assurance} className="flex items-center gap-2">
                <Icon name="check" className="size-4 text-indigo-600" strokeWidth={2.25} />
                {assurance}
              </li>
            ))}
          </ul>
        </div>
        <RequestTrace />
      </div>
    </section>
  );
}
