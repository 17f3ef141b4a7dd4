import type { ReactNode } from 'react';
import { CopyButton } from './copy-button';
import { cx } from './lib/class-names';

export interface CodeBlockProps {
  /** Shown in the title bar, such as a file name or `Terminal`. */
  title: string;
  /** The plain source, for the copy button. */
  code: string;
  /** The rendered source; defaults to `code`. Pass pre-highlighted spans here. */
  children?: ReactNode;
  className?: string;
}

/** A dark code panel with a title bar and a copy button. The code scrolls sideways instead of wrapping. */
export function CodeBlock({ title, code, children, className }: CodeBlockProps) {
  return (
    <figure
      className={cx(
        'overflow-hidden rounded-2xl bg-slate-950 shadow-2xl shadow-indigo-950/20 ring-1 ring-white/10',
        className,
      )}
    >
      <figcaption className="flex items-center justify-between gap-4 border-b border-white/10 bg-white/[0.03] py-1.5 pr-2 pl-4">
        <span className="flex items-center gap-3">
          <span aria-hidden="true" className="flex gap-1.5">
            <span className="size-2.5 rounded-full bg-white/15" />
            <span className="size-2.5 rounded-full bg-white/15" />
            <span className="size-2.5 rounded-full bg-white/15" />
          </span>
          <span className="font-mono text-xs text-slate-300">{title}</span>
        </span>
        <CopyButton text={code} label={title} />
      </figcaption>
      {/* tabIndex lets keyboard users scroll long lines; the label names the region it creates. */}
      <pre
        tabIndex={0}
        aria-label={title}
        className="overflow-x-auto p-4 font-mono text-xs leading-6 sm:p-5 sm:text-[13px] text-slate-200 outline-none focus-visible:ring-2 focus-visible:ring-indigo-400 focus-visible:ring-inset"
      >
        <code>{children ?? code}</code>
      </pre>
    </figure>
  );
}
