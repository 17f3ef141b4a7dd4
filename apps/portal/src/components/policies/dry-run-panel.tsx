'use client';

import {
  dryRunRequestSchema,
  dryRunResponseSchema,
  type DryRunOutcome,
  type DryRunResponse,
  type PolicyProblemResponse,
} from '@gatehouse/contracts';
import { useId, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  SelectField,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeaderCell,
  TableRow,
  TextField,
} from '@gatehouse/ui';
import { callApi } from '../../lib/api/client';
import type { PolicyEndpoints } from '../../lib/api/policy-endpoints';
import { formatDateTime, formatInteger } from '../../lib/format';
import { apiFormErrors, optional, schemaErrors, type FormErrors } from '../forms/form-errors';
import { useApiForm } from '../forms/use-api-form';
import { Icon } from '../icons';

/** One call to evaluate, as typed. */
interface CallRow {
  key: number;
  tenantId: string;
  product: string;
  model: string;
  clientIp: string;
  /** A `datetime-local` value, in the browser's time zone; empty for now. */
  at: string;
}

const WINDOWS = { none: 'No recorded calls', day: 'Last 24 hours', week: 'Last 7 days' } as const;
type WindowChoice = keyof typeof WINDOWS;
const WINDOW_MS: Record<Exclude<WindowChoice, 'none'>, number> = { day: 86_400_000, week: 7 * 86_400_000 };

/** admin-api evaluates at most this many calls at once (libs/contracts). */
const MAX_CALLS = 100;

const FIELDS = [
  ['tenantId', 'Tenant id'],
  ['product', 'Product'],
  ['model', 'Model'],
  ['clientIp', 'Client IP'],
  ['at', 'Time'],
] as const;

/**
 * Labels of the sent calls' fields, named by their row ("Call 2: Tenant id Invalid UUID"), under both spellings of
 * a call's path: the schema's `requests.0.model` and admin-api's `requests[0].model`.
 */
function rowLabels(rowIndexes: number[]): Record<string, string> {
  const labels: Record<string, string> = {};
  rowIndexes.forEach((rowIndex, sent) => {
    for (const [field, label] of FIELDS) {
      labels[`requests.${sent}.${field}`] = `Call ${rowIndex + 1}: ${label}`;
      labels[`requests[${sent}].${field}`] = `Call ${rowIndex + 1}: ${label}`;
    }
  });
  return labels;
}

/** Messages keyed by the sent calls' paths, moved to their rows' fields (`requests.<row>.model`). */
function onRows(errors: FormErrors, sent: CallRow[], rows: CallRow[]): FormErrors {
  const moved: FormErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const match = /^requests(?:\.(\d+)|\[(\d+)\])\.(.+)$/.exec(path);
    const row = match ? sent[Number(match[1] ?? match[2])] : undefined;
    moved[row && match ? `requests.${rows.indexOf(row)}.${match[3]}` : path] = message;
  }
  return moved;
}

type Submitted = { rows: CallRow[]; response: DryRunResponse };

/**
 * Evaluates the edited text, unsaved, against calls typed here and against the calls recorded over a recent window,
 * and shows what it would decide beside what the documents in force decide now. Nothing is saved or enforced.
 */
export function DryRunPanel({
  endpoints,
  yaml,
  defaultTenantId,
  products,
  timeZone,
  onProblems,
}: {
  endpoints: PolicyEndpoints;
  /** The editor's text, the candidate. */
  yaml: string;
  /** Prefills a new call's tenant on the admin route (a tenant document's own tenant). */
  defaultTenantId?: string;
  /** Product slugs and their model names, offered as suggestions. */
  products: { slug: string; models: string[] }[];
  timeZone: string;
  onProblems: (problems: PolicyProblemResponse[]) => void;
}) {
  const nextKey = useRef(1);
  const newRow = (): CallRow => ({
    key: nextKey.current++,
    tenantId: defaultTenantId ?? '',
    product: '',
    model: '',
    clientIp: '',
    at: '',
  });
  const [rows, setRows] = useState<CallRow[]>(() => [newRow()]);
  const [windowChoice, setWindowChoice] = useState<WindowChoice>('none');
  const [submitted, setSubmitted] = useState<Submitted | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const productListId = useId();
  const modelListId = useId();
  const { errors, submitting, formRef, refuse, send, handleSubmit } = useApiForm();

  const update = (key: number, field: keyof Omit<CallRow, 'key'>, value: string) =>
    setRows((current) => current.map((row) => (row.key === key ? { ...row, [field]: value } : row)));

  const run = async () => {
    // A row with nothing but its prefilled tenant is not a call.
    const calls = rows.filter((row) => row.product.trim() || row.model.trim() || row.clientIp.trim() || row.at);
    const problems: FormErrors = {};
    if (calls.length === 0 && windowChoice === 'none') {
      problems.form = 'Describe a call, or choose a window of recorded calls to evaluate.';
    }
    if (endpoints.callsNameTenant) {
      calls.forEach((row) => {
        if (!row.tenantId.trim())
          problems[`requests.${rows.indexOf(row)}.tenantId`] = 'Enter the tenant whose call it is.';
      });
    }
    if (Object.keys(problems).length > 0) return refuse(problems);

    const now = Date.now();
    const draft = {
      yaml,
      requests: calls.map((row) => ({
        ...(endpoints.callsNameTenant && { tenantId: row.tenantId.trim() }),
        product: optional(row.product),
        model: optional(row.model) ?? null,
        clientIp: optional(row.clientIp) ?? null,
        at: row.at ? localToIso(row.at) : undefined,
      })),
      ...(windowChoice !== 'none' && {
        window: { from: new Date(now - WINDOW_MS[windowChoice]).toISOString(), to: new Date(now).toISOString() },
      }),
    };
    // The schema's and admin-api's paths count the calls sent; the form's fields count every row.
    const labels = rowLabels(calls.map((row) => rows.indexOf(row)));
    const toRows = (sent: FormErrors) => onRows(sent, calls, rows);
    const parsed = dryRunRequestSchema.safeParse(draft);
    if (!parsed.success) return refuse(toRows(schemaErrors(parsed.error, labels)));
    const result = await send(
      () => callApi('POST', endpoints.dryRun, { body: parsed.data, schema: dryRunResponseSchema }),
      (error) => toRows(apiFormErrors(error, labels)),
    );
    if (!result.ok) return;
    setSubmitted({ rows: calls, response: result.data });
    if (!result.data.valid) onProblems(result.data.errors);
    requestAnimationFrame(() => resultRef.current?.focus());
  };

  return (
    <div className="space-y-6">
      <form
        ref={formRef}
        onSubmit={handleSubmit(run)}
        noValidate
        className="space-y-4"
        aria-busy={submitting || undefined}
        aria-label="Dry run"
      >
        <datalist id={productListId}>
          {products.map((product) => (
            <option key={product.slug} value={product.slug} />
          ))}
        </datalist>
        <datalist id={modelListId}>
          {[...new Set(products.flatMap((product) => product.models))].map((model) => (
            <option key={model} value={model} />
          ))}
        </datalist>

        {rows.map((row, index) => (
          <fieldset key={row.key} className="rounded-xl border border-slate-200 p-4">
            <legend className="px-1 text-sm font-semibold text-slate-950">Call {index + 1}</legend>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
              {endpoints.callsNameTenant && (
                <TextField
                  label="Tenant id"
                  value={row.tenantId}
                  onChange={(event) => update(row.key, 'tenantId', event.target.value)}
                  error={errors[`requests.${index}.tenantId`]}
                  autoComplete="off"
                  spellCheck={false}
                  className="sm:col-span-2"
                  disabled={submitting}
                />
              )}
              <TextField
                label="Product"
                value={row.product}
                onChange={(event) => update(row.key, 'product', event.target.value)}
                error={errors[`requests.${index}.product`]}
                placeholder="the model's"
                list={productListId}
                autoComplete="off"
                disabled={submitting}
              />
              <TextField
                label="Model"
                value={row.model}
                onChange={(event) => update(row.key, 'model', event.target.value)}
                error={errors[`requests.${index}.model`]}
                list={modelListId}
                autoComplete="off"
                disabled={submitting}
              />
              <TextField
                label="Client IP"
                value={row.clientIp}
                onChange={(event) => update(row.key, 'clientIp', event.target.value)}
                error={errors[`requests.${index}.clientIp`]}
                placeholder="10.1.2.3"
                autoComplete="off"
                spellCheck={false}
                disabled={submitting}
              />
              <TextField
                label="Time"
                type="datetime-local"
                value={row.at}
                onChange={(event) => update(row.key, 'at', event.target.value)}
                error={errors[`requests.${index}.at`]}
                className={endpoints.callsNameTenant ? '' : 'sm:col-span-2'}
                disabled={submitting}
              />
            </div>
            {rows.length > 1 && (
              <Button
                variant="ghost"
                size="sm"
                className="mt-3"
                onClick={() => setRows((current) => current.filter((other) => other.key !== row.key))}
                disabled={submitting}
              >
                Remove call {index + 1}
              </Button>
            )}
          </fieldset>
        ))}
        <p className="text-sm text-slate-600">
          An empty time is now; a time is in your browser&apos;s time zone, and the hours rules read it in the
          tenant&apos;s. An empty product is the one that offers the model.
        </p>

        <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
            <Button
              variant="secondary"
              onClick={() => setRows((current) => [...current, newRow()])}
              disabled={submitting || rows.length >= MAX_CALLS}
            >
              <Icon name="plus" className="size-4" />
              Add a call
            </Button>
            <SelectField
              label="Recorded calls"
              value={windowChoice}
              onChange={(event) => setWindowChoice(event.target.value as WindowChoice)}
              disabled={submitting}
              className="sm:w-56"
            >
              {Object.entries(WINDOWS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </SelectField>
          </div>
          <Button type="submit" loading={submitting}>
            {submitting ? 'Running…' : 'Dry run'}
          </Button>
        </div>

        {errors.form && (
          <Alert tone="danger" title="The dry run did not run">
            {errors.form}
          </Alert>
        )}
      </form>

      <div ref={resultRef} tabIndex={-1} className="outline-none">
        {submitted && <DryRunResult submitted={submitted} timeZone={timeZone} />}
      </div>
    </div>
  );
}

/** A `datetime-local` value (browser time, no zone) as an instant. */
function localToIso(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

const DECISION = {
  allow: { label: 'Allowed', tone: 'success' },
  deny: { label: 'Denied', tone: 'danger' },
  monitor: { label: 'Monitored', tone: 'warning' },
} as const;

function Outcome({ outcome }: { outcome: DryRunOutcome }) {
  const decision = DECISION[outcome.decision];
  return (
    <div className="space-y-1">
      <Badge tone={decision.tone}>{decision.label}</Badge>
      {outcome.rule && (
        <span className="block text-xs text-slate-700">
          <code className="font-mono">{outcome.rule}</code>
          {outcome.policy && <span className="text-slate-500"> in {outcome.policy}</span>}
        </span>
      )}
      {outcome.message && <span className="block max-w-80 text-xs break-words text-slate-500">{outcome.message}</span>}
    </div>
  );
}

const sameOutcome = (a: DryRunOutcome, b: DryRunOutcome) =>
  a.decision === b.decision && a.rule === b.rule && a.policy === b.policy;

function callSummary(row: CallRow | undefined): string {
  if (!row) return 'Call';
  const parts = [row.model.trim() || (row.product.trim() ? 'an HTTP call' : 'any model')];
  if (row.product.trim()) parts.push(`on ${row.product.trim()}`);
  if (row.clientIp.trim()) parts.push(`from ${row.clientIp.trim()}`);
  if (row.at) parts.push(`at ${row.at.replace('T', ' ')}`);
  return parts.join(' ');
}

function DryRunResult({ submitted, timeZone }: { submitted: Submitted; timeZone: string }) {
  const { rows, response } = submitted;
  if (!response.valid) {
    return (
      <Alert tone="danger" title="Nothing was evaluated">
        The document has problems; they are marked at their lines in the editor above.
      </Alert>
    );
  }
  const window = response.window;
  const zoneSuffix = timeZone === 'UTC' ? ' UTC' : '';
  return (
    <div className="space-y-6">
      {response.requests.length > 0 && (
        <Table caption="Dry run: each call with this text and with the documents in force" showCaption>
          <TableHead>
            <tr>
              <TableHeaderCell>Call</TableHeaderCell>
              <TableHeaderCell>With this text</TableHeaderCell>
              <TableHeaderCell>In force now</TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {response.requests.map((call) => {
              const changed = !sameOutcome(call.candidate, call.current);
              return (
                <TableRow key={call.index} data-call={call.index + 1}>
                  <TableCell className="align-top">
                    <span className="block font-medium text-slate-900">Call {call.index + 1}</span>
                    <span className="block text-xs text-slate-500">{callSummary(rows[call.index])}</span>
                    {changed && (
                      <Badge tone="brand" className="mt-1">
                        Changes
                      </Badge>
                    )}
                  </TableCell>
                  <TableCell className="align-top">
                    <Outcome outcome={call.candidate} />
                  </TableCell>
                  <TableCell className="align-top">
                    <Outcome outcome={call.current} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}

      {window && (
        <section aria-labelledby="dry-run-window" className="space-y-3">
          <h3 id="dry-run-window" className="text-sm font-semibold text-slate-950">
            Recorded calls, {formatDateTime(window.from, timeZone)} to {formatDateTime(window.to, timeZone)}
            {zoneSuffix}
          </h3>
          <p className="text-sm text-slate-600">
            {formatInteger(window.evaluated)} calls evaluated
            {window.truncated && ' (the newest ones only: the window holds more)'}.
            {window.notEvaluated.length > 0 && (
              <>
                {' '}
                Not evaluated, because the calls do not record what they need:{' '}
                {window.notEvaluated.map((rule, index) => (
                  <span key={rule}>
                    {index > 0 && ', '}
                    <code className="font-mono text-xs">{rule}</code>
                  </span>
                ))}
                .
              </>
            )}
          </p>
          {window.byRule.length === 0 ? (
            <p className="text-sm text-slate-600">This text would refuse or report none of them.</p>
          ) : (
            <Table caption="Recorded calls this text would refuse or report, by tenant and rule">
              <TableHead>
                <tr>
                  <TableHeaderCell>Rule</TableHeaderCell>
                  <TableHeaderCell className="hidden sm:table-cell">Tenant</TableHeaderCell>
                  <TableHeaderCell>Decision</TableHeaderCell>
                  <TableHeaderCell className="text-right">Calls</TableHeaderCell>
                  <TableHeaderCell className="text-right">Newly refused</TableHeaderCell>
                </tr>
              </TableHead>
              <TableBody>
                {window.byRule.map((count) => (
                  <TableRow key={`${count.tenantId} ${count.policy} ${count.rule} ${count.decision}`}>
                    <TableCell className="align-top">
                      <code className="block font-mono text-xs text-slate-900">{count.rule}</code>
                      <span className="block text-xs text-slate-500">in {count.policy}</span>
                      <span className="block font-mono text-xs break-all text-slate-500 sm:hidden">
                        {count.tenantId}
                      </span>
                    </TableCell>
                    <TableCell className="hidden align-top font-mono text-xs break-all sm:table-cell">
                      {count.tenantId}
                    </TableCell>
                    <TableCell className="align-top">
                      <Badge tone={DECISION[count.decision].tone}>{DECISION[count.decision].label}</Badge>
                    </TableCell>
                    <TableCell className="text-right align-top tabular-nums">{formatInteger(count.count)}</TableCell>
                    <TableCell className="text-right align-top tabular-nums">
                      {formatInteger(count.newlyRefused)}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </section>
      )}
    </div>
  );
}
