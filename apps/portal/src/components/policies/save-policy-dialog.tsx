'use client';

import {
  policyVersionRefSchema,
  putPolicyRequestSchema,
  type PolicyProblemResponse,
  type PolicyVersionRefResponse,
} from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, Dialog, TextAreaField } from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import type { PolicyEndpoints } from '../../lib/api/policy-endpoints';
import { FormFooter } from '../forms/form-footer';
import { optional } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { LineDiffView } from './line-diff-view';
import { problemsOfRefusal } from './policy-problems';

/** admin-api keeps at most this many characters of a version's message (libs/contracts). */
export const MESSAGE_MAX = 500;

const LABELS = { message: 'Message' };

/**
 * Saves the edited text as a new version in force, with a message for the history. The changes against the version
 * in force are shown before the admin confirms. A refusal about the document itself closes the dialog and puts its
 * problems at their lines in the editor.
 */
export function SavePolicyDialog(props: {
  open: boolean;
  endpoints: PolicyEndpoints;
  yaml: string;
  /** The text in force, null for a document without a version yet. */
  inForce: { version: number; yaml: string } | null;
  onClose: () => void;
  onSaved: (saved: PolicyVersionRefResponse) => void;
  onProblems: (problems: PolicyProblemResponse[]) => void;
}) {
  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      size="lg"
      title={props.inForce ? `Save ${props.endpoints.name}` : `Create ${props.endpoints.name}`}
      description="The new version is in force at every gateway within a second. Earlier versions stay in the history, to compare or roll back to."
    >
      {props.open && <SaveForm {...props} />}
    </Dialog>
  );
}

function SaveForm({ endpoints, yaml, inForce, onClose, onSaved, onProblems }: Parameters<typeof SavePolicyDialog>[0]) {
  const [message, setMessage] = useState('');
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({ labels: LABELS });

  const submit = async () => {
    const length = message.trim().length;
    if (length > MESSAGE_MAX) {
      return refuse({ message: `Keep the message to ${MESSAGE_MAX} characters or fewer (now ${length}).` });
    }
    // Against the version this page shows: a change another admin saved meanwhile is refused (409), not overwritten.
    const body = parse(putPolicyRequestSchema, {
      yaml,
      message: optional(message),
      expectedVersion: inForce?.version ?? null,
    });
    if (!body) return;
    const result = await send(
      () => callApi('PUT', endpoints.document, { body, schema: policyVersionRefSchema }),
      (error) => {
        const problems = problemsOfRefusal(error);
        if (!problems) return undefined;
        onProblems(problems);
        return null;
      },
    );
    if (result.ok) onSaved(result.data);
  };

  const length = message.trim().length;

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-5"
      aria-busy={submitting || undefined}
    >
      <TextAreaField
        label="Message"
        name="message"
        value={message}
        onChange={(event) => setMessage(event.target.value)}
        hint="Why this change: it is shown in the version history and the audit log. Optional."
        error={errors.message}
        rows={2}
        disabled={submitting}
        autoFocus
        labelAside={
          <span
            className={`text-xs tabular-nums ${length > MESSAGE_MAX ? 'font-medium text-rose-700' : 'text-slate-500'}`}
          >
            {length}/{MESSAGE_MAX}
          </span>
        }
      />

      {inForce ? (
        <LineDiffView before={inForce.yaml} after={yaml} label={`Changes against version ${inForce.version}`} />
      ) : (
        <p className="text-sm text-slate-600">This is the document&apos;s first version.</p>
      )}

      {errors.form && (
        <Alert tone="danger" title="The document was not saved">
          {errors.form}
        </Alert>
      )}

      <FormFooter submitting={submitting} label="Save version" busyLabel="Saving…" onCancel={onClose} />
    </form>
  );
}
