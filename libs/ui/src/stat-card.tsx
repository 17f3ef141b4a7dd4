import type { ReactNode } from 'react';
import { cx } from './lib/class-names';

export interface StatCardProps {
  label: string;
  value: ReactNode;
  /** A line under the value, such as "of $250 budget" or the period it covers. */
  hint?: ReactNode;
  /** Extra content at the bottom, such as a quota bar. */
  children?: ReactNode;
  className?: string;
}

/** One headline number with its label. The label is a term and the value its description, for screen readers. */
export function StatCard({ label, value, hint, children, className }: StatCardProps) {
  return (
    <div className={cx('flex flex-col rounded-2xl border border-slate-200 bg-white p-5', className)}>
      <dl>
        <dt className="text-sm font-medium text-slate-600">{label}</dt>
        <dd className="mt-2 text-2xl font-semibold tracking-tight text-slate-950 tabular-nums">{value}</dd>
        {hint && <dd className="mt-1 text-sm text-slate-500">{hint}</dd>}
      </dl>
      {children && <div className="mt-auto pt-4">{children}</div>}
    </div>
  );
}
