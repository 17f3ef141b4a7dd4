import type { ReactNode } from 'react';
import { cx } from './lib/class-names';

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  /** A decorative icon (an `aria-hidden` svg). */
  icon?: ReactNode;
  /** Calls to action, such as a button that creates the first item. */
  actions?: ReactNode;
  children?: ReactNode;
  /** The heading level that fits the page outline; `h2` under a page title. */
  headingLevel?: 'h2' | 'h3';
  className?: string;
}

/** What a list or page shows when it has nothing yet: what the thing is, and the next step to take. */
export function EmptyState({
  title,
  description,
  icon,
  actions,
  children,
  headingLevel = 'h2',
  className,
}: EmptyStateProps) {
  const Heading = headingLevel;
  return (
    <div
      className={cx(
        'flex flex-col items-center rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center',
        className,
      )}
    >
      {icon && (
        <div className="mb-4 flex size-12 items-center justify-center rounded-xl bg-indigo-50 text-indigo-600 ring-1 ring-indigo-100">
          {icon}
        </div>
      )}
      <Heading className="text-base font-semibold text-slate-950">{title}</Heading>
      {description && <div className="mt-1.5 max-w-md text-sm leading-6 text-slate-600">{description}</div>}
      {actions && <div className="mt-6 flex flex-wrap items-center justify-center gap-3">{actions}</div>}
      {children}
    </div>
  );
}
