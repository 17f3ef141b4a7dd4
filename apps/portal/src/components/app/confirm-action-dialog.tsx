'use client';

import { type ReactNode, useState } from 'react';
import { Alert, Dialog } from '@gatehouse/ui';
import { FormFooter } from '../forms/form-footer';

export interface ConfirmActionDialogProps {
  open: boolean;
  title: string;
  description?: ReactNode;
  /** What happens next, shown until an attempt fails (then the failure is shown instead). */
  note: ReactNode;
  confirmLabel: string;
  /** The confirm button's text while the action runs, e.g. "Revoking…". */
  busyLabel: string;
  /** The failure alert's title, e.g. "The key was not revoked". */
  failureTitle: string;
  /** Does the action; resolves with a message for people when it failed, or null when it succeeded. */
  onConfirm: () => Promise<string | null>;
  /** Called once the action succeeded. */
  onDone: () => void;
  onClose: () => void;
}

/**
 * A destructive action confirmed in a dialog whose safe choice (Cancel) comes first. While the action runs both
 * buttons are held; a failure stays in the dialog, so the person can read it and try again or cancel.
 */
export function ConfirmActionDialog({
  open,
  title,
  description,
  note,
  confirmLabel,
  busyLabel,
  failureTitle,
  onConfirm,
  onDone,
  onClose,
}: ConfirmActionDialogProps) {
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const close = () => {
    setError(null);
    onClose();
  };

  const confirm = async () => {
    setSubmitting(true);
    setError(null);
    const failure = await onConfirm();
    setSubmitting(false);
    if (failure !== null) {
      setError(failure);
      return;
    }
    onDone();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      size="sm"
      title={title}
      description={description}
      footer={
        <FormFooter
          inDialogFooter
          submitting={submitting}
          label={confirmLabel}
          busyLabel={busyLabel}
          onCancel={close}
          onConfirm={() => void confirm()}
          variant="danger"
        />
      }
    >
      {error ? (
        <Alert tone="danger" title={failureTitle}>
          {error}
        </Alert>
      ) : (
        <p className="text-sm leading-6 text-slate-600">{note}</p>
      )}
    </Dialog>
  );
}
