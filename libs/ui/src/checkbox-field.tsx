import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { cx } from './lib/class-names';
import { focusRing } from './lib/focus-ring';

export interface CheckboxFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> {
  label: ReactNode;
  /** Help shown under the label and announced with the checkbox (`aria-describedby`). */
  hint?: ReactNode;
  error?: string;
}

/**
 * A labelled native checkbox with its hint and error wired for screen readers. The whole label is the click
 * target, which keeps the touch target large on phones.
 */
export function CheckboxField({ label, hint, error, className, ...inputProps }: CheckboxFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cx('flex gap-3', className)}>
      <input
        id={id}
        type="checkbox"
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        className={cx(
          'mt-0.5 size-5 shrink-0 rounded border-slate-300 accent-indigo-600 disabled:cursor-not-allowed',
          focusRing,
        )}
        {...inputProps}
      />
      <div className="min-w-0">
        <label htmlFor={id} className="block text-sm font-medium text-slate-900">
          {label}
        </label>
        {hint && (
          <p id={hintId} className="mt-0.5 text-sm text-slate-600">
            {hint}
          </p>
        )}
        {error && (
          <p id={errorId} className="mt-1 text-sm font-medium text-rose-700">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
