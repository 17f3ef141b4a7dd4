/**
 * Checks shared by the admin's decision dialogs (the limits' fields are in limit-fields.ts). They mirror what
 * admin-api accepts (docs/api.md, Subscriptions), so most mistakes are caught before a request is sent; admin-api's
 * own refusal still shows if one slips through.
 */

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
