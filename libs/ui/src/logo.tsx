import type { SVGProps } from 'react';
import { cx } from './lib/class-names';

/** The Gatehouse mark: an arched gate with a key slot. Decorative; pair it with the name or an `aria-label`. */
export function LogoMark({ className, ...rest }: SVGProps<SVGSVGElement>) {
  return (
    <svg viewBox="0 0 32 32" fill="none" aria-hidden="true" className={cx('size-8', className)} {...rest}>
      <rect width="32" height="32" rx="8" className="fill-indigo-600" />
      <path d="M8 25V14a8 8 0 0 1 16 0v11" stroke="white" strokeWidth="2.5" strokeLinecap="round" />
      <path d="M12.5 25v-9.5a3.5 3.5 0 0 1 7 0V25" stroke="white" strokeOpacity="0.55" strokeWidth="2" />
      <circle cx="16" cy="18.5" r="1.6" fill="white" />
    </svg>
  );
}

export interface LogoProps {
  className?: string;
  /** `light` for dark backgrounds. */
  tone?: 'dark' | 'light';
}

export function Logo({ className, tone = 'dark' }: LogoProps) {
  return (
    <span className={cx('inline-flex items-center gap-2.5', className)}>
      <LogoMark />
      <span className={cx('text-lg font-semibold tracking-tight', tone === 'dark' ? 'text-slate-950' : 'text-white')}>
        Gatehouse
      </span>
    </span>
  );
}
