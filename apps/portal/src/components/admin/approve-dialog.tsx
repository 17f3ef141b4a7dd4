'use client';

import {
  adminSubscriptionSchema,
  type AdminSubscriptionResponse,
  type ApproveSubscriptionRequest,
} from '@gatehouse/contracts';
import { useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Dialog, TextField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { fieldErrors, type AdminApiError } from '../../lib/api/errors';
import {
  endOfDayInstant,
  OVERRIDE_FIELDS,
  parseOverride,
  STALE_CODES,
  tomorrowDate,
  type OverrideName,
} from './decision-forms';
import { limitText, limitTitle } from './limits';

type Errors = Partial<Record<OverrideName | 'expiresAt' | 'form', string>>;

function serverErrors(error: AdminApiError): Errors {
  const errors: Errors = {};
  for (const [field, reason] of Object.entries(fieldErrors(error))) {
    const name = field.replace(/^limits\./, '');
    const known = OVERRIDE_FIELDS.find((candidate) => candidate.name === name);
    if (known) errors[known.name] = `${known.label}: ${reason}`;
    else if (field === 'expiresAt') errors.expiresAt = `Expiry ${reason}`;
  }
  if (error.code === 'expires_at_in_past') errors.expiresAt = 'Pick a day in the future.';
  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}

export function ApproveDialog({
  request,
  onClose,
  onApproved,
  onStale,
}: {
  request: AdminSubscriptionResponse | null;
  onClose: () => void;
  onApproved: (request: AdminSubscriptionResponse) => void;
  /** The request was decided elsewhere meanwhile: the queue should drop it. */
  onStale: (request: AdminSubscriptionResponse, message: string) => void;
}) {
  return (
    <Dialog
      open={request !== null}
      onClose={onClose}
      size="lg"
      title="Approve this request"
      description={
        request ? (
          <>
            <span className="font-medium text-slate-900">{request.tenantName}</span> gets{' '}
            <span className="font-medium text-slate-900">{request.productName}</span> on plan{' '}
            <span className="font-medium text-slate-900">{request.planName}</span>. Adjust any limit for this tenant
            only; empty fields keep the plan’s value.
          </>
        ) : undefined
      }
    >
      {request && <ApproveForm request={request} onCancel={onClose} onApproved={onApproved} onStale={onStale} />}
    </Dialog>
  );
}

function ApproveForm({
  request,
  onCancel,
  onApproved,
  onStale,
}: {
  request: AdminSubscriptionResponse;
  onCancel: () => void;
  onApproved: (request: AdminSubscriptionResponse) => void;
  onStale: (request: AdminSubscriptionResponse, message: string) => void;
}) {
  const [values, setValues] = useState<Record<OverrideName, string>>({
    monthlyBudgetUsd: '',
    monthlyTokens: '',
    rpm: '',
    tpm: '',
  });
  const [expiresOn, setExpiresOn] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [submitting, setSubmitting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  // After a refused submit, take the keyboard (and a phone's viewport) to the first field that needs a change.
  const focusFirstInvalid = () =>
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  const build = (): { errors: Errors; body: ApproveSubscriptionRequest } => {
    const problems: Errors = {};
    const limits: Record<string, string | number> = {};
    for (const field of OVERRIDE_FIELDS) {
      const parsed = parseOverride(field, values[field.name]);
      if (!parsed.ok) problems[field.name] = parsed.error;
      else if (parsed.value !== undefined) limits[field.name] = parsed.value;
    }
    let expiresAt: string | undefined;
    if (expiresOn) {
      const instant = endOfDayInstant(expiresOn);
      if (Number.isNaN(Date.parse(instant))) problems.expiresAt = 'Enter a valid date.';
      else if (Date.parse(instant) <= Date.now()) problems.expiresAt = 'Pick a day in the future.';
      else expiresAt = instant;
    }
    const body: ApproveSubscriptionRequest = {
      ...(Object.keys(limits).length > 0 && { limits: limits as ApproveSubscriptionRequest['limits'] }),
      ...(expiresAt && { expiresAt }),
    };
    return { errors: problems, body };
  };

  const submit = async () => {
    const { errors: problems, body } = build();
    setErrors(problems);
    if (Object.keys(problems).length > 0) {
      focusFirstInvalid();
      return;
    }

    setSubmitting(true);
    const result = await callApi('POST', `/admin/subscriptions/${encodeURIComponent(request.id)}/approve`, {
      body,
      schema: adminSubscriptionSchema,
    });
    setSubmitting(false);
    if (result.ok) {
      onApproved(result.data);
      return;
    }
    if (STALE_CODES.has(result.error.code)) {
      onStale(request, result.error.message);
      return;
    }
    setErrors(serverErrors(result.error));
    focusFirstInvalid();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit();
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-6" aria-busy={submitting || undefined}>
      <fieldset>
        <legend className="text-sm font-semibold text-slate-950">Limit overrides</legend>
        <p className="mt-0.5 text-sm text-slate-600">Optional. Leave a field empty to keep the plan’s limit.</p>
        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          {OVERRIDE_FIELDS.map((field, index) => {
            const planValue = limitText(request.planLimits, field.name);
            const exact = limitTitle(request.planLimits, field.name);
            return (
              <TextField
                key={field.name}
                label={field.label}
                name={field.name}
                inputMode={field.kind === 'usd' ? 'decimal' : 'numeric'}
                autoComplete="off"
                value={values[field.name]}
                onChange={(event) => setValues((current) => ({ ...current, [field.name]: event.target.value }))}
                placeholder="Keep the plan’s limit"
                hint={`Plan: ${exact ?? planValue}`}
                error={errors[field.name]}
                disabled={submitting}
                autoFocus={index === 0}
              />
            );
          })}
        </div>
      </fieldset>

      <TextField
        label="Access expires on (optional)"
        name="expiresAt"
        type="date"
        min={tomorrowDate()}
        value={expiresOn}
        onChange={(event) => setExpiresOn(event.target.value)}
        hint="Access ends at the end of this day, your time. Leave empty for access that does not expire."
        error={errors.expiresAt}
        disabled={submitting}
        className="sm:max-w-xs"
      />

      {errors.form && (
        <Alert tone="danger" title="The request was not approved">
          {errors.form}
        </Alert>
      )}

      <div className="flex flex-col-reverse gap-2 border-t border-slate-100 pt-5 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel} disabled={submitting}>
          Cancel
        </Button>
        <Button type="submit" loading={submitting}>
          {submitting ? 'Approving…' : 'Approve request'}
        </Button>
      </div>
    </form>
  );
}
