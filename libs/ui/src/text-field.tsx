import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { cx } from './lib/class-names';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  /** Help shown under the input and announced with it (`aria-describedby`). */
  hint?: ReactNode;
  /** A validation message; marks the input invalid and is announced with it. */
  error?: string;
  /** Something to show at the right of the label row, such as a "Forgot password?" link. */
  labelAside?: ReactNode;
}

/** A labelled text input whose hint and error are wired to it for screen readers. */
export function TextField({ label, hint, error, labelAside, className, ...inputProps }: TextFieldProps) {
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
      <input
        id={id}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        className={cx(
          'mt-1.5 block h-11 w-full rounded-lg border bg-white px-3.5 text-base text-slate-950 shadow-xs sm:text-sm',
          'placeholder:text-slate-400 transition-colors outline-none',
          'focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20',
          'disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500',
          error ? 'border-rose-400' : 'border-slate-300 hover:border-slate-400',
        )}
        {...inputProps}
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
