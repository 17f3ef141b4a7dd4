import { useId, type ReactNode, type TextareaHTMLAttributes } from 'react';
import { cx } from './lib/class-names';

export interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  label: string;
  /** Help shown under the text area and announced with it (`aria-describedby`). */
  hint?: ReactNode;
  /** A validation message; marks the text area invalid and is announced with it. */
  error?: string;
  /** Something to show at the right of the label row, such as "Optional" or a character count. */
  labelAside?: ReactNode;
}

/** A labelled multi-line text input, styled and wired for screen readers like TextField. */
export function TextAreaField({
  label,
  hint,
  error,
  labelAside,
  className,
  rows = 4,
  ...areaProps
}: TextAreaFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;

  return (
    <div className={className}>
      <div className="flex items-baseline justify-between gap-4">
        <label htmlFor={id} className="block text-sm font-medium text-slate-900">
          {label}
        </label>
        {labelAside}
      </div>
      <textarea
        id={id}
        rows={rows}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        className={cx(
          'mt-1.5 block w-full resize-y rounded-lg border bg-white px-3.5 py-2.5 text-base leading-6 text-slate-950 shadow-xs sm:text-sm',
          'placeholder:text-slate-400 transition-colors outline-none',
          'focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20',
          'disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500',
          error ? 'border-rose-400' : 'border-slate-300 hover:border-slate-400',
        )}
        {...areaProps}
      />
      {hint && (
        <p id={hintId} className="mt-1.5 text-sm text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="mt-1.5 text-sm font-medium text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
