'use client';

import {
  createPlanRequestSchema,
  planSchema,
  updatePlanRequestSchema,
  type AdminProductResponse,
  type PlanResponse,
} from '@gatehouse/contracts';
import { useState } from 'react';
import { Alert, CheckboxField, Dialog, TextAreaField, TextField } from '@gatehouse/ui';
import { callApi } from '../../../lib/api/client';
import { LIMIT_FIELDS, LIMIT_LABELS, limitInputValues, parseLimit } from '../limit-fields';
import { FormFooter } from '../../forms/form-footer';
import { optional, type FormErrors } from '../../forms/form-errors';
import { useApiForm } from '../../forms/use-api-form';
import { LimitInputs } from '../limit-inputs';

const LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  productId: 'Product',
  limits: 'Limits',
  ...LIMIT_LABELS,
};

const CONFLICTS = {
  plan_name_taken: { field: 'name', message: 'This product already has a plan with this name. Pick another.' },
};

/** Creates a plan for the product (`plan` null) or edits one: name, description, auto-approval and every limit. */
export function PlanDialog({
  open,
  product,
  plan,
  onClose,
  onSaved,
}: {
  open: boolean;
  product: AdminProductResponse;
  plan: PlanResponse | null;
  onClose: () => void;
  onSaved: (plan: PlanResponse, created: boolean) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title={plan ? `Edit plan ${plan.name}` : `Create a plan for ${product.name}`}
      description={
        plan
          ? 'Changes apply to every subscription to this plan within seconds (overrides granted at approval stay).'
          : 'A plan is what tenants request: its limits apply to every key of a subscribed tenant.'
      }
    >
      {open && <PlanForm product={product} plan={plan} onCancel={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function PlanForm({
  product,
  plan,
  onCancel,
  onSaved,
}: {
  product: AdminProductResponse;
  plan: PlanResponse | null;
  onCancel: () => void;
  onSaved: (plan: PlanResponse, created: boolean) => void;
}) {
  const [name, setName] = useState(plan?.name ?? '');
  const [description, setDescription] = useState(plan?.description ?? '');
  const [autoApprove, setAutoApprove] = useState(plan?.autoApprove ?? false);
  const [values, setValues] = useState(() => limitInputValues(plan?.limits));
  // Empty = every model of the product, which is also what a new model joins automatically.
  const [allowed, setAllowed] = useState<Set<string>>(() => new Set(plan?.limits.allowedModels ?? []));
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({
    labels: LABELS,
    conflicts: CONFLICTS,
  });

  const submit = async () => {
    const problems: FormErrors = {};
    if (!name.trim()) problems.name = 'Enter a name, such as "starter".';
    const limits: Record<string, number | string | string[] | null> = {};
    for (const field of LIMIT_FIELDS) {
      const parsed = parseLimit(field, values[field.name]);
      if ('error' in parsed) problems[`limits.${field.name}`] = parsed.error;
      else limits[field.name] = parsed.value;
    }
    limits.allowedModels = allowed.size > 0 ? [...allowed] : null;
    if (Object.keys(problems).length > 0) return refuse(problems);

    // Creating: only the limits that are set. Editing: every name, because admin-api merges name by name and a
    // cleared field must lift the limit (null) rather than keep the old value (absent).
    const setLimits = plan ? limits : Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== null));
    const body = plan
      ? parse(updatePlanRequestSchema, {
          name: name.trim(),
          description: optional(description) ?? null,
          autoApprove,
          limits: setLimits,
        })
      : parse(createPlanRequestSchema, {
          productId: product.id,
          name: name.trim(),
          description: optional(description),
          autoApprove,
          limits: setLimits,
        });
    if (!body) return;

    const result = await send(() =>
      plan
        ? callApi('PATCH', `/admin/plans/${encodeURIComponent(plan.id)}`, { body, schema: planSchema })
        : callApi('POST', '/admin/plans', { body, schema: planSchema }),
    );
    if (result.ok) onSaved(result.data, plan === null);
  };

  const toggleModel = (alias: string, checked: boolean) =>
    setAllowed((current) => {
      const next = new Set(current);
      if (checked) next.add(alias);
      else next.delete(alias);
      return next;
    });

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-6"
      aria-busy={submitting || undefined}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Name"
          name="name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          hint="Kebab-case, unique within the product: starter"
          error={errors.name}
          required
          autoComplete="off"
          spellCheck={false}
          disabled={submitting}
          autoFocus
        />
        <TextAreaField
          label="Description (optional)"
          name="description"
          rows={2}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          error={errors.description}
          disabled={submitting}
        />
      </div>
      <CheckboxField
        label="Approve requests automatically"
        name="autoApprove"
        checked={autoApprove}
        onChange={(event) => setAutoApprove(event.target.checked)}
        hint="Tenants get access as soon as they ask, without waiting in the approval queue."
        disabled={submitting}
      />

      <fieldset>
        <legend className="text-sm font-semibold text-slate-950">Limits</legend>
        <p className="mt-0.5 text-sm text-slate-600">Leave a field empty for unlimited.</p>
        <LimitInputs
          className="mt-4 grid gap-4 sm:grid-cols-3"
          values={values}
          onChange={(name, value) => setValues((current) => ({ ...current, [name]: value }))}
          errors={errors}
          disabled={submitting}
        />
      </fieldset>

      {product.kind === 'LLM' && (
        <fieldset>
          <legend className="text-sm font-semibold text-slate-950">Allowed models</legend>
          <p className="mt-0.5 text-sm text-slate-600">
            None ticked: every model of the product, including models added later.
          </p>
          {product.models.length === 0 ? (
            <p className="mt-3 text-sm text-slate-500">The product has no models yet.</p>
          ) : (
            <div className="mt-3 grid gap-3 sm:grid-cols-2">
              {product.models.map((model) => (
                <CheckboxField
                  key={model.id}
                  label={<span className="font-mono">{model.name}</span>}
                  name="allowedModels"
                  value={model.name}
                  checked={allowed.has(model.name)}
                  onChange={(event) => toggleModel(model.name, event.target.checked)}
                  disabled={submitting}
                />
              ))}
            </div>
          )}
          {errors['limits.allowedModels'] && (
            <p className="mt-2 text-sm font-medium text-rose-700">{errors['limits.allowedModels']}</p>
          )}
        </fieldset>
      )}

      {(errors.form ?? errors.limits) && (
        <Alert tone="danger" title="The plan was not saved">
          {errors.form ?? errors.limits}
        </Alert>
      )}

      <FormFooter
        submitting={submitting}
        label={plan ? 'Save plan' : 'Create plan'}
        busyLabel="Saving…"
        onCancel={onCancel}
      />
    </form>
  );
}
