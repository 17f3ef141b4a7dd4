'use client';

import {
  policyVersionRefSchema,
  rollbackPolicyRequestSchema,
  type PolicyVersionRefResponse,
} from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, Dialog, TextField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import type { PolicyEndpoints } from '../../lib/api/policy-endpoints';
import { FormFooter } from '../forms/form-footer';
import { optional } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { MESSAGE_MAX } from './save-policy-dialog';

const LABELS = { message: 'Message', version: 'Version' };

/**
 * Puts an earlier version's content back in force, as a new version (the history keeps everything). Confirmed
 * first, because every gateway applies it within a second.
 */
export function RollbackPolicyDialog(props: {
  /** The version to go back to; null when the dialog is closed. */
  version: number | null;
  activeVersion: number | null;
  endpoints: PolicyEndpoints;
  onClose: () => void;
  onDone: (result: PolicyVersionRefResponse) => void;
}) {
  return (
    <Dialog
      open={props.version !== null}
      onClose={props.onClose}
      size="md"
      title={props.version !== null ? `Roll back to version ${props.version}?` : 'Roll back'}
      description={
        props.version !== null &&
        `Version ${props.version}'s text becomes a new version in force at every gateway within a second${props.activeVersion !== null ? `, in place of version ${props.activeVersion}` : ''}.`
      }
    >
      {props.version !== null && <RollbackForm {...props} version={props.version} />}
    </Dialog>
  );
}

function RollbackForm({
  version,
  endpoints,
  onClose,
  onDone,
}: {
  version: number;
  endpoints: PolicyEndpoints;
  onClose: () => void;
  onDone: (result: PolicyVersionRefResponse) => void;
}) {
  const [message, setMessage] = useState('');
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({
    labels: LABELS,
    conflicts: {
      policy_version_not_found: { field: 'form', message: `Version ${version} no longer exists. Reload the page.` },
    },
  });

  const submit = async () => {
    const length = message.trim().length;
    if (length > MESSAGE_MAX) {
      return refuse({ message: `Keep the message to ${MESSAGE_MAX} characters or fewer (now ${length}).` });
    }
    const body = parse(rollbackPolicyRequestSchema, { version, message: optional(message) });
    if (!body) return;
    const result = await send(() => callApi('POST', endpoints.rollback, { body, schema: policyVersionRefSchema }));
    if (result.ok) onDone(result.data);
  };

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-5"
      aria-busy={submitting || undefined}
    >
      <TextField
        label="Message"
        name="message"
        value={message}
        onChange={(event) => setMessage(event.target.value)}
        placeholder={`Rollback to version ${version}`}
        hint="Optional; without one the history says which version was restored."
        error={errors.message}
        autoComplete="off"
        disabled={submitting}
        autoFocus
      />
      {errors.form && (
        <Alert tone="danger" title="The rollback did not happen">
          {errors.form}
        </Alert>
      )}
      <FormFooter
        submitting={submitting}
        label={`Roll back to version ${version}`}
        busyLabel="Rolling back…"
        onCancel={onClose}
        variant="danger"
      />
    </form>
  );
}
