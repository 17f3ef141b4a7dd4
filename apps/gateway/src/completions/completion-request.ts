import { GatewayErrorCode } from '@gatehouse/contracts';
import { z } from 'zod';
import { GatewayError } from '../common/gateway-error';

const model = z.string({ error: 'you must provide a model parameter' }).min(1, 'you must provide a model parameter');
const streamOptions = z.looseObject({ include_usage: z.boolean().nullish() }).nullish();

/**
 * Minimal checks only (ARCHITECTURE §3 step 4 owns the real request policies): what the gateway itself reads
 * (`model`, `stream`, `stream_options`) and the one field without which the upstream cannot answer. Every other
 * field passes through untouched, for the provider to judge.
 */
export const chatCompletionRequestSchema = z.looseObject({
  model,
  messages: z.array(z.unknown(), { error: 'messages must be an array' }).min(1, 'messages must not be empty'),
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
});

export const completionRequestSchema = z.looseObject({
  model,
  prompt: z.unknown().refine((value) => value !== undefined && value !== null, 'you must provide a prompt'),
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
});

export const embeddingRequestSchema = z.looseObject({
  model,
  input: z.union([z.string(), z.array(z.unknown()).min(1)], {
    error: 'input must be a string or a non-empty array',
  }),
});

/** What the gateway reads of any of these bodies; the rest passes through. */
export interface OpenAiRequestBody extends Record<string, unknown> {
  model: string;
  stream?: boolean | null;
  stream_options?: ({ include_usage?: boolean | null } & Record<string, unknown>) | null;
}

/** The body as the schema reads it, or 400 `invalid_request_error` naming the first offending field. */
export function parseRequestBody<Schema extends z.ZodType<Record<string, unknown>>>(
  schema: Schema,
  body: unknown,
): z.output<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw GatewayError.of(GatewayErrorCode.InvalidRequest, 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const param = issue === undefined || issue.path.length === 0 ? null : issue.path.map(String).join('.');
  throw GatewayError.of(
    GatewayErrorCode.InvalidRequest,
    issue === undefined ? 'Invalid request body.' : `${param === null ? '' : `${param}: `}${issue.message}`,
    param,
  );
}
