import { LIMIT_NAMES, type LimitName, type Limits } from '@gatehouse/contracts';

/**
 * The form fields of the limits (the admin API's limit names, docs/api.md), derived from the contract's list of names: the plan dialog and
 * the approval dialog both build their inputs from here. The bounds are the ones admin-api checks (docs/api.md,
 * Plans), so most mistakes are caught before a request is sent.
 */

const INT32_MAX = 2_147_483_647;

export type NumericLimitName = Exclude<LimitName, 'allowedModels'>;

export interface LimitField {
  name: NumericLimitName;
  label: string;
  /** Rates are int columns (bursts may be 0); quotas are bigints read as JSON numbers, exact up to 2^53 - 1. */
  min: number;
  max: number;
  kind: 'integer' | 'usd';
}

// Keyed by name: a limit added to the contract does not compile here until it has a label and bounds.
const FIELD_BY_NAME: Record<NumericLimitName, Omit<LimitField, 'name'>> = {
  rpm: { label: 'Requests per minute', min: 1, max: INT32_MAX, kind: 'integer' },
  rpmBurst: { label: 'Request burst', min: 0, max: INT32_MAX, kind: 'integer' },
  tpm: { label: 'Tokens per minute', min: 1, max: INT32_MAX, kind: 'integer' },
  tpmBurst: { label: 'Token burst', min: 0, max: INT32_MAX, kind: 'integer' },
  concurrency: { label: 'Concurrent requests', min: 1, max: INT32_MAX, kind: 'integer' },
  dailyTokens: { label: 'Daily tokens', min: 1, max: Number.MAX_SAFE_INTEGER, kind: 'integer' },
  monthlyTokens: { label: 'Monthly tokens', min: 1, max: Number.MAX_SAFE_INTEGER, kind: 'integer' },
  monthlyCalls: { label: 'Monthly calls', min: 1, max: Number.MAX_SAFE_INTEGER, kind: 'integer' },
  monthlyBudgetUsd: { label: 'Monthly budget (USD)', min: 0, max: 0, kind: 'usd' },
};

export const limitField = (name: NumericLimitName): LimitField => ({ name, ...FIELD_BY_NAME[name] });

/** Every numeric limit, in the contract's order. */
export const LIMIT_FIELDS: LimitField[] = LIMIT_NAMES.filter(
  (name): name is NumericLimitName => name !== 'allowedModels',
).map(limitField);

export const ALLOWED_MODELS_LABEL = 'Allowed models';

/** Field labels by path (`limits.rpm`), for mapping schema and admin-api errors onto the fields. */
export const LIMIT_LABELS: Record<string, string> = {
  'limits.allowedModels': ALLOWED_MODELS_LABEL,
  ...Object.fromEntries(LIMIT_FIELDS.map((field) => [`limits.${field.name}`, field.label])),
};

// People paste "1,000,000", "1 000 000" or "$25": separators and the currency sign carry no meaning here.
const clean = (raw: string) =>
  raw
    .trim()
    .replace(/[\s,_]/g, '')
    .replace(/^\$/, '');

const format = new Intl.NumberFormat('en-US');

/** One limit as admin-api takes it: null for an empty field (unlimited), or an error message. */
export function parseLimit(field: LimitField, raw: string): { value: number | string | null } | { error: string } {
  const text = clean(raw);
  if (text === '') return { value: null };
  if (text.startsWith('-')) return { error: 'Enter a positive amount, or leave it empty for unlimited.' };
  if (field.kind === 'usd') {
    // admin-api stores numeric(18,6): at most 12 digits before the point and 6 after.
    if (!/^\d{1,12}(\.\d{1,6})?$/.test(text)) return { error: 'Enter an amount in US dollars, such as 250 or 99.50.' };
    return { value: text };
  }
  if (!/^\d+$/.test(text)) return { error: 'Enter a whole number, without decimals.' };
  const value = Number(text);
  if (value < field.min) return { error: `Enter at least ${field.min}, or leave it empty for unlimited.` };
  if (value > field.max) return { error: `Enter at most ${format.format(field.max)}.` };
  return { value };
}

/** The text fields' starting values: each limit as typed, empty for unlimited. */
export function limitInputValues(limits: Limits | null | undefined): Record<NumericLimitName, string> {
  return Object.fromEntries(
    LIMIT_FIELDS.map((field) => {
      const value = limits?.[field.name];
      return [field.name, value === null || value === undefined ? '' : String(value)];
    }),
  ) as Record<NumericLimitName, string>;
}

/** A comma- or space-separated list of model names as typed; empty = every model of the product (null). */
export function parseModelList(raw: string): string[] | null {
  const names = [...new Set(raw.split(/[\s,]+/).filter((name) => name !== ''))];
  return names.length === 0 ? null : names;
}
