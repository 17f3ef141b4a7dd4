import type { z } from 'zod';
import { ProviderError, type ProviderDialect } from './provider-error';

/** Formats the first zod issue the way the provider words a bad request, naming the field at fault. */
function describeIssue(
  issue: z.core.$ZodIssue,
  dialect: ProviderDialect,
): { message: string; param: string | null; code: string | null } {
  const path = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  if (path === '') return { message: 'The request body must be a JSON object.', param: null, code: 'invalid_type' };
  if (dialect === 'anthropic') {
    return { message: missing ? `${path}: Field required` : `${path}: ${issue.message}`, param: path, code: null };
  }
  if (missing)
    return { message: `Missing required parameter: '${path}'.`, param: path, code: 'missing_required_parameter' };
  return {
    message: `Invalid value for '${path}': ${issue.message}`,
    param: path,
    code: issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value',
  };
}

/** Validates a request body; a bad one is a provider-shaped 400, never a 500. */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  dialect: ProviderDialect,
): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const { message, param } = issue ? describeIssue(issue, dialect) : { message: 'Invalid request body.', param: null };
  throw new ProviderError(400, message, { param });
}
