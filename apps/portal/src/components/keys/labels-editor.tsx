'use client';

import { type KeyMetadata, keyMetadataSchema, MAX_KEY_LABELS } from '@gatehouse/contracts';
import { useId } from 'react';
import { Button } from '@gatehouse/ui';
import type { FormErrors } from '../forms/form-errors';
import { Icon } from '../icons';

/**
 * A key's metadata labels as rows of name and value, which the policies' `access.keyMetadata` rules read. Used by
 * the create dialog and the edit dialog; both keep the rows in state and turn them into the request's `metadata`
 * with `labelsToMetadata`, whose problems (and admin-api's, through `labelServerErrors`) land on the row they are
 * about: `labels.<row id>.name`, `labels.<row id>.value`, or `metadata` for the whole set.
 */

export interface LabelRow {
  /** Stable across edits, so an error stays on its row when another row is removed. */
  id: number;
  name: string;
  value: string;
}

let nextRowId = 0;

export function labelRow(name = '', value = ''): LabelRow {
  return { id: nextRowId++, name, value };
}

/** The rows of a key's stored labels, by name. */
export function labelRows(metadata: KeyMetadata): LabelRow[] {
  return Object.entries(metadata)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => labelRow(name, value));
}

const NAME_RULE = 'Start with a lower-case letter, then use only a-z, 0-9, “.”, “_” or “-” (at most 63 characters).';

const nameField = (row: LabelRow) => `labels.${row.id}.name`;
const valueField = (row: LabelRow) => `labels.${row.id}.value`;

/**
 * The request's `metadata` from the rows (blank rows left out, names and values trimmed), or the problems to show:
 * a half-filled row, a name used twice, and whatever the contract's label schema refuses.
 */
export function labelsToMetadata(rows: LabelRow[]): { metadata: KeyMetadata; errors: FormErrors } {
  const errors: FormErrors = {};
  const metadata: Record<string, string> = {};
  const rowByName = new Map<string, LabelRow>();
  for (const row of rows) {
    const name = row.name.trim();
    const value = row.value.trim();
    if (!name && !value) continue;
    if (!name) errors[nameField(row)] = 'Give the label a name, such as “team”.';
    else if (rowByName.has(name)) errors[nameField(row)] = `The label “${name}” is already set above.`;
    if (!value) errors[valueField(row)] = 'Give the label a value, such as “search”.';
    if (!name || !value || rowByName.has(name)) continue;
    rowByName.set(name, row);
    metadata[name] = value;
  }
  const parsed = keyMetadataSchema.safeParse(metadata);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const row = issue.path.length > 0 ? rowByName.get(String(issue.path[0])) : undefined;
    if (!row) errors.metadata ??= `A key can have at most ${MAX_KEY_LABELS} labels.`;
    else if (issue.code === 'invalid_key') errors[nameField(row)] ??= NAME_RULE;
    else errors[valueField(row)] ??= `Value ${issue.message}.`;
  }
  return { metadata, errors };
}

/** admin-api's per-field reasons about labels (`metadata.<name>`, `metadata`) on the rows they are about. */
export function labelServerErrors(byField: Record<string, string>, rows: LabelRow[]): FormErrors {
  const errors: FormErrors = {};
  for (const [field, reason] of Object.entries(byField)) {
    if (field === 'metadata') errors.metadata = `Labels: ${reason}.`;
    if (!field.startsWith('metadata.')) continue;
    const name = field.slice('metadata.'.length);
    const row = rows.find((candidate) => candidate.name.trim() === name);
    if (!row) errors.metadata ??= `Label “${name}”: ${reason}.`;
    else if (reason.startsWith('label name')) errors[nameField(row)] = NAME_RULE;
    else errors[valueField(row)] = `Value ${reason}.`;
  }
  return errors;
}

export function LabelsEditor({
  rows,
  onChange,
  errors,
  disabled,
}: {
  rows: LabelRow[];
  onChange: (rows: LabelRow[]) => void;
  errors: FormErrors;
  disabled?: boolean;
}) {
  const id = useId();
  const update = (row: LabelRow, change: Partial<LabelRow>) =>
    onChange(rows.map((candidate) => (candidate.id === row.id ? { ...candidate, ...change } : candidate)));

  return (
    <fieldset aria-describedby={`${id}-hint${errors.metadata ? ` ${id}-error` : ''}`}>
      <legend className="text-sm font-medium text-slate-900">
        Labels <span className="font-normal text-slate-500">(optional)</span>
      </legend>
      <p id={`${id}-hint`} className="mt-1 text-sm text-slate-600">
        Policies can admit or refuse a key by its labels, such as team = search. Up to {MAX_KEY_LABELS}.
      </p>
      {rows.length > 0 && (
        <ul className="mt-3 space-y-2">
          {rows.map((row, index) => {
            const nameError = errors[nameField(row)];
            const valueError = errors[valueField(row)];
            const position = index + 1;
            return (
              <li key={row.id}>
                <div className="flex items-start gap-2">
                  <LabelInput
                    ariaLabel={`Label ${position}`}
                    placeholder="team"
                    value={row.name}
                    onChange={(name) => update(row, { name })}
                    error={nameError}
                    errorId={`${id}-${row.id}-name-error`}
                    disabled={disabled}
                    autoFocus={row.name === '' && row.value === '' && index === rows.length - 1}
                  />
                  <span aria-hidden="true" className="pt-2.5 text-slate-400">
                    =
                  </span>
                  <LabelInput
                    ariaLabel={`Value of label ${position}`}
                    placeholder="search"
                    value={row.value}
                    onChange={(value) => update(row, { value })}
                    error={valueError}
                    errorId={`${id}-${row.id}-value-error`}
                    disabled={disabled}
                  />
                  <Button
                    variant="ghost"
                    size="sm"
                    className="mt-1"
                    aria-label={`Remove label ${position}`}
                    onClick={() => onChange(rows.filter((candidate) => candidate.id !== row.id))}
                    disabled={disabled}
                  >
                    <Icon name="close" className="size-4" />
                  </Button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <Button
        variant="secondary"
        size="sm"
        className="mt-3"
        onClick={() => onChange([...rows, labelRow()])}
        disabled={disabled || rows.length >= MAX_KEY_LABELS}
      >
        <Icon name="plus" className="size-4" />
        Add label
      </Button>
      {errors.metadata && (
        <p id={`${id}-error`} className="mt-2 text-sm font-medium text-rose-700">
          {errors.metadata}
        </p>
      )}
    </fieldset>
  );
}

function LabelInput({
  ariaLabel,
  placeholder,
  value,
  onChange,
  error,
  errorId,
  disabled,
  autoFocus,
}: {
  ariaLabel: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  errorId: string;
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <div className="min-w-0 flex-1">
      <input
        type="text"
        aria-label={ariaLabel}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        disabled={disabled}
        autoFocus={autoFocus}
        className={`block h-10 w-full rounded-lg border bg-white px-3 text-base text-slate-950 shadow-xs transition-colors outline-none placeholder:text-slate-400 focus:border-indigo-500 focus:ring-3 focus:ring-indigo-500/20 disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500 sm:text-sm ${error ? 'border-rose-400' : 'border-slate-300 hover:border-slate-400'}`}
      />
      {error && (
        <p id={errorId} className="mt-1 text-sm font-medium text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
