import { z } from 'zod';

/** Anthropic's wording: a missing field is "Field required", a wrong one says what it should be. */
function required(what: string) {
  return (issue: { input: unknown }) => (issue.input === undefined ? 'Field required' : `Input should be ${what}`);
}

const blockSchemas: Record<string, z.ZodType> = {
  text: z.looseObject({ text: z.string() }),
  image: z.looseObject({ source: z.looseObject({ type: z.string() }) }),
  tool_use: z.looseObject({ id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()).optional() }),
  tool_result: z.looseObject({
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
    is_error: z.boolean().optional(),
  }),
};

/**
 * A content block: any type (Anthropic adds some over time, and an Anthropic upstream judges them), but the ones
 * the gateway may translate must have the fields the translation reads.
 */
const contentBlock = z.looseObject({ type: z.string() }).superRefine((block, context) => {
  const result = blockSchemas[block.type]?.safeParse(block);
  for (const issue of result?.success === false ? result.error.issues : []) {
    context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
});

const content = z.union([z.string(), z.array(contentBlock)], {
  error: 'content must be a string or an array of content blocks',
});

/**
 * `POST /v1/messages` as Anthropic's API requires it: what the gateway reads (`model`, `stream`) and what either
 * kind of upstream needs to answer (`max_tokens`, well-formed `messages`). Every other field passes through to an
 * Anthropic upstream untouched; the translation for an OpenAI-format upstream refuses what it cannot express.
 */
export const messagesRequestSchema = z.looseObject({
  model: z.string({ error: required('a string') }).min(1, 'Field required'),
  max_tokens: z
    .number({ error: required('an integer') })
    .int()
    .min(1),
  messages: z
    .array(z.looseObject({ role: z.enum(['user', 'assistant']), content }), { error: required('a list') })
    .min(1, 'at least one message is required'),
  system: content.optional(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  tool_choice: z.looseObject({ type: z.string() }).optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
});

export type MessagesRequestBody = z.output<typeof messagesRequestSchema>;
