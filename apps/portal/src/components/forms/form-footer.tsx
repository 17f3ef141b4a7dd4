import type { ReactNode } from 'react';
import { Button } from '@gatehouse/ui';

/**
 * The cancel and submit row under a portal form or dialog. Cancel comes first (the safe choice); both are held
 * while the request runs, and the submit button says what is happening. Without `onCancel` there is only submit.
 */
export function FormFooter({
  submitting,
  label,
  busyLabel,
  onCancel,
  onConfirm,
  variant = 'primary',
  aside,
  inDialogFooter = false,
  autoFocus,
}: {
  submitting: boolean;
  label: ReactNode;
  /** The submit button's text while the request runs, e.g. "Saving…". */
  busyLabel: ReactNode;
  onCancel?: () => void;
  /** A button that confirms without a form (a dialog's footer); without it the button submits its form. */
  onConfirm?: () => void;
  variant?: 'primary' | 'danger';
  /** Shown at the row's start, e.g. a badge saying what happens next. */
  aside?: ReactNode;
  /** Rendered into a `Dialog`'s own footer slot, which lays the buttons out itself. */
  inDialogFooter?: boolean;
  autoFocus?: boolean;
}) {
  const buttons = (
    <>
      {aside}
      {onCancel && (
        <Button variant="secondary" onClick={onCancel} disabled={submitting}>
          Cancel
        </Button>
      )}
      <Button
        {...(onConfirm ? { onClick: onConfirm } : { type: 'submit' as const })}
        variant={variant}
        loading={submitting}
        autoFocus={autoFocus}
      >
        {submitting ? busyLabel : label}
      </Button>
    </>
  );
  if (inDialogFooter) return buttons;
  return (
    <div
      className={`flex flex-col-reverse gap-2 border-t border-slate-100 pt-5 sm:flex-row${aside !== undefined ? ' sm:items-center' : ''} sm:justify-end`}
    >
      {buttons}
    </div>
  );
}
