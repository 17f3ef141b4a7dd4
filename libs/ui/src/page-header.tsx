import type { ReactNode } from 'react';
import { cx } from './lib/class-names';

export interface PageHeaderProps {
  title: string;
  description?: ReactNode;
  /** Buttons on the right, such as "Create key"; they wrap under the title on phones. */
  actions?: ReactNode;
  className?: string;
}

/** The title block of an app page: its one `h1`, a sentence on what the page is for, and its main actions. */
export function PageHeader({ title, description, actions, className }: PageHeaderProps) {
  return (
    <div className={cx('flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between', className)}>
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-950">{title}</h1>
        {description && <div className="mt-1.5 max-w-2xl text-sm leading-6 text-slate-600">{description}</div>}
      </div>
      {actions && <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}
