'use client';

import { useState, type ReactNode } from 'react';
import { Alert, Dialog, TextAreaField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { fieldErrors } from '../../lib/api/errors';
import { FormFooter } from '../forms/form-footer';
import type { FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { REASON_MAX, STALE_CODES } from './decision-forms';

export interface ReasonDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  /** The admin-api path to POST `{ reason }` to. */
  path: string;
  /** The text area's label and hint. */
  reasonLabel: string;
  reasonHint: string;
  confirmLabel: string;
  busyLabel: string;
  /** The heading of the alert when admin-api refuses. */
  failureTitle: string;
  onDone: () => void;
  /** The subscription was decided elsewhere meanwhile: the page should refresh and say so. */
  onStale: (message: string) => void;
}

/**
 * A decision that ends someone's access or request, with the reason they will be told (their notification and
 * webhook carry it). Destructive, so the safe choice (Cancel) comes first and the confirming button is red.
 */
export function ReasonDialog(props: ReasonDialogProps) {
  return (
    <Dialog open={props.open} onClose={props.onClose} title={props.title} description={props.description} size="md">
      {props.open && <ReasonForm {...props} />}
    </Dialog>
  );
}

function ReasonForm({
  onClose,
  path,
  reasonLabel,
  reasonHint,
  confirmLabel,
  busyLabel,
  failureTitle,
  onDone,
  onStale,
}: ReasonDialogProps) {
  const [reason, setReason] = useState('');
  const { errors, submitting, formRef, refuse, send, handleSubmit } = useApiForm();

  const submit = async () => {
    const trimmed = reason.trim();
    if (!trimmed) return refuse({ reason: 'Give a reason. The tenant sees it in their notifications.' });
    if (trimmed.length > REASON_MAX) {
      return refuse({ reason: `Keep the reason to ${REASON_MAX} characters or fewer (now ${trimmed.length}).` });
    }
    const result = await send(
      () => callApi('POST', path, { body: { reason: trimmed } }),
      (error): FormErrors | null => {
        if (STALE_CODES.has(error.code)) {
          onStale(error.message);
          return null;
        }
        const reason = fieldErrors(error).reason;
        return reason ? { reason: `Reason ${reason}` } : { form: error.message };
      },
    );
    if (result.ok) onDone();
  };

  const length = reason.trim().length;

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-5"
      aria-busy={submitting || undefined}
    >
      <TextAreaField
        label={reasonLabel}
        name="reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        hint={reasonHint}
        error={errors.reason}
        required
        aria-required="true"
        disabled={submitting}
        autoFocus
        labelAside={
          <span
            className={`text-xs tabular-nums ${length > REASON_MAX ? 'font-medium text-rose-700' : 'text-slate-500'}`}
          >
            {length}/{REASON_MAX}
          </span>
        }
      />

      {errors.form && (
        <Alert tone="danger" title={failureTitle}>
          {errors.form}
        </Alert>
      )}

      <FormFooter
        submitting={submitting}
        label={confirmLabel}
        busyLabel={busyLabel}
        onCancel={onClose}
        variant="danger"
      />
    </form>
  );
}
