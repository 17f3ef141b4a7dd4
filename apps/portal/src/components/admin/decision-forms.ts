/**
 * Parsing and checks shared by the admin's decision dialogs. They mirror what admin-api accepts (docs/api.md,
 * Subscriptions), so most mistakes are caught before a request is sent; admin-api's own refusal still shows if one
 * slips through.
 */

const INT32_MAX = 2_147_483_647;

export type OverrideName = 'monthlyBudgetUsd' | 'monthlyTokens' | 'rpm' | 'tpm';

export interface OverrideField {
  name: OverrideName;
  label: string;
  /** Rates are int columns; quotas are bigints read as JSON numbers, exact up to 2^53 - 1. */
  max: number;
  kind: 'usd' | 'integer';
}

export const OVERRIDE_FIELDS: OverrideField[] = [
  { name: 'monthlyBudgetUsd', label: 'Monthly budget (USD)', max: 0, kind: 'usd' },
  {
    name: 'monthlyTokens',
    label: 'Monthly tokens',
    max: Number.MAX_SAFE_INTEGER,
    kind: 'integer',
  },
  { name: 'rpm', label: 'Requests per minute', max: INT32_MAX, kind: 'integer' },
  { name: 'tpm', label: 'Tokens per minute', max: INT32_MAX, kind: 'integer' },
];

// People paste "1,000,000", "1 000 000" or "$25": separators and the currency sign carry no meaning here.
const clean = (raw: string) =>
  raw
    .trim()
    .replace(/[\s,_]/g, '')
    .replace(/^\$/, '');

/**
 * One override as admin-api takes it: a decimal string for the budget, a whole number otherwise; `undefined` for an
 * empty field (keep the plan's value). Returns an error message instead when the text is not acceptable.
 */
export function parseOverride(
  field: OverrideField,
  raw: string,
): { ok: true; value: string | number | undefined } | { ok: false; error: string } {
  const text = clean(raw);
  if (text === '') return { ok: true, value: undefined };
  if (field.kind === 'usd') {
    if (text.startsWith('-')) return { ok: false, error: 'The budget cannot be negative.' };
    // admin-api stores numeric(18,6): at most 12 digits before the point and 6 after.
    if (!/^\d{1,12}(\.\d{1,6})?$/.test(text))
      return { ok: false, error: 'Enter an amount in US dollars, such as 250 or 99.50 (up to 6 decimals).' };
    return { ok: true, value: text };
  }
  if (text.startsWith('-')) return { ok: false, error: 'Enter a positive whole number.' };
  if (!/^\d+$/.test(text)) return { ok: false, error: 'Enter a whole number, without decimals.' };
  const value = Number(text);
  // A zero rate or quota would block every call; admin-api refuses it, and the plan's "unlimited" is kept by
  // leaving the field empty.
  if (value < 1) return { ok: false, error: 'Enter at least 1, or leave it empty to keep the plan’s limit.' };
  if (value > field.max)
    return { ok: false, error: `Enter at most ${new Intl.NumberFormat('en-US').format(field.max)}.` };
  return { ok: true, value };
}

/** `YYYY-MM-DD` of the day after today in the browser's zone: the earliest expiry a date picker offers. */
export function tomorrowDate(now: Date = new Date()): string {
  const date = new Date(now);
  date.setDate(date.getDate() + 1);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The end of the chosen day in the browser's zone, as an ISO instant: a grant ends when that day does. */
export function endOfDayInstant(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

export const REASON_MAX = 1000;

/** Codes that mean the subscription is no longer in the state the page showed: decided elsewhere, or gone. */
export const STALE_CODES = new Set(['invalid_transition', 'subscription_not_found']);
