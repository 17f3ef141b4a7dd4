import type { z } from 'zod';
import { fieldErrors, type AdminApiError } from '../../lib/api/errors';

/**
 * Error handling shared by the portal's forms (see `useApiForm`). They check a body against the same zod schema
 * admin-api uses before sending it, then map admin-api's own refusal (a `400 validation_failed` per field, or a
 * `409` conflict) onto the same fields, so people read one kind of message either way.
 */

/** Messages keyed by field path (`name`, `price.inputPer1M`, `limits.rpm`); `form` is for the whole form. */
export type FormErrors = Record<string, string>;

/** The schema's complaints as "Label message" ("Name must be kebab-case…"), the first one per field. */
export function schemaErrors(error: z.ZodError, labels: Record<string, string>): FormErrors {
  const errors: FormErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.');
    const label = labels[path];
    if (label) errors[path] ??= `${label} ${issue.message}`;
    else errors.form ??= issue.message;
  }
  return errors;
}

/**
 * admin-api's refusal on the form's fields: per-field reasons of a 400, a conflict code the form knows placed on
 * its field, and anything else as a message for the whole form.
 */
export function apiFormErrors(
  error: AdminApiError,
  labels: Record<string, string>,
  conflicts: Record<string, { field: string; message: string }> = {},
): FormErrors {
  const errors: FormErrors = {};
  for (const [field, reason] of Object.entries(fieldErrors(error))) {
    if (labels[field]) errors[field] = `${labels[field]} ${reason}`;
    else errors.form ??= `${field}: ${reason}`;
  }
  const conflict = conflicts[error.code];
  if (conflict) errors[conflict.field] = conflict.message;
  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}

/** After a refused submit, take the keyboard (and a phone's viewport) to the first field that needs a change. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** An optional text field: empty means "not set". */
export const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
