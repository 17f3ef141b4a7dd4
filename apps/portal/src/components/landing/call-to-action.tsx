import Link from 'next/link';
import { buttonClasses } from '@gatehouse/ui';
import { Icon } from '../icons';

export function CallToAction() {
  return (
    <section aria-labelledby="cta-heading" className="mx-auto max-w-7xl px-4 py-20 sm:px-6 sm:py-24 lg:px-8">
      <div className="relative isolate overflow-hidden rounded-3xl bg-indigo-600 px-6 py-14 shadow-xl shadow-indigo-900/20 sm:px-14 sm:py-16">
        <div
          aria-hidden="true"
          className="absolute -top-24 -right-24 -z-10 size-80 rounded-full bg-linear-to-br from-sky-400/50 to-fuchsia-400/30 blur-3xl"
        />
        <div className="flex flex-col gap-10 lg:flex-row lg:items-center lg:justify-between">
          <div className="max-w-xl">
            <h2 id="cta-heading" className="text-3xl font-semibold tracking-tight text-balance text-white sm:text-4xl">
              Put a gate in front of your models
            </h2>
            <p className="mt-4 text-lg leading-8 text-indigo-100">
              Give your teams keys today and keep every call inside its plan and budget. The whole platform runs on your
              own infrastructure.
            </p>
          </div>
          <div className="flex flex-col gap-3 sm:flex-row lg:shrink-0">
            <Link href="/signup" className={buttonClasses({ variant: 'inverse', size: 'lg' })}>
              Create an account
              <Icon name="arrowRight" className="size-4" />
            </Link>
            <Link
              href="/login"
              className={buttonClasses({
                variant: 'ghost',
                size: 'lg',
                className: 'text-white ring-1 ring-white/40 ring-inset hover:bg-white/10 hover:text-white',
              })}
            >
              Sign in
            </Link>
          </div>
        </div>
      </div>
    </section>
  );
}
