'use client';

import {
  adminProductSchema,
  createProductRequestSchema,
  type AdminProductResponse,
  type ProviderResponse,
} from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, Dialog, SelectField, TextAreaField, TextField } from '@gatehouse/ui';
import { callApi } from '../../../lib/api/client';
import { FormFooter } from '../../forms/form-footer';
import { optional, type FormErrors } from '../../forms/form-errors';
import { useApiForm } from '../../forms/use-api-form';

const LABELS: Record<string, string> = {
  slug: 'Slug',
  name: 'Name',
  description: 'Description',
  kind: 'Kind',
  http: 'Upstream',
  'http.providerId': 'Upstream provider',
  'http.upstreamPath': 'Upstream path',
};

const CONFLICTS = {
  product_slug_taken: { field: 'slug', message: 'Another product already uses this slug. Pick another.' },
};

/** Creates a draft product. HTTP products name their upstream: a provider of type HTTP and a path prefix. */
export function ProductDialog({
  open,
  providers,
  onClose,
  onCreated,
}: {
  open: boolean;
  /** Providers of type `http`, the only ones an HTTP product may forward to. */
  providers: ProviderResponse[];
  onClose: () => void;
  onCreated: (product: AdminProductResponse) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title="Create a product"
      description="It starts as a draft, invisible to tenants until you publish it."
    >
      {open && <ProductForm providers={providers} onCancel={onClose} onCreated={onCreated} />}
    </Dialog>
  );
}

function ProductForm({
  providers,
  onCancel,
  onCreated,
}: {
  providers: ProviderResponse[];
  onCancel: () => void;
  onCreated: (product: AdminProductResponse) => void;
}) {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<'LLM' | 'HTTP'>('LLM');
  const [providerId, setProviderId] = useState('');
  const [upstreamPath, setUpstreamPath] = useState('');
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({
    labels: LABELS,
    conflicts: CONFLICTS,
  });

  const submit = async () => {
    const problems: FormErrors = {};
    if (!slug.trim()) problems.slug = 'Enter a slug, such as "chat-models".';
    if (!name.trim()) problems.name = 'Enter a name.';
    if (kind === 'HTTP' && !providerId) problems['http.providerId'] = 'Choose the provider to forward to.';
    if (Object.keys(problems).length > 0) return refuse(problems);

    const body = parse(createProductRequestSchema, {
      slug: slug.trim(),
      name,
      description: optional(description),
      kind,
      ...(kind === 'HTTP' && { http: { providerId, upstreamPath: optional(upstreamPath) } }),
    });
    if (!body) return;

    const result = await send(() => callApi('POST', '/admin/products', { body, schema: adminProductSchema }));
    if (result.ok) onCreated(result.data);
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
          error={errors.name}
          required
          autoComplete="off"
          disabled={submitting}
          autoFocus
        />
        <TextField
          label="Slug"
          name="slug"
          value={slug}
          onChange={(event) => setSlug(event.target.value)}
          hint="Kebab-case and fixed once created: clients call /apis/{slug}."
          error={errors.slug}
          required
          autoComplete="off"
          spellCheck={false}
          disabled={submitting}
        />
      </div>
      <TextAreaField
        label="Description (optional)"
        name="description"
        rows={3}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={errors.description}
        disabled={submitting}
      />
      <SelectField
        label="Kind"
        name="kind"
        value={kind}
        onChange={(event) => setKind(event.target.value as 'LLM' | 'HTTP')}
        hint="Fixed once created."
        error={errors.kind}
        disabled={submitting}
        className="sm:max-w-xs"
      >
        <option value="LLM">LLM: models with token prices</option>
        <option value="HTTP">HTTP: an API forwarded as is</option>
      </SelectField>
      {kind === 'HTTP' && (
        <fieldset className="grid gap-4 rounded-xl border border-slate-200 p-4 sm:grid-cols-2">
          <legend className="px-1 text-sm font-semibold text-slate-950">Upstream</legend>
          <SelectField
            label="Upstream provider"
            name="providerId"
            value={providerId}
            onChange={(event) => setProviderId(event.target.value)}
            hint={providers.length === 0 ? 'Add a provider of type HTTP API first.' : undefined}
            error={errors['http.providerId'] ?? errors.http}
            disabled={submitting}
          >
            <option value="">Choose a provider</option>
            {providers.map((provider) => (
              <option key={provider.id} value={provider.id}>
                {provider.name}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Upstream path (optional)"
            name="upstreamPath"
            value={upstreamPath}
            onChange={(event) => setUpstreamPath(event.target.value)}
            placeholder="/v2"
            hint="Prepended to the forwarded path."
            error={errors['http.upstreamPath']}
            autoComplete="off"
            disabled={submitting}
          />
        </fieldset>
      )}

      {errors.form && (
        <Alert tone="danger" title="The product was not created">
          {errors.form}
        </Alert>
      )}

      <FormFooter submitting={submitting} label="Create product" busyLabel="Creating…" onCancel={onCancel} />
    </form>
  );
}
