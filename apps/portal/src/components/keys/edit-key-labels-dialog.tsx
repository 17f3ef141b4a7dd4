'use client';

import { apiKeySchema, type UpdateApiKeyRequest } from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, Dialog } from '@gatehouse/ui';
import { callApi, tenantPath } from '../../lib/api/client';
import { fieldErrors } from '../../lib/api/errors';
import { FormFooter } from '../forms/form-footer';
import { useApiForm } from '../forms/use-api-form';
import { type LabelRow, labelRow, labelRows, LabelsEditor, labelServerErrors, labelsToMetadata } from './labels-editor';
import type { KeyRow } from './types';

/** Replaces a key's metadata labels; gateways apply them to the policies' `keyMetadata` rules within a second. */
export function EditKeyLabelsDialog({
  apiKey,
  onClose,
  onSaved,
  tenantId,
}: {
  apiKey: KeyRow | null;
  onClose: () => void;
  onSaved: (apiKey: KeyRow) => void;
  tenantId: string;
}) {
  return (
    <Dialog
      open={apiKey !== null}
      onClose={onClose}
      title="Edit labels"
      description={
        apiKey ? (
          <>
            The labels of <span className="font-medium text-slate-900">{apiKey.name}</span>. Requests with the key
            follow the new labels within a second.
          </>
        ) : undefined
      }
      size="lg"
    >
      {apiKey && <EditLabelsForm apiKey={apiKey} tenantId={tenantId} onCancel={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function EditLabelsForm({
  apiKey,
  tenantId,
  onCancel,
  onSaved,
}: {
  apiKey: KeyRow;
  tenantId: string;
  onCancel: () => void;
  onSaved: (apiKey: KeyRow) => void;
}) {
  // A key without labels starts with one empty row to fill in.
  const [rows, setRows] = useState<LabelRow[]>(() => {
    const existing = labelRows(apiKey.metadata);
    return existing.length > 0 ? existing : [labelRow()];
  });
  const { errors, submitting, formRef, refuse, send, handleSubmit } = useApiForm();

  const submit = async () => {
    const { metadata, errors: problems } = labelsToMetadata(rows);
    if (Object.keys(problems).length > 0) return refuse(problems);
    const body: UpdateApiKeyRequest = { metadata };
    const result = await send(
      () =>
        callApi('PATCH', tenantPath(tenantId, `/keys/${encodeURIComponent(apiKey.id)}`), {
          body,
          schema: apiKeySchema,
        }),
      (error) => {
        const byField = labelServerErrors(fieldErrors(error), rows);
        return Object.keys(byField).length > 0 ? byField : { form: error.message };
      },
    );
    if (result.ok) onSaved(result.data);
  };

  return (
    <form ref={formRef} onSubmit={handleSubmit(submit)} noValidate className="space-y-6">
      <LabelsEditor rows={rows} onChange={setRows} errors={errors} disabled={submitting} />
      {errors.form && (
        <Alert tone="danger" title="The labels were not saved">
          {errors.form}
        </Alert>
      )}
      <FormFooter submitting={submitting} label="Save labels" busyLabel="Saving…" onCancel={onCancel} />
    </form>
  );
}
