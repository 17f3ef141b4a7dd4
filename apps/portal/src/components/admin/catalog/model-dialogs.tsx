'use client';

import {
  adminModelSchema,
  createModelRequestSchema,
  modelPriceListSchema,
  setModelPriceRequestSchema,
  type AdminModelResponse,
  type AdminProductResponse,
  type ModelPriceResponse,
  type ProviderResponse,
} from '@gatehouse/contracts';
import { useEffect, useState } from 'react';
import {
  Alert,
  Dialog,
  SelectField,
  Skeleton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
  TextField,
} from '@gatehouse/ui';
import { callApi } from '../../../lib/api/client';
import { formatDateTime } from '../../../lib/format';
import { FormFooter } from '../../forms/form-footer';
import type { FormErrors } from '../../forms/form-errors';
import { useApiForm } from '../../forms/use-api-form';
import { missingPrices, PRICE_LABELS, PriceFields, priceBody, type PriceValues } from './price-fields';

const modelPath = (productId: string, modelId: string, rest = '') =>
  `/admin/products/${encodeURIComponent(productId)}/models/${encodeURIComponent(modelId)}${rest}`;

const MODEL_LABELS: Record<string, string> = {
  name: 'Alias',
  'targets.0.providerId': 'Provider',
  'targets.0.upstreamModel': 'Upstream model',
  ...Object.fromEntries(Object.entries(PRICE_LABELS).map(([name, label]) => [`price.${name}`, label])),
};

const MODEL_CONFLICTS = {
  model_name_taken: { field: 'name', message: 'Another model already uses this alias, on this or another product.' },
};

/**
 * Adds a model to an LLM product: its public alias, the upstream it is routed to and its first price. One target
 * here; further targets (fallbacks, weights) are set through the admin API.
 */
export function AddModelDialog({
  open,
  product,
  providers,
  onClose,
  onSaved,
}: {
  open: boolean;
  product: AdminProductResponse;
  /** Providers a model may target: every type but `http`. */
  providers: ProviderResponse[];
  onClose: () => void;
  onSaved: (model: AdminModelResponse) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title={`Add a model to ${product.name}`}
      description="Clients send the alias as their model; the gateway forwards to the provider’s upstream model."
    >
      {open && <AddModelForm product={product} providers={providers} onCancel={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function AddModelForm({
  product,
  providers,
  onCancel,
  onSaved,
}: {
  product: AdminProductResponse;
  providers: ProviderResponse[];
  onCancel: () => void;
  onSaved: (model: AdminModelResponse) => void;
}) {
  const [name, setName] = useState('');
  const [providerId, setProviderId] = useState(providers.length === 1 ? (providers[0]?.id ?? '') : '');
  const [upstreamModel, setUpstreamModel] = useState('');
  const [price, setPrice] = useState<PriceValues>({ inputPer1M: '', outputPer1M: '', cachedInputPer1M: '' });
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({
    labels: MODEL_LABELS,
    conflicts: MODEL_CONFLICTS,
  });

  const submit = async () => {
    const problems: FormErrors = { ...missingPrices(price, 'price.') };
    if (!name.trim()) problems.name = 'Enter the alias clients will send, such as "gpt-4o-mini".';
    if (!providerId) problems['targets.0.providerId'] = 'Choose the provider to route to.';
    if (!upstreamModel.trim()) problems['targets.0.upstreamModel'] = 'Enter the model name the provider knows.';
    if (Object.keys(problems).length > 0) return refuse(problems);

    const body = parse(createModelRequestSchema, {
      name: name.trim(),
      targets: [{ providerId, upstreamModel }],
      price: priceBody(price),
    });
    if (!body) return;

    const result = await send(() =>
      callApi('POST', `/admin/products/${encodeURIComponent(product.id)}/models`, { body, schema: adminModelSchema }),
    );
    if (result.ok) onSaved(result.data);
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
        label="Alias"
        name="name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        hint="Unique across the platform."
        error={errors.name}
        required
        autoComplete="off"
        spellCheck={false}
        disabled={submitting}
        autoFocus
        className="sm:max-w-sm"
      />
      <fieldset className="grid gap-4 rounded-xl border border-slate-200 p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold text-slate-950">Target</legend>
        <SelectField
          label="Provider"
          name="providerId"
          value={providerId}
          onChange={(event) => setProviderId(event.target.value)}
          hint={providers.length === 0 ? 'Add an LLM provider first.' : undefined}
          error={errors['targets.0.providerId']}
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
          label="Upstream model"
          name="upstreamModel"
          value={upstreamModel}
          onChange={(event) => setUpstreamModel(event.target.value)}
          placeholder="gpt-4o-mini"
          error={errors['targets.0.upstreamModel']}
          required
          autoComplete="off"
          spellCheck={false}
          disabled={submitting}
        />
      </fieldset>
      <PriceFields values={price} onChange={setPrice} errors={errors} prefix="price." disabled={submitting} />

      {errors.form && (
        <Alert tone="danger" title="The model was not added">
          {errors.form}
        </Alert>
      )}
      <FormFooter submitting={submitting} label="Add model" busyLabel="Adding…" onCancel={onCancel} />
    </form>
  );
}

/** Sets a model's price from now on. The price in force ends now, so usage recorded before keeps its old price. */
export function PriceDialog({
  productId,
  model,
  onClose,
  onSaved,
}: {
  productId: string;
  model: AdminModelResponse | null;
  onClose: () => void;
  onSaved: (model: AdminModelResponse) => void;
}) {
  return (
    <Dialog
      open={model !== null}
      onClose={onClose}
      size="lg"
      title={model ? `Change the price of ${model.name}` : 'Change the price'}
      description="The new price applies from the moment you save. Usage recorded before keeps the price it was charged at: past costs and reports do not change."
    >
      {model && <PriceForm productId={productId} model={model} onCancel={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function PriceForm({
  productId,
  model,
  onCancel,
  onSaved,
}: {
  productId: string;
  model: AdminModelResponse;
  onCancel: () => void;
  onSaved: (model: AdminModelResponse) => void;
}) {
  const [price, setPrice] = useState<PriceValues>({
    inputPer1M: model.inputPricePer1M ?? '',
    outputPer1M: model.outputPricePer1M ?? '',
    cachedInputPer1M: model.cachedInputPricePer1M ?? '',
  });
  const { errors, submitting, formRef, refuse, parse, send, handleSubmit } = useApiForm({ labels: PRICE_LABELS });

  const submit = async () => {
    const missing = missingPrices(price);
    if (Object.keys(missing).length > 0) return refuse(missing);
    const body = parse(setModelPriceRequestSchema, priceBody(price));
    if (!body) return;

    const result = await send(() =>
      callApi('PUT', modelPath(productId, model.id, '/price'), { body, schema: adminModelSchema }),
    );
    if (result.ok) onSaved(result.data);
  };

  return (
    <form
      ref={formRef}
      onSubmit={handleSubmit(submit)}
      noValidate
      className="space-y-5"
      aria-busy={submitting || undefined}
    >
      <PriceFields values={price} onChange={setPrice} errors={errors} disabled={submitting} />
      {errors.form && (
        <Alert tone="danger" title="The price was not changed">
          {errors.form}
        </Alert>
      )}
      <FormFooter submitting={submitting} label="Set new price" busyLabel="Saving…" onCancel={onCancel} />
    </form>
  );
}

type History =
  { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; items: ModelPriceResponse[] };

/** Every price version of a model, newest first, read when the dialog opens. */
export function PriceHistoryDialog({
  productId,
  model,
  onClose,
}: {
  productId: string;
  model: AdminModelResponse | null;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={model !== null}
      onClose={onClose}
      size="lg"
      title={model ? `Price history of ${model.name}` : 'Price history'}
      description="USD per 1M tokens. Each call is charged at the version in force when it was made."
    >
      {model && <PriceHistory productId={productId} modelId={model.id} />}
    </Dialog>
  );
}

function PriceHistory({ productId, modelId }: { productId: string; modelId: string }) {
  const [history, setHistory] = useState<History>({ state: 'loading' });

  useEffect(() => {
    let current = true;
    void callApi('GET', modelPath(productId, modelId, '/prices'), { schema: modelPriceListSchema }).then((result) => {
      if (!current) return;
      setHistory(
        result.ok ? { state: 'done', items: result.data.items } : { state: 'error', message: result.error.message },
      );
    });
    return () => {
      current = false;
    };
  }, [productId, modelId]);

  if (history.state === 'loading')
    return (
      <div role="status" className="space-y-2">
        <span className="sr-only">Loading the price history…</span>
        <Skeleton className="h-8 w-full" />
        <Skeleton className="h-8 w-full" />
      </div>
    );
  if (history.state === 'error')
    return (
      <Alert tone="danger" title="The price history could not be read">
        {history.message}
      </Alert>
    );
  if (history.items.length === 0) return <p className="text-sm text-slate-600">This model has no price yet.</p>;
  return (
    <Table caption="Price versions, newest first">
      <TableHead>
        <tr>
          <TableHeaderCell>From</TableHeaderCell>
          <TableHeaderCell>Until</TableHeaderCell>
          <TableHeaderCell className="text-right">Input</TableHeaderCell>
          <TableHeaderCell className="text-right">Output</TableHeaderCell>
          <TableHeaderCell className="text-right">Cached</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody>
        {history.items.map((price) => (
          <TableRow key={price.id}>
            <TableCell className="whitespace-nowrap">{formatDateTime(price.effectiveFrom, 'UTC')} UTC</TableCell>
            <TableCell className="whitespace-nowrap">
              {price.effectiveTo ? `${formatDateTime(price.effectiveTo, 'UTC')} UTC` : 'In force'}
            </TableCell>
            <TableCell className="text-right tabular-nums">${price.inputPer1M}</TableCell>
            <TableCell className="text-right tabular-nums">${price.outputPer1M}</TableCell>
            <TableCell className="text-right tabular-nums">
              {price.cachedInputPer1M === null ? 'as input' : `$${price.cachedInputPer1M}`}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
