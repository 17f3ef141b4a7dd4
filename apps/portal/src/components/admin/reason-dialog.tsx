'use client';

import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Dialog, TextAreaField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { fieldErrors } from '../../lib/api/errors';
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
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const focusReason = () => requestAnimationFrame(() => formRef.current?.querySelector('textarea')?.focus());

  const submit = async () => {
    const trimmed = reason.trim();
    if (!trimmed) {
      setError('Give a reason. The tenant sees it in their notifications.');
      focusReason();
      return;
    }
    if (trimmed.length > REASON_MAX) {
      setError(`Keep the reason to ${REASON_MAX} characters or fewer (now ${trimmed.length}).`);
      focusReason();
      return;
    }
    setError(undefined);
    setFormError(undefined);
    setSubmitting(true);
    const result = await callApi('POST', path, { body: { reason: trimmed } });
    setSubmitting(false);
    if (result.ok) {
      onDone();
      return;
    }
    if (STALE_CODES.has(result.error.code)) {
      onStale(result.error.message);
      return;
    }
    const byField = fieldErrors(result.error);
    if (byField.reason) {
      setError(`Reason ${byField.reason}`);
      focusReason();
    } else setFormError(result.error.message);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit();
  };

  const length = reason.trim().length;

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-5" aria-busy={submitting || undefined}>
      <TextAreaField
        label={reasonLabel}
        name="reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        hint={reasonHint}
        error={error}
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

      {formError && (
        <Alert tone="danger" title={failureTitle}>
          {formError}
        </Alert>
      )}

      <div className="flex flex-col-reverse gap-2 border-t border-slate-100 pt-5 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onClose} disabled={submitting}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" loading={submitting}>
          {submitting ? busyLabel : confirmLabel}
        </Button>
      </div>
    </form>
  );
}
