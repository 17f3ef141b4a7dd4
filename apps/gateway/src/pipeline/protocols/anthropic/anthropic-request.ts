import { z } from 'zod';
import { boolean, integerBetween, numberBetween, objectSchema, outputCap, string } from '../parameter-checks';

/** Anthropic's wording: a missing field is "Field required", a wrong one says what it should be. */
function required(what: string) {
  return (issue: { input: unknown }) => (issue.input === undefined ? 'Field required' : `Input should be ${what}`);
}

/** Anthropic's limit on one request's messages. */
export const MAX_ANTHROPIC_MESSAGES = 100_000;

const toolName = z
  .string({ error: 'must be a string' })
  .regex(/^[a-zA-Z0-9_-]{1,128}$/, 'must be 1 to 128 letters, digits, underscores or dashes');

const imageSource = z
  .looseObject({ type: string }, { error: 'must be an object with a type' })
  .superRefine((source, context) => {
    for (const issue of imageSources.get(source.type)?.safeParse(source).error?.issues ?? []) {
      context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
  });

/** A Map, not an object: a `type` such as `constructor` must not find an inherited property. */
const imageSources = new Map<string, z.ZodType>(
  Object.entries({
    base64: z.looseObject({
      media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp'], {
        error: "must be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
      }),
      data: string,
    }),
    url: z.looseObject({ url: string }),
    file: z.looseObject({ file_id: string }),
  }),
);

const textBlock = z.looseObject({
  type: z.literal('text', { error: "must be 'text'" }),
  text: string.min(1, 'text content blocks must be non-empty'),
});

/** The blocks whose fields the reference fixes; other types pass (betas add some, and the upstream judges them). */
const blockSchemas = new Map<string, z.ZodType>(
  Object.entries({
    text: textBlock,
    image: z.looseObject({ source: imageSource }),
    document: z.looseObject({ source: z.looseObject({ type: string }, { error: 'must be an object with a type' }) }),
    tool_use: z.looseObject({
      id: string,
      name: string,
      input: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
    }),
    tool_result: z.looseObject({
      tool_use_id: string,
      content: z
        .union([z.string(), z.array(z.looseObject({ type: string }))], {
          error: 'must be a string or an array of content blocks',
        })
        .optional(),
      is_error: boolean.optional(),
    }),
    thinking: z.looseObject({ thinking: string, signature: string }),
    redacted_thinking: z.looseObject({ data: string }),
  }),
);

/**
 * A content block: any type, but the ones the reference defines (which the translation reads too) must have their
 * fields.
 */
const contentBlock = z
  .looseObject({ type: string }, { error: 'must be a content block object' })
  .superRefine((block, context) => {
    for (const issue of blockSchemas.get(block.type)?.safeParse(block).error?.issues ?? []) {
      context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
  });

type ContentBlock = z.output<typeof contentBlock>;

const content = z.union([z.string(), z.array(contentBlock)], {
  error: 'content must be a string or an array of content blocks',
});

const message = z.looseObject({
  role: z.enum(['user', 'assistant'], { error: "must be 'user' or 'assistant'" }),
  content,
});

type Message = z.output<typeof message>;

/** A tool the client runs (`type` absent or `custom`); Anthropic's server tools carry their own `type`. */
const clientTool = z.looseObject({
  name: toolName,
  description: string.optional(),
  input_schema: objectSchema({ typeRequired: true }),
});

const tool = z
  .looseObject({ type: string.nullish(), name: string }, { error: 'must be a tool object' })
  .superRefine((candidate, context) => {
    if (candidate.type !== undefined && candidate.type !== null && candidate.type !== 'custom') return;
    for (const issue of clientTool.safeParse(candidate).error?.issues ?? []) {
      context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
  });

const toolChoice = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.enum(['auto', 'any', 'none']), disable_parallel_tool_use: boolean.optional() }),
    z.looseObject({ type: z.literal('tool'), name: string, disable_parallel_tool_use: boolean.optional() }),
  ],
  { error: "must be an object of type 'auto', 'any', 'tool' or 'none'" },
);

/** Extended thinking: when enabled, a budget of at least 1,024 tokens (other kinds are the upstream's to judge). */
const thinking = z
  .looseObject({ type: string }, { error: 'must be an object with a type' })
  .superRefine((config, context) => {
    if (config.type !== 'enabled') return;
    const budget = integerBetween(1024, Number.MAX_SAFE_INTEGER).safeParse(config['budget_tokens']);
    if (!budget.success) {
      context.addIssue({ code: 'custom', path: ['budget_tokens'], message: 'must be an integer of 1024 or more' });
    }
  });

/** The fields of a Messages request that describe the prompt, which `count_tokens` reads too. */
const promptFields = {
  model: z.string({ error: required('a string') }).min(1, 'Field required'),
  messages: z
    .array(message, { error: required('a list') })
    .min(1, 'at least one message is required')
    .max(MAX_ANTHROPIC_MESSAGES, `must have at most ${MAX_ANTHROPIC_MESSAGES} messages`),
  system: z
    .union([z.string(), z.array(textBlock, { error: "must be text blocks (type 'text')" })], {
      error: 'must be a string or an array of text blocks',
    })
    .optional(),
  tools: z.array(tool, { error: 'must be an array of tools' }).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  mcp_servers: z.unknown().optional(),
  context_management: z.unknown().optional(),
};

/**
 * `POST /v1/messages` as Anthropic's API reference defines it: every documented parameter checked for its type
 * and range, the messages for their roles, blocks and the pairing of tool uses with their results, so that a
 * malformed request is a 400 (in Anthropic's shape) before it costs a reservation or reaches an upstream. Fields
 * the reference does not define pass through to an Anthropic upstream untouched; the translation for an
 * OpenAI-format upstream refuses what it cannot express.
 */
export const messagesRequestSchema = z
  .looseObject({
    ...promptFields,
    max_tokens: z.number({ error: required('an integer') }).pipe(outputCap),
    stream: boolean.optional(),
    stop_sequences: z.array(string, { error: 'must be an array of strings' }).optional(),
    temperature: numberBetween(0, 1).optional(),
    top_p: numberBetween(0, 1).optional(),
    top_k: integerBetween(0, Number.MAX_SAFE_INTEGER).optional(),
    metadata: z
      .looseObject(
        { user_id: string.max(256, 'must be at most 256 characters').nullish() },
        { error: 'must be an object' },
      )
      .optional(),
    service_tier: string.optional(),
    container: z.unknown().optional(),
  })
  .superRefine((body, context) => {
    checkMessages(body.messages, context);
    checkToolChoice(body, context);
  });

export type MessagesRequestBody = z.output<typeof messagesRequestSchema>;

/**
 * `POST /v1/messages/count_tokens`: a Messages request without `max_tokens` (nothing is generated), read by the
 * same rules, so that a conversation the count accepts is one `/v1/messages` accepts too.
 */
export const countTokensRequestSchema = z.looseObject(promptFields).superRefine((body, context) => {
  checkMessages(body.messages, context);
  checkToolChoice(body, context);
});

type Context = z.core.$RefinementCtx;

/**
 * The rules Anthropic states for the conversation: consecutive messages of one role make one turn; every message
 * has content but the final assistant one (a prefill); tool uses come from the assistant and tool results from
 * the user; a turn that follows tool uses answers each of them, and a tool result answers a use of the turn just
 * before.
 */
function checkMessages(messages: Message[], context: Context): void {
  let previousUses = new Set<string>();
  let turnUses = new Set<string>();
  let answered = new Set<string>();
  let turnStart = 0;
  for (const [index, entry] of messages.entries()) {
    const last = index === messages.length - 1;
    const opensTurn = index === 0 || messages[index - 1]?.role !== entry.role;
    if (opensTurn && index > 0) {
      if (!closeTurn(messages, turnStart, previousUses, answered, context)) return;
      previousUses = messages[turnStart]?.role === 'assistant' ? turnUses : new Set();
      turnUses = new Set();
      answered = new Set();
      turnStart = index;
    }
    if (entry.content.length === 0 && !(last && entry.role === 'assistant')) {
      context.addIssue({
        code: 'custom',
        path: ['messages', index, 'content'],
        message: 'must not be empty (only the final assistant message may be)',
      });
      return;
    }
    if (typeof entry.content === 'string') continue;
    for (const [position, block] of entry.content.entries()) {
      const path = ['messages', index, 'content', position];
      if (!checkBlock(entry.role, block, path, previousUses, context)) return;
      if (block.type === 'tool_use') turnUses.add(String(block['id']));
      if (block.type === 'tool_result') answered.add(String(block['tool_use_id']));
    }
  }
  closeTurn(messages, turnStart, previousUses, answered, context);
}

/** A user turn after tool uses must answer each; `false` once an issue was added. */
function closeTurn(
  messages: Message[],
  turnStart: number,
  previousUses: Set<string>,
  answered: Set<string>,
  context: Context,
): boolean {
  if (messages[turnStart]?.role !== 'user') return true;
  const unanswered = [...previousUses].filter((id) => !answered.has(id));
  if (unanswered.length === 0) return true;
  context.addIssue({
    code: 'custom',
    path: ['messages', turnStart],
    message: `tool_use ids were found without tool_result blocks immediately after: ${unanswered.join(', ')}`,
  });
  return false;
}

function checkBlock(
  role: Message['role'],
  block: ContentBlock,
  path: (string | number)[],
  previousUses: Set<string>,
  context: Context,
): boolean {
  if (block.type === 'tool_use' && role !== 'assistant') {
    context.addIssue({
      code: 'custom',
      path: [...path, 'type'],
      message: 'tool_use blocks belong to assistant messages',
    });
    return false;
  }
  if (block.type === 'tool_result') {
    if (role !== 'user') {
      context.addIssue({
        code: 'custom',
        path: [...path, 'type'],
        message: 'tool_result blocks belong to user messages',
      });
      return false;
    }
    const id = String(block['tool_use_id']);
    if (!previousUses.has(id)) {
      context.addIssue({
        code: 'custom',
        path: [...path, 'tool_use_id'],
        message: `'${id}' matches no tool_use block of the previous assistant message`,
      });
      return false;
    }
  }
  return true;
}

/** A tool choice that uses tools needs them, and a named one must be among them. */
function checkToolChoice(body: Pick<MessagesRequestBody, 'tools' | 'tool_choice'>, context: Context): void {
  const choice = body.tool_choice;
  if (choice === undefined || choice.type === 'auto' || choice.type === 'none') return;
  const tools = body.tools ?? [];
  if (tools.length === 0) {
    context.addIssue({ code: 'custom', path: ['tool_choice'], message: 'requires tools' });
    return;
  }
  if (choice.type === 'tool' && !tools.some((candidate) => candidate.name === choice['name'])) {
    context.addIssue({
      code: 'custom',
      path: ['tool_choice', 'name'],
      message: `names the tool '${String(choice['name'])}', which is not among tools`,
    });
  }
}
