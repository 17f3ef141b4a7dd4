'use client';

import {
  adminSubscriptionSchema,
  approveSubscriptionRequestSchema,
  type AdminSubscriptionResponse,
  type Limits,
} from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, Dialog, TextField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import { FormFooter } from '../forms/form-footer';
import type { FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { LimitInputs } from './limit-inputs';
import { endOfDayInstant, STALE_CODES, tomorrowDate } from './decision-forms';
import {
  ALLOWED_MODELS_LABEL,
  LIMIT_FIELDS,
  LIMIT_LABELS,
  limitInputValues,
  parseLimit,
  parseModelList,
} from './limit-fields';

const LABELS: Record<string, string> = { ...LIMIT_LABELS, expiresAt: 'Expiry' };

const sameModels = (a: string[] | null, b: string[] | null) =>
  JSON.stringify(a === null ? null : [...a].sort()) === JSON.stringify(b === null ? null : [...b].sort());

/** A typed limit and the plan's are the same when they name the same amount ("25" and "25.00" do). */
const sameLimit = (typed: number | string | null, plan: number | string | null) =>
  typed === null || plan === null ? typed === plan : Number(typed) === Number(plan);

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
            <span className="font-medium text-slate-900">{request.planName}</span>. Every limit starts at the plan’s;
            change any for this tenant only. An empty field is unlimited.
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
  const plan = request.planLimits;
  const [values, setValues] = useState(() => limitInputValues(plan));
  const [models, setModels] = useState(() => (plan.allowedModels ?? []).join(', '));
  const [expiresOn, setExpiresOn] = useState('');
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({
    labels: LABELS,
    conflicts: { expires_at_in_past: { field: 'expiresAt', message: 'Pick a day in the future.' } },
  });

  const submit = async () => {
    const problems: FormErrors = {};
    // Only what differs from the plan is sent: an override, or null where the admin emptied a field (unlimited).
    const limits: Limits = {};
    for (const field of LIMIT_FIELDS) {
      const parsed = parseLimit(field, values[field.name]);
      if ('error' in parsed) problems[`limits.${field.name}`] = parsed.error;
      else if (!sameLimit(parsed.value, plan[field.name])) Object.assign(limits, { [field.name]: parsed.value });
    }
    const allowedModels = parseModelList(models);
    if (!sameModels(allowedModels, plan.allowedModels)) limits.allowedModels = allowedModels;
    let expiresAt: string | undefined;
    if (expiresOn) {
      const instant = endOfDayInstant(expiresOn);
      if (Number.isNaN(Date.parse(instant))) problems.expiresAt = 'Enter a valid date.';
      else if (Date.parse(instant) <= Date.now()) problems.expiresAt = 'Pick a day in the future.';
      else expiresAt = instant;
    }
    if (Object.keys(problems).length > 0) return refuse(problems);

    const body = parse(approveSubscriptionRequestSchema, {
      ...(Object.keys(limits).length > 0 && { limits }),
      ...(expiresAt && { expiresAt }),
    });
    if (!body) return;

    const result = await send(
      () =>
        callApi('POST', `/admin/subscriptions/${encodeURIComponent(request.id)}/approve`, {
          body,
          schema: adminSubscriptionSchema,
        }),
      (error) => {
        if (!STALE_CODES.has(error.code)) return undefined;
        onStale(request, error.message);
        return null;
      },
    );
    if (result.ok) onApproved(result.data);
  };

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-6"
      aria-busy={submitting || undefined}
    >
      <fieldset>
        <legend className="text-sm font-semibold text-slate-950">Limits</legend>
        <p className="mt-0.5 text-sm text-slate-600">
          Prefilled from the plan. Change a value to override it for this tenant; leave a field empty for unlimited.
        </p>
        <LimitInputs
          className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3"
          values={values}
          onChange={(name, value) => setValues((current) => ({ ...current, [name]: value }))}
          errors={errors}
          disabled={submitting}
          hint={(name) => `Plan: ${plan[name] ?? 'unlimited'}`}
          autoFocus
        />
        <TextField
          className="mt-4"
          label={ALLOWED_MODELS_LABEL}
          name="allowedModels"
          autoComplete="off"
          spellCheck={false}
          value={models}
          onChange={(event) => setModels(event.target.value)}
          placeholder="Every model of the product"
          hint={`Model names separated by commas. Plan: ${plan.allowedModels?.join(', ') ?? 'every model'}`}
          error={errors['limits.allowedModels']}
          disabled={submitting}
        />
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

      {(errors.form ?? errors.limits) && (
        <Alert tone="danger" title="The request was not approved">
          {errors.form ?? errors.limits}
        </Alert>
      )}

      <FormFooter submitting={submitting} label="Approve request" busyLabel="Approving…" onCancel={onCancel} />
    </form>
  );
}
