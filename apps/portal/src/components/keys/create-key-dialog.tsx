'use client';

import { createdApiKeySchema, type CreateApiKeyRequest } from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, Badge, Dialog, SelectField, TextField } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { fieldErrors, type AdminApiError } from '../../lib/api/errors';
import { FormFooter } from '../forms/form-footer';
import type { FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { type LabelRow, LabelsEditor, labelServerErrors, labelsToMetadata } from './labels-editor';
import type { RevealedSecret, ScopeOption } from './types';

const EXPIRY_CHOICES = [
  { value: 'never', label: 'Never' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 1 year' },
  { value: 'custom', label: 'On a date…' },
] as const;

type Expiry = (typeof EXPIRY_CHOICES)[number]['value'];

const NAME_MAX = 100;

/** Tomorrow as `YYYY-MM-DD` in the browser's zone: the earliest date a key may be set to expire on. */
function tomorrow(): string {
  const date = new Date();
  date.setDate(date.getDate() + 1);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The expiry as an ISO instant: N days from now, or the end of the chosen day in the browser's zone. */
function expiryInstant(expiry: Expiry, date: string): string | null {
  if (expiry === 'never') return null;
  if (expiry === 'custom') return new Date(`${date}T23:59:59`).toISOString();
  return new Date(Date.now() + Number(expiry) * 86_400_000).toISOString();
}

/** Maps admin-api's per-field reasons (`subscriptionIds.0`, `metadata.team`, …) onto this form's fields. */
function serverErrors(error: AdminApiError, labels: LabelRow[]): FormErrors {
  const byField = fieldErrors(error);
  const errors: FormErrors = labelServerErrors(byField, labels);
  for (const [field, reason] of Object.entries(byField)) {
    if (field === 'name') errors.name = `Name ${reason}`;
    else if (field === 'expiresAt') errors.expiresAt = `Expiry ${reason}`;
    else if (field.startsWith('subscriptionIds')) errors.subscriptionIds = reason;
  }
  if (Object.keys(errors).length === 0 || error.code !== 'validation_failed') errors.form = error.message;
  return errors;
}

export function CreateKeyDialog({
  open,
  onClose,
  onCreated,
  tenantId,
  subscriptions,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (revealed: RevealedSecret) => void;
  tenantId: string;
  subscriptions: ScopeOption[];
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Create an API key"
      description="Your code sends the key with each request to the gateway. You will see its secret once, right after this."
      size="lg"
    >
      <CreateKeyForm tenantId={tenantId} subscriptions={subscriptions} onCancel={onClose} onCreated={onCreated} />
    </Dialog>
  );
}

function CreateKeyForm({
  tenantId,
  subscriptions,
  onCancel,
  onCreated,
}: {
  tenantId: string;
  subscriptions: ScopeOption[];
  onCancel: () => void;
  onCreated: (revealed: RevealedSecret) => void;
}) {
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('never');
  const [expiryDate, setExpiryDate] = useState('');
  const [scope, setScope] = useState<'all' | 'selected'>('all');
  const [selected, setSelected] = useState<string[]>([]);
  const [labels, setLabels] = useState<LabelRow[]>([]);
  const { errors, submitting, formRef, refuse, send, handleSubmit } = useApiForm();

  const validate = (): FormErrors => {
    const problems: FormErrors = { ...labelsToMetadata(labels).errors };
    const trimmed = name.trim();
    if (!trimmed) problems.name = 'Give the key a name, such as the service that will use it.';
    else if (trimmed.length > NAME_MAX) problems.name = `Keep the name under ${NAME_MAX + 1} characters.`;
    if (expiry === 'custom') {
      if (!expiryDate) problems.expiresAt = 'Pick the day the key should stop working.';
      else if (new Date(`${expiryDate}T23:59:59`).getTime() <= Date.now())
        problems.expiresAt = 'Pick a day in the future.';
    }
    if (scope === 'selected' && selected.length === 0)
      problems.subscriptionIds = 'Select at least one subscription, or let the key use all of them.';
    return problems;
  };

  const submit = async () => {
    const problems = validate();
    if (Object.keys(problems).length > 0) return refuse(problems);

    const { metadata } = labelsToMetadata(labels);
    const body: Partial<CreateApiKeyRequest> = {
      name: name.trim(),
      expiresAt: expiryInstant(expiry, expiryDate),
      ...(scope === 'selected' && { subscriptionIds: selected }),
      ...(Object.keys(metadata).length > 0 && { metadata }),
    };
    const result = await send(
      () => callApi('POST', tenantPath(tenantId, '/keys'), { body, schema: createdApiKeySchema }),
      (error) => serverErrors(error, labels),
    );
    if (!result.ok) return;
    onCreated({ name: result.data.name, secret: result.data.secret, expiresAt: result.data.expiresAt });
  };

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-6"
      aria-busy={submitting || undefined}
    >
      <TextField
        label="Name"
        name="name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        autoComplete="off"
        maxLength={NAME_MAX + 20}
        placeholder="production-backend"
        hint="What uses this key. Only your team sees it."
        error={errors.name}
        disabled={submitting}
        autoFocus
      />

      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Expires"
          name="expiry"
          value={expiry}
          onChange={(event) => setExpiry(event.target.value as Expiry)}
          error={expiry === 'custom' ? undefined : errors.expiresAt}
          disabled={submitting}
        >
          {EXPIRY_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </SelectField>
        {expiry === 'custom' && (
          <TextField
            label="Expiry date"
            name="expiresAt"
            type="date"
            min={tomorrow()}
            value={expiryDate}
            onChange={(event) => setExpiryDate(event.target.value)}
            error={errors.expiresAt}
            hint="The key stops working at the end of this day."
            disabled={submitting}
          />
        )}
      </div>

      <fieldset aria-describedby={errors.subscriptionIds ? 'key-scope-error' : undefined}>
        <legend className="text-sm font-medium text-slate-900">Subscriptions it may use</legend>
        <div className="mt-2 space-y-2">
          <label className="flex items-start gap-3 rounded-lg border border-slate-200 p-3 has-checked:border-indigo-300 has-checked:bg-indigo-50/50">
            <input
              type="radio"
              name="scope"
              value="all"
              checked={scope === 'all'}
              onChange={() => setScope('all')}
              disabled={submitting}
              className="mt-0.5 size-4 accent-indigo-600"
            />
            <span className="text-sm">
              <span className="block font-medium text-slate-900">All of them</span>
              <span className="block text-slate-600">Including subscriptions your team gets later.</span>
            </span>
          </label>
          <label className="flex items-start gap-3 rounded-lg border border-slate-200 p-3 has-checked:border-indigo-300 has-checked:bg-indigo-50/50">
            <input
              type="radio"
              name="scope"
              value="selected"
              checked={scope === 'selected'}
              onChange={() => setScope('selected')}
              disabled={submitting || subscriptions.length === 0}
              className="mt-0.5 size-4 accent-indigo-600"
            />
            <span className="text-sm">
              <span className="block font-medium text-slate-900">Only the ones I choose</span>
              <span className="block text-slate-600">
                {subscriptions.length === 0
                  ? 'Your team has no subscriptions yet. Request access in the catalog first.'
                  : 'Limits the damage if the key leaks.'}
              </span>
            </span>
          </label>
        </div>
        {scope === 'selected' && subscriptions.length > 0 && (
          <ul className="mt-3 space-y-1.5 pl-1">
            {subscriptions.map((subscription) => (
              <li key={subscription.id}>
                <label className="flex items-center gap-3 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    name="subscriptionIds"
                    value={subscription.id}
                    checked={selected.includes(subscription.id)}
                    onChange={(event) =>
                      setSelected((current) =>
                        event.target.checked
                          ? [...current, subscription.id]
                          : current.filter((id) => id !== subscription.id),
                      )
                    }
                    disabled={submitting}
                    className="size-4 rounded accent-indigo-600"
                  />
                  <span>
                    <span className="font-medium text-slate-900">{subscription.productName}</span> ·{' '}
                    {subscription.planName}
                  </span>
                  {subscription.status === 'PENDING' && <Badge tone="warning">Pending</Badge>}
                </label>
              </li>
            ))}
          </ul>
        )}
        {errors.subscriptionIds && (
          <p id="key-scope-error" className="mt-2 text-sm font-medium text-rose-700">
            {errors.subscriptionIds}
          </p>
        )}
      </fieldset>

      <LabelsEditor rows={labels} onChange={setLabels} errors={errors} disabled={submitting} />

      {errors.form && (
        <Alert tone="danger" title="The key was not created">
          {errors.form}
        </Alert>
      )}

      <FormFooter submitting={submitting} label="Create key" busyLabel="Creating…" onCancel={onCancel} />
    </form>
  );
}
