import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import { cx } from './lib/class-names';

export interface TableProps extends HTMLAttributes<HTMLTableElement> {
  /** Names the table for screen readers; shown only to them unless `showCaption`. */
  caption: string;
  showCaption?: boolean;
  children: ReactNode;
}

/**
 * A data table in a card. On narrow screens it scrolls sideways inside the card rather than squeezing columns;
 * the scroll area is focusable (and named by the caption) so keyboard users can scroll it too. It is `relative` so
 * that visually hidden text in cells (absolutely positioned) is clipped with the table instead of widening the page.
 */
export function Table({ caption, showCaption = false, className, children, ...rest }: TableProps) {
  return (
    <div
      role="region"
      aria-label={caption}
      tabIndex={0}
      className="relative overflow-x-auto rounded-2xl border border-slate-200 bg-white outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
    >
      <table className={cx('min-w-full border-collapse text-left text-sm', className)} {...rest}>
        <caption className={cx(showCaption ? 'px-4 py-3 text-left text-sm font-semibold text-slate-900' : 'sr-only')}>
          {caption}
        </caption>
        {children}
      </table>
    </div>
  );
}

export function TableHead({ className, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cx('border-b border-slate-200 bg-slate-50/70', className)} {...rest} />;
}

export function TableBody({ className, ...rest }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cx('divide-y divide-slate-100', className)} {...rest} />;
}

export function TableRow({ className, ...rest }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={cx('transition-colors hover:bg-slate-50/60', className)} {...rest} />;
}

export function TableHeaderCell({ className, scope = 'col', ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope={scope}
      className={cx(
        'px-4 py-2.5 text-xs font-semibold tracking-wide whitespace-nowrap text-slate-500 uppercase',
        className,
      )}
      {...rest}
    />
  );
}

export function TableCell({ className, ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cx('px-4 py-3 align-middle text-slate-700', className)} {...rest} />;
}
