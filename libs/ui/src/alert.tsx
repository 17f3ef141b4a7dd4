import type { ReactNode } from 'react';
import { cx } from './lib/class-names';

export type AlertTone = 'info' | 'success' | 'warning' | 'danger';

const toneClasses: Record<AlertTone, { box: string; icon: string; path: string }> = {
  info: {
    box: 'border-indigo-200 bg-indigo-50 text-indigo-950',
    icon: 'text-indigo-600',
    path: 'M12 8h.01M11 12h1v5h1',
  },
  success: {
    box: 'border-emerald-200 bg-emerald-50 text-emerald-950',
    icon: 'text-emerald-600',
    path: 'm8 12.5 2.5 2.5L16 9.5',
  },
  warning: {
    box: 'border-amber-200 bg-amber-50 text-amber-950',
    icon: 'text-amber-600',
    path: 'M12 7.5v5.5M12 16.5h.01',
  },
  danger: {
    box: 'border-rose-200 bg-rose-50 text-rose-950',
    icon: 'text-rose-600',
    path: 'M12 7.5v5.5M12 16.5h.01',
  },
};

export interface AlertProps {
  tone?: AlertTone;
  title: string;
  children?: ReactNode;
  className?: string;
}

/**
 * An inline message. Danger alerts use `role="alert"` so they interrupt the screen reader (something failed);
 * the others use `role="status"`, which is announced politely.
 */
export function Alert({ tone = 'info', title, children, className }: AlertProps) {
  const styles = toneClasses[tone];
  return (
    <div
      role={tone === 'danger' ? 'alert' : 'status'}
      className={cx('flex gap-3 rounded-xl border p-4 text-sm', styles.box, className)}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        className={cx('mt-px size-5 shrink-0', styles.icon)}
      >
        <circle cx="12" cy="12" r="9.25" />
        <path d={styles.path} />
      </svg>
      <div className="min-w-0">
        <p className="font-semibold">{title}</p>
        {children && <div className="mt-1 leading-6 opacity-90">{children}</div>}
      </div>
    </div>
  );
}
