'use client';

import {
  createProviderRequestSchema,
  providerSchema,
  providerTypeSchema,
  updateProviderRequestSchema,
  type ProviderResponse,
} from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, CheckboxField, Dialog, SelectField, TextField } from '@gatehouse/ui';
import { callApi } from '../../../lib/api/client';
import { FormFooter } from '../../forms/form-footer';
import { optional, type FormErrors } from '../../forms/form-errors';
import { useApiForm } from '../../forms/use-api-form';

export const PROVIDER_TYPE_LABELS: Record<ProviderResponse['type'], string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  'openai-compatible': 'OpenAI-compatible',
  http: 'HTTP API',
};

const LABELS: Record<string, string> = {
  name: 'Name',
  type: 'Type',
  baseUrl: 'Base URL',
  region: 'Region',
  credential: 'Credential',
};

const CONFLICTS = {
  provider_name_taken: { field: 'name', message: 'Another provider already has this name. Pick another.' },
};

type CredentialChange = 'keep' | 'replace' | 'remove';

/** Creates a provider (`provider` null) or edits one, including replacing or removing its credential. */
export function ProviderDialog({
  open,
  provider,
  onClose,
  onSaved,
}: {
  open: boolean;
  provider: ProviderResponse | null;
  onClose: () => void;
  onSaved: (provider: ProviderResponse, created: boolean) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title={provider ? `Edit ${provider.name}` : 'Add a provider'}
      description="An upstream the gateway forwards to. Its credential is stored encrypted and never shown again, here or anywhere else."
    >
      {open && <ProviderForm provider={provider} onCancel={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function ProviderForm({
  provider,
  onCancel,
  onSaved,
}: {
  provider: ProviderResponse | null;
  onCancel: () => void;
  onSaved: (provider: ProviderResponse, created: boolean) => void;
}) {
  const [name, setName] = useState(provider?.name ?? '');
  const [type, setType] = useState<string>(provider?.type ?? 'openai');
  const [baseUrl, setBaseUrl] = useState(provider?.baseUrl ?? '');
  const [region, setRegion] = useState(provider?.region ?? '');
  const [enabled, setEnabled] = useState(provider?.enabled ?? true);
  const [internal, setInternal] = useState(provider?.internal ?? false);
  const [credentialChange, setCredentialChange] = useState<CredentialChange>(provider ? 'keep' : 'replace');
  // Lives only in this form's state: the form unmounts when the dialog closes, and the value is never echoed.
  const [credential, setCredential] = useState('');
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({
    labels: LABELS,
    conflicts: {
      ...CONFLICTS,
      provider_in_use: {
        field: 'type',
        message: 'Models or HTTP products use this provider as it is; their type cannot change.',
      },
    },
  });

  const submit = async () => {
    const problems: FormErrors = {};
    if (!name.trim()) problems.name = 'Enter a name, such as "openai-main".';
    if (!baseUrl.trim()) problems.baseUrl = 'Enter the base URL, such as "https://api.openai.com".';
    if (provider && credentialChange === 'replace' && !credential) problems.credential = 'Enter the new credential.';
    if (Object.keys(problems).length > 0) return refuse(problems);

    const credentialValue = credentialChange === 'replace' ? optional(credential) : undefined;
    const draft = {
      name: name.trim(),
      type,
      baseUrl,
      region: optional(region) ?? null,
      enabled,
      internal,
      ...(provider
        ? credentialChange === 'keep'
          ? {}
          : { credential: credentialChange === 'remove' ? null : credentialValue }
        : credentialValue !== undefined && { credential: credentialValue }),
    };
    const body = parse(provider ? updateProviderRequestSchema : createProviderRequestSchema, draft);
    if (!body) return;

    const result = await send(() =>
      provider
        ? callApi('PATCH', `/admin/providers/${encodeURIComponent(provider.id)}`, { body, schema: providerSchema })
        : callApi('POST', '/admin/providers', { body, schema: providerSchema }),
    );
    if (!result.ok) return;
    setCredential('');
    onSaved(result.data, provider === null);
  };

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-5"
      aria-busy={submitting || undefined}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Name"
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          hint="Kebab-case, unique: openai-main"
          error={errors.name}
          required
          autoComplete="off"
          disabled={submitting}
          autoFocus
        />
        <SelectField
          label="Type"
          name="type"
          value={type}
          onChange={(event) => setType(event.target.value)}
          error={errors.type}
          disabled={submitting}
        >
          {providerTypeSchema.options.map((option) => (
            <option key={option} value={option}>
              {PROVIDER_TYPE_LABELS[option]}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField
        label="Base URL"
        name="baseUrl"
        type="url"
        inputMode="url"
        value={baseUrl}
        onChange={(event) => setBaseUrl(event.target.value)}
        hint="https, without a query; plain http only for an internal provider"
        error={errors.baseUrl}
        required
        autoComplete="off"
        disabled={submitting}
      />
      <TextField
        label="Region (optional)"
        name="region"
        value={region}
        onChange={(event) => setRegion(event.target.value)}
        error={errors.region}
        placeholder="eu-west-1"
        autoComplete="off"
        disabled={submitting}
        className="sm:max-w-xs"
      />
      <CheckboxField
        label="Enabled"
        name="enabled"
        checked={enabled}
        onChange={(event) => setEnabled(event.target.checked)}
        hint="A disabled provider receives no traffic."
        disabled={submitting}
      />
      <CheckboxField
        label="Internal (private network)"
        name="internal"
        checked={internal}
        onChange={(event) => setInternal(event.target.checked)}
        hint="Only for an upstream on this machine or a private network; other providers may not reach such addresses."
        disabled={submitting}
      />

      <fieldset className="space-y-4 rounded-xl border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold text-slate-950">Credential</legend>
        {provider && (
          <SelectField
            label="Credential change"
            name="credentialChange"
            value={credentialChange}
            onChange={(event) => setCredentialChange(event.target.value as CredentialChange)}
            hint={provider.hasCredential ? 'A credential is set.' : 'No credential is set.'}
            disabled={submitting}
          >
            <option value="keep">Keep the current one</option>
            <option value="replace">Replace (rotate)</option>
            {provider.hasCredential && <option value="remove">Remove it</option>}
          </SelectField>
        )}
        {credentialChange === 'replace' && (
          <TextField
            label={provider ? 'New credential' : 'Credential (optional)'}
            name="credential"
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            value={credential}
            onChange={(event) => setCredential(event.target.value)}
            hint="The upstream's API key or token. Sent once and stored encrypted; it is never shown again."
            error={errors.credential}
            disabled={submitting}
          />
        )}
      </fieldset>

      {errors.form && (
        <Alert tone="danger" title="The provider was not saved">
          {errors.form}
        </Alert>
      )}

      <FormFooter
        submitting={submitting}
        label={provider ? 'Save changes' : 'Add provider'}
        busyLabel="Saving…"
        onCancel={onCancel}
      />
    </form>
  );
}
