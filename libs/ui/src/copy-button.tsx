'use client';

import { useEffect, useState } from 'react';
import { cx } from './lib/class-names';

export interface CopyButtonProps {
  text: string;
  /** What is copied, for the accessible name: "Copy {label}". */
  label?: string;
  /** `dark` for code panels (the default), `light` for white surfaces such as a dialog. */
  tone?: 'dark' | 'light';
  className?: string;
}

const toneClasses = {
  dark: 'text-slate-300 hover:bg-white/10 hover:text-white',
  light: 'bg-white text-slate-700 shadow-xs ring-1 ring-inset ring-slate-300 hover:bg-slate-50 hover:text-slate-950',
} as const;

/** Copies `text` to the clipboard and confirms it, visibly and to screen readers. */
export function CopyButton({ text, label = 'code', tone = 'dark', className }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // The clipboard is unavailable outside secure contexts (plain http on a non-localhost host).
      setState('failed');
    }
  };

  return (
    <button
      type="button"
      onClick={() => void copy()}
      className={cx(
        'inline-flex h-8 shrink-0 items-center gap-1.5 rounded-md px-2.5 text-xs font-medium transition-colors',
        toneClasses[tone],
        'outline-none focus-visible:ring-2 focus-visible:ring-indigo-400',
        className,
      )}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
        className="size-3.5"
      >
        {state === 'copied' ? (
          <path d="m5 12.5 4.5 4.5L19 7.5" />
        ) : (
          <>
            <rect x="8.5" y="8.5" width="11" height="11" rx="2" />
            <path d="M15.5 8.5V6a1.5 1.5 0 0 0-1.5-1.5H6A1.5 1.5 0 0 0 4.5 6v8A1.5 1.5 0 0 0 6 15.5h2.5" />
          </>
        )}
      </svg>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}</span>
      <span className="sr-only"> {label}</span>
    </button>
  );
}
