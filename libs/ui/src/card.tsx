import type { HTMLAttributes } from 'react';
import { cx } from './lib/class-names';

export interface CardProps extends HTMLAttributes<HTMLDivElement> {
  /** `raised` adds a shadow for cards that float over a tinted background. */
  elevation?: 'flat' | 'raised';
}

export function Card({ elevation = 'flat', className, ...rest }: CardProps) {
  return (
    <div
      className={cx(
        'rounded-2xl border border-slate-200 bg-white',
        elevation === 'raised' && 'shadow-lg shadow-slate-900/5',
        className,
      )}
      {...rest}
    />
  );
}
