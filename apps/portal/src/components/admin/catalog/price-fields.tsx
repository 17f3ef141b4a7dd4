'use client';

import { TextField } from '@gatehouse/ui';
import type { FormErrors } from '../../forms/form-errors';

export interface PriceValues {
  inputPer1M: string;
  outputPer1M: string;
  cachedInputPer1M: string;
}

export const PRICE_LABELS: Record<string, string> = {
  inputPer1M: 'Input price',
  outputPer1M: 'Output price',
  cachedInputPer1M: 'Cached input price',
};

// People paste "$0.50" or "1,000": the sign and separators carry no meaning in a USD-per-1M price.
const clean = (value: string) => value.trim().replace(/^\$/, '').replace(/,/g, '');

/** The price as admin-api takes it: decimal strings, the cached price null when left empty. */
export function priceBody(values: PriceValues) {
  const cached = clean(values.cachedInputPer1M);
  return {
    inputPer1M: clean(values.inputPer1M),
    outputPer1M: clean(values.outputPer1M),
    cachedInputPer1M: cached === '' ? null : cached,
  };
}

/** Required prices checked before the schema, whose own message for an empty string says less. */
export function missingPrices(values: PriceValues, prefix = ''): FormErrors {
  const errors: FormErrors = {};
  if (!clean(values.inputPer1M)) errors[`${prefix}inputPer1M`] = 'Enter the input price, such as 0.15.';
  if (!clean(values.outputPer1M)) errors[`${prefix}outputPer1M`] = 'Enter the output price, such as 0.6.';
  return errors;
}

/** The three prices of a model, in USD per 1M tokens. `prefix` is the error path (`price.` inside a model). */
export function PriceFields({
  values,
  onChange,
  errors,
  prefix = '',
  disabled,
}: {
  values: PriceValues;
  onChange: (values: PriceValues) => void;
  errors: FormErrors;
  prefix?: string;
  disabled?: boolean;
}) {
  const field = (name: keyof PriceValues, label: string, hint?: string) => (
    <TextField
      label={label}
      name={name}
      inputMode="decimal"
      autoComplete="off"
      value={values[name]}
      onChange={(event) => onChange({ ...values, [name]: event.target.value })}
      hint={hint}
      error={errors[`${prefix}${name}`]}
      required={name !== 'cachedInputPer1M'}
      disabled={disabled}
    />
  );
  return (
    <fieldset>
      <legend className="text-sm font-semibold text-slate-950">Price, USD per 1M tokens</legend>
      <div className="mt-3 grid gap-4 sm:grid-cols-3">
        {field('inputPer1M', 'Input price')}
        {field('outputPer1M', 'Output price')}
        {field('cachedInputPer1M', 'Cached input price (optional)', 'Empty: charged as input.')}
      </div>
    </fieldset>
  );
}
