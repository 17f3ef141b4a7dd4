import { GatewayErrorCode } from '@gatehouse/contracts';
import { z } from 'zod';
import { GatewayError } from '../../../common/gateway-error';

const model = z.string({ error: 'you must provide a model parameter' }).min(1, 'you must provide a model parameter');
const streamOptions = z.looseObject({ include_usage: z.boolean().nullish() }).nullish();

/**
 * Minimal checks only (request policies are a stage of their own, still to come): what the gateway itself reads
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

const contentParts = z.union([z.string(), z.array(z.looseObject({ type: z.string() }))], {
  error: 'content must be a string or an array of content parts',
});
const functionToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

/**
 * A chat body as the translation to Anthropic's API reads it: checked only for Anthropic-format targets (an
 * OpenAI-format upstream judges its own body), so that a malformed message is a 400 naming its field rather than
 * a translation that breaks halfway. What Anthropic cannot express at all is refused by the translation itself.
 */
export const translatableChatRequestSchema = z.looseObject({
  messages: z.array(
    z.discriminatedUnion('role', [
      z.looseObject({ role: z.enum(['system', 'developer', 'user']), content: contentParts }),
      z.looseObject({
        role: z.literal('assistant'),
        content: contentParts.nullish(),
        tool_calls: z.array(functionToolCall).nullish(),
      }),
      z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content: contentParts }),
      // Refused by the translation, with its own message.
      z.looseObject({ role: z.literal('function') }),
    ]),
  ),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  n: z.number().nullish(),
  logprobs: z.boolean().nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  modalities: z.array(z.string()).nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  tools: z
    .array(
      z.discriminatedUnion('type', [
        z.looseObject({
          type: z.literal('function'),
          function: z.looseObject({
            name: z.string(),
            description: z.string().optional(),
            parameters: z.record(z.string(), z.unknown()).optional(),
          }),
        }),
        z.looseObject({ type: z.literal('custom') }),
      ]),
    )
    .nullish(),
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
