'use client';

import { DEFAULT_ROTATION_GRACE_SECONDS, rotatedApiKeySchema } from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, Dialog } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { FormFooter } from '../forms/form-footer';
import { useApiForm } from '../forms/use-api-form';
import type { KeyRow, RevealedSecret } from './types';

const GRACE_CHOICES = [
  { seconds: 0, label: 'Immediately', detail: 'The old secret stops now. Use this if it leaked.' },
  {
    seconds: DEFAULT_ROTATION_GRACE_SECONDS,
    label: 'After 1 hour',
    detail: 'Time to deploy the new secret without failed requests.',
  },
  { seconds: 86_400, label: 'After 24 hours', detail: 'For deployments that roll out slowly.' },
  { seconds: 604_800, label: 'After 7 days', detail: 'The longest grace period.' },
];

/** A new secret for the same key (same id, scope and expiry); the old one works on for the chosen grace period. */
export function RotateKeyDialog({
  apiKey,
  onClose,
  onRotated,
  tenantId,
}: {
  apiKey: KeyRow | null;
  onClose: () => void;
  onRotated: (revealed: RevealedSecret) => void;
  tenantId: string;
}) {
  return (
    <Dialog
      open={apiKey !== null}
      onClose={onClose}
      title="Rotate key"
      description={
        apiKey ? (
          <>
            Issue a new secret for <span className="font-medium text-slate-900">{apiKey.name}</span>. Its name, scope
            and expiry stay the same.
          </>
        ) : undefined
      }
    >
      {apiKey && <RotateForm apiKey={apiKey} tenantId={tenantId} onCancel={onClose} onRotated={onRotated} />}
    </Dialog>
  );
}

function RotateForm({
  apiKey,
  tenantId,
  onCancel,
  onRotated,
}: {
  apiKey: KeyRow;
  tenantId: string;
  onCancel: () => void;
  onRotated: (revealed: RevealedSecret) => void;
}) {
  const [grace, setGrace] = useState(DEFAULT_ROTATION_GRACE_SECONDS);
  const { errors, submitting, send, handleSubmit } = useApiForm();

  const submit = async () => {
    const result = await send(
      () =>
        callApi('POST', tenantPath(tenantId, `/keys/${encodeURIComponent(apiKey.id)}/rotate`), {
          body: { gracePeriodSeconds: grace },
          schema: rotatedApiKeySchema,
        }),
      (error) => ({ form: error.message }),
    );
    if (!result.ok) return;
    onRotated({
      name: result.data.name,
      secret: result.data.secret,
      expiresAt: result.data.expiresAt,
      previousSecretValidUntil: result.data.previousSecretValidUntil,
    });
  };

  return (
    <form onSubmit={handleSubmit(submit)} className="space-y-5">
      <fieldset>
        <legend className="text-sm font-medium text-slate-900">When should the old secret stop working?</legend>
        <div className="mt-2 space-y-2">
          {GRACE_CHOICES.map((choice) => (
            <label
              key={choice.seconds}
              className="flex items-start gap-3 rounded-lg border border-slate-200 p-3 has-checked:border-indigo-300 has-checked:bg-indigo-50/50"
            >
              <input
                type="radio"
                name="gracePeriodSeconds"
                value={choice.seconds}
                checked={grace === choice.seconds}
                onChange={() => setGrace(choice.seconds)}
                disabled={submitting}
                className="mt-0.5 size-4 accent-indigo-600"
              />
              <span className="text-sm">
                <span className="block font-medium text-slate-900">{choice.label}</span>
                <span className="block text-slate-600">{choice.detail}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {errors.form && (
        <Alert tone="danger" title="The key was not rotated">
          {errors.form}
        </Alert>
      )}
      <FormFooter submitting={submitting} label="Rotate key" busyLabel="Rotating…" onCancel={onCancel} />
    </form>
  );
}
