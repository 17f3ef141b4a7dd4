import { GatewayErrorCode } from '@gatehouse/contracts';
import { z } from 'zod';
import { GatewayError } from '../../common/gateway-error';

/**
 * The largest output cap (`max_tokens`, `max_completion_tokens`) the gateway passes on. No model answers with more
 * than a few hundred thousand tokens, so a larger value is a client's mistake: a 400 naming the field, rather than
 * a reservation no plan can hold (a 429) or an upstream's refusal after the limits were taken.
 */
export const MAX_OUTPUT_TOKENS = 1_000_000;

/** A number in [min, max]; the message names the range whatever was wrong (type or value). */
export function numberBetween(min: number, max: number) {
  return z
    .number({ error: `must be a number between ${min} and ${max}` })
    .min(min)
    .max(max);
}

/** An integer in [min, max]. */
export function integerBetween(min: number, max: number) {
  return z
    .number({ error: `must be an integer between ${min} and ${max}` })
    .int()
    .min(min)
    .max(max);
}

/** Any integer JSON can carry exactly (a seed). */
export const integer = z.number({ error: 'must be an integer' }).int();

export const boolean = z.boolean({ error: 'must be a boolean' });

export const string = z.string({ error: 'must be a string' });

/** An output cap: a positive integer no model would exceed. */
export const outputCap = integerBetween(1, MAX_OUTPUT_TOKENS);

/**
 * A JSON Schema of an object, as tools' parameters and Anthropic's `input_schema` take it: a JSON object whose
 * `type`, when given, is `object` (`required` says whether `type` must be given).
 */
export function objectSchema({ typeRequired }: { typeRequired: boolean }) {
  return z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' }).superRefine((schema, context) => {
    const type = schema['type'];
    if (type === 'object' || (type === undefined && !typeRequired)) return;
    context.addIssue({
      code: 'custom',
      path: ['type'],
      message: type === undefined ? "is required: the schema's type must be 'object'" : "must be 'object'",
    });
  });
}

/**
 * How `param` writes a path into the body: `messages.2.content.0.type` (the chat and messages endpoints, as they
 * always have), or `input[2].content[0].type` (the Responses API, as OpenAI's own errors there name fields).
 */
export type ParamStyle = 'dots' | 'brackets';

/**
 * The body as the schema reads it, or 400 `invalid_request_error` with `param` naming the first offending field
 * (a path into the body, `messages.2.content.0.type`) and a message that starts with it.
 */
export function parseRequestBody<Schema extends z.ZodType<Record<string, unknown>>>(
  schema: Schema,
  body: unknown,
  style: ParamStyle = 'dots',
): z.output<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw GatewayError.of(GatewayErrorCode.InvalidRequest, 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  if (issue === undefined) throw GatewayError.of(GatewayErrorCode.InvalidRequest, 'Invalid request body.');
  const { path, message } = explain(issue, []);
  const param = path.length === 0 ? null : formatPath(path, style);
  throw GatewayError.of(GatewayErrorCode.InvalidRequest, param === null ? message : `${param}: ${message}`, param);
}

function formatPath(path: PropertyKey[], style: ParamStyle): string {
  if (style === 'dots') return path.map(String).join('.');
  return path.reduce<string>((written, part) => {
    if (typeof part === 'number') return `${written}[${part}]`;
    return written === '' ? String(part) : `${written}.${String(part)}`;
  }, '');
}

interface Explained {
  path: PropertyKey[];
  message: string;
}

/**
 * A union's issue names the union only (`content`); when exactly one of its options had the value's type (an
 * array where a string or an array was allowed), that option's own first issue says more (`content.0.text`).
 */
function explain(issue: z.core.$ZodIssue, base: PropertyKey[]): Explained {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const typed = issue.errors.filter((branch) => !branch.every(isWrongTypeAtRoot));
    const [only] = typed;
    const [first] = only ?? [];
    if (typed.length === 1 && first !== undefined) return explain(first, path);
  }
  return { path, message: issue.message };
}

function isWrongTypeAtRoot(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}
