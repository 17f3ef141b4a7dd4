import type { z } from 'zod';
import { useRef, useState, type FormEvent } from 'react';
import type { ApiResult } from '../../lib/api/client';
import type { AdminApiError } from '../../lib/api/errors';
import { apiFormErrors, focusFirstInvalid, schemaErrors, type FormErrors } from './form-errors';

type Conflicts = Record<string, { field: string; message: string }>;

export interface ApiFormOptions {
  /** Field path → label, for the schema's and admin-api's per-field messages ("Name must be…"). */
  labels?: Record<string, string>;
  /** Refusal codes the form places on one of its fields; a function when the message comes from the refusal. */
  conflicts?: Conflicts | ((error: AdminApiError) => Conflicts);
}

/**
 * The state every portal form repeats: its errors by field, whether a request is on the way, and the form element
 * to move focus in. A submit runs client checks, then the `libs/contracts` schema, then admin-api; a refusal at
 * any step lands on the field it is about, and on a form that carries `formRef` the focus goes there too.
 */
export function useApiForm({ labels = {}, conflicts = {} }: ApiFormOptions = {}) {
  const [errors, setErrors] = useState<FormErrors>({});
  const [submitting, setSubmitting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const refuse = (problems: FormErrors) => {
    setErrors(problems);
    focusFirstInvalid(formRef.current);
  };

  /** The body as the contract schema reads it, or undefined after its complaints were shown at their fields. */
  const parse = <Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> | undefined => {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    refuse(schemaErrors(parsed.error, labels));
    return undefined;
  };

  /**
   * Sends the request with the form held busy. A refusal is shown at its fields unless `intercept` takes it (a
   * request decided elsewhere, a form with its own wording) by returning the errors to show, or null for none.
   */
  const send = async <T>(
    request: () => Promise<ApiResult<T>>,
    intercept?: (error: AdminApiError) => FormErrors | null | undefined,
  ): Promise<ApiResult<T>> => {
    setErrors({});
    setSubmitting(true);
    const result = await request();
    setSubmitting(false);
    if (!result.ok) {
      const taken = intercept?.(result.error);
      if (taken === null) return result;
      const known = typeof conflicts === 'function' ? conflicts(result.error) : conflicts;
      refuse(taken ?? apiFormErrors(result.error, labels, known));
    }
    return result;
  };

  /** The form's `onSubmit`: the browser does not navigate, the caller's work runs (given the form element). */
  const handleSubmit = (work: (form: HTMLFormElement) => unknown) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void work(event.currentTarget);
  };

  return { errors, setErrors, submitting, formRef, refuse, parse, send, handleSubmit };
}
