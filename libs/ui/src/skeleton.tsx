import { cx } from './lib/class-names';

/**
 * A grey placeholder block while content loads. Hidden from screen readers: the loading region around it
 * announces "Loading" once instead of a list of empty shapes.
 */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cx('animate-pulse rounded-lg bg-slate-200/70', className)} />;
}
