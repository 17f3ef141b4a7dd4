import { z } from 'zod';
import { boolean, integer, integerBetween, numberBetween, objectSchema, outputCap, string } from '../parameter-checks';

/**
 * OpenAI's request bodies as its API reference defines them (chat completions, legacy completions, embeddings):
 * every documented parameter is checked for its type and range, so that a malformed request is a 400 naming the
 * field (`param`) before it costs a reservation or reaches an upstream. Fields the reference does not define pass
 * through untouched (providers add their own); `strict-params.ts` lists them for a policy that refuses them.
 * Documented fields that are not checked closely are still listed (some as `unknown`), so that each schema's keys
 * are the endpoint's whole parameter list.
 */

export const model = z
  .string({ error: 'you must provide a model parameter' })
  .min(1, 'you must provide a model parameter');

/** A function or tool name, as OpenAI allows it. */
export const functionName = z
  .string({ error: 'must be a string' })
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes');

const temperature = numberBetween(0, 2).nullish();
const topP = numberBetween(0, 1).nullish();
const penalty = numberBetween(-2, 2).nullish();
const seed = integer.nullish();
const user = string.nullish();

/**
 * `n`: OpenAI takes 1 to 128 choices; the gateway serves one per request. The answer's policies (redaction and its
 * restore, output rules ending a choice with `content_filter`) and the response cache are designed for a single
 * answer, and Anthropic-format targets cannot produce several: refused with a message that says so, not forwarded.
 */
const choiceCount = integerBetween(1, 128)
  .refine((n) => n === 1, { error: 'the gateway serves one choice per request: leave n out or set it to 1' })
  .nullish();

const stop = z
  .union(
    [
      z.string(),
      z.array(z.string({ error: 'must be a string' })).max(4, 'must be a string or an array of up to 4 strings'),
    ],
    { error: 'must be a string or an array of up to 4 strings' },
  )
  .nullish();

/** Token id (as a string) → bias from -100 to 100. */
const logitBias = z
  .record(z.string().regex(/^\d+$/, 'keys must be token ids'), numberBetween(-100, 100), {
    error: 'must be an object of token ids to numbers between -100 and 100',
  })
  .nullish();

/** Up to 16 string pairs, keys up to 64 characters, values up to 512. */
export const metadata = z
  .record(
    z.string().max(64, 'keys must be at most 64 characters'),
    z.string({ error: 'values must be strings' }).max(512, 'values must be at most 512 characters'),
    { error: 'must be an object of strings' },
  )
  .refine((pairs) => Object.keys(pairs).length <= 16, { error: 'must have at most 16 keys' })
  .nullish();

export const streamOptions = z
  .looseObject(
    { include_usage: boolean.nullish(), include_obfuscation: boolean.nullish() },
    { error: 'must be an object' },
  )
  .nullish();

// ---- Chat messages: each role with the content parts the reference allows it.

const textPart = z.looseObject({ type: z.literal('text'), text: string });
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: string });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject(
    {
      url: string,
      detail: z.enum(['auto', 'low', 'high'], { error: "must be 'auto', 'low' or 'high'" }).optional(),
    },
    { error: 'must be an object with a url' },
  ),
});
const audioPart = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject(
    { data: string, format: z.enum(['wav', 'mp3'], { error: "must be 'wav' or 'mp3'" }) },
    { error: 'must be an object with data and format' },
  ),
});
const filePart = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject(
    { file_data: string.optional(), file_id: string.optional(), filename: string.optional() },
    { error: 'must be an object' },
  ),
});

type PartSchema = typeof textPart | typeof refusalPart | typeof imagePart | typeof audioPart | typeof filePart;

/** A string, or a non-empty array of the given parts. */
function contentOf<Parts extends readonly [PartSchema, ...PartSchema[]]>(parts: Parts) {
  const types = parts.map((part) => `'${part.shape.type.value}'`).join(', ');
  return z.union(
    [
      z.string(),
      z
        .array(z.discriminatedUnion('type', parts, { error: `must be a content part of type ${types}` }))
        .min(1, 'must not be an empty array'),
    ],
    { error: 'must be a string or an array of content parts' },
  );
}

const textContent = contentOf([textPart]);
const userContent = contentOf([textPart, imagePart, audioPart, filePart]);
const assistantContent = contentOf([textPart, refusalPart]);

const toolCall = z.discriminatedUnion(
  'type',
  [
    z.looseObject({
      id: string,
      type: z.literal('function'),
      function: z.looseObject({ name: string, arguments: string }, { error: 'must be an object' }),
    }),
    z.looseObject({
      id: string,
      type: z.literal('custom'),
      custom: z.looseObject({ name: string, input: string }, { error: 'must be an object' }),
    }),
  ],
  { error: "must be a tool call of type 'function' or 'custom'" },
);

const messageName = string.optional();

const chatMessage = z.discriminatedUnion(
  'role',
  [
    z.looseObject({ role: z.enum(['system', 'developer']), content: textContent, name: messageName }),
    z.looseObject({ role: z.literal('user'), content: userContent, name: messageName }),
    z
      .looseObject({
        role: z.literal('assistant'),
        content: assistantContent.nullish(),
        refusal: string.nullish(),
        name: messageName,
        tool_calls: z.array(toolCall, { error: 'must be an array of tool calls' }).nullish(),
        function_call: z.looseObject({ name: string, arguments: string }, { error: 'must be an object' }).nullish(),
        audio: z.looseObject({ id: string }, { error: 'must be an object with an id' }).nullish(),
      })
      .superRefine((message, context) => {
        const said =
          (message.content ?? null) !== null ||
          (message.tool_calls ?? []).length > 0 ||
          (message.function_call ?? null) !== null ||
          (message.audio ?? null) !== null;
        if (!said) {
          context.addIssue({
            code: 'custom',
            path: ['content'],
            message: 'is required unless the assistant message has tool_calls',
          });
        }
      }),
    z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: string }),
    // Deprecated by OpenAI for `tool`, still in its reference.
    z.looseObject({ role: z.literal('function'), name: string, content: string.nullable() }),
  ],
  { error: "must be one of 'system', 'developer', 'user', 'assistant', 'tool' or 'function'" },
);

type ChatMessage = z.output<typeof chatMessage>;

// ---- Tools, tool choice and response format.

const tool = z.discriminatedUnion(
  'type',
  [
    z.looseObject({
      type: z.literal('function'),
      function: z.looseObject(
        {
          name: functionName,
          description: string.optional(),
          parameters: objectSchema({ typeRequired: false }).optional(),
          strict: boolean.nullish(),
        },
        { error: 'must be an object with a name' },
      ),
    }),
    z.looseObject({
      type: z.literal('custom'),
      custom: z.looseObject(
        { name: functionName, description: string.optional(), format: z.looseObject({}).optional() },
        { error: 'must be an object with a name' },
      ),
    }),
  ],
  { error: "must be a tool of type 'function' or 'custom'" },
);

const toolChoice = z
  .union(
    [
      z.enum(['none', 'auto', 'required'], { error: "must be 'none', 'auto', 'required' or an object naming a tool" }),
      z.discriminatedUnion('type', [
        z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: string }) }),
        z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: string }) }),
        z.looseObject({
          type: z.literal('allowed_tools'),
          allowed_tools: z.looseObject({
            mode: z.enum(['auto', 'required'], { error: "must be 'auto' or 'required'" }),
            tools: z.array(z.looseObject({ type: string }), { error: 'must be an array of tools' }),
          }),
        }),
      ]),
    ],
    { error: "must be 'none', 'auto', 'required' or an object naming a tool" },
  )
  .nullish();

const responseFormat = z
  .discriminatedUnion(
    'type',
    [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject(
          {
            name: functionName,
            description: string.optional(),
            schema: objectSchema({ typeRequired: false }),
            strict: boolean.nullish(),
          },
          { error: 'must be an object with a name and a schema' },
        ),
      }),
    ],
    { error: "must be an object of type 'text', 'json_object' or 'json_schema'" },
  )
  .nullish();

// ---- The endpoints.

/** The fields every OpenAI text endpoint shares (chat and legacy completions). */
const generationFields = {
  model,
  stream: boolean.nullish(),
  stream_options: streamOptions,
  max_tokens: outputCap.nullish(),
  temperature,
  top_p: topP,
  presence_penalty: penalty,
  frequency_penalty: penalty,
  n: choiceCount,
  stop,
  seed,
  logit_bias: logitBias,
  user,
};

export const chatCompletionRequestSchema = z
  .looseObject({
    ...generationFields,
    messages: z.array(chatMessage, { error: 'messages must be an array' }).min(1, 'messages must not be empty'),
    max_completion_tokens: outputCap.nullish(),
    logprobs: boolean.nullish(),
    top_logprobs: integerBetween(0, 20).nullish(),
    tools: z.array(tool, { error: 'must be an array of tools' }).max(128, 'must have at most 128 tools').nullish(),
    tool_choice: toolChoice,
    parallel_tool_calls: boolean.nullish(),
    response_format: responseFormat,
    metadata,
    store: boolean.nullish(),
    safety_identifier: string.nullish(),
    prompt_cache_key: string.nullish(),
    reasoning_effort: string.nullish(),
    verbosity: string.nullish(),
    service_tier: string.nullish(),
    modalities: z.array(string, { error: 'must be an array of strings' }).nullish(),
    audio: z.unknown().optional(),
    prediction: z.unknown().optional(),
    web_search_options: z.unknown().optional(),
    // Deprecated by OpenAI for `tools` and `tool_choice`.
    functions: z.unknown().optional(),
    function_call: z.unknown().optional(),
  })
  .superRefine((body, context) => {
    requireStreamForOptions(body, context);
    if (body.top_logprobs !== null && body.top_logprobs !== undefined && body.logprobs !== true) {
      context.addIssue({ code: 'custom', path: ['top_logprobs'], message: 'requires logprobs to be true' });
    }
    checkToolChoice(body, context);
    checkToolMessages(body.messages, context);
  });

const tokenId = z.number({ error: 'token ids must be integers of 0 or more' }).int().min(0);

/** A prompt or embedding input: a string, strings, token ids, or arrays of token ids; arrays never empty. */
function textOrTokens({
  name,
  maxItems,
  nonEmptyStrings,
}: {
  name: string;
  maxItems: number;
  nonEmptyStrings: boolean;
}) {
  const text = nonEmptyStrings ? z.string().min(1, 'must not be an empty string') : z.string();
  const many = (item: z.ZodType) =>
    z.array(item).min(1, 'must not be an empty array').max(maxItems, `must have at most ${maxItems} items`);
  return z.union([text, many(text), many(tokenId), many(z.array(tokenId).min(1, 'must not be an empty array'))], {
    error: (issue) =>
      issue.input === undefined
        ? `you must provide ${name}`
        : 'must be a string, an array of strings, an array of token ids or an array of token id arrays',
  });
}

export const completionRequestSchema = z
  .looseObject({
    ...generationFields,
    prompt: textOrTokens({ name: 'a prompt', maxItems: 2048, nonEmptyStrings: false }),
    best_of: integerBetween(1, 20).nullish(),
    echo: boolean.nullish(),
    logprobs: integerBetween(0, 5).nullish(),
    suffix: string.nullish(),
  })
  .superRefine((body, context) => {
    requireStreamForOptions(body, context);
    const bestOf = body.best_of ?? 1;
    if (bestOf < (body.n ?? 1)) {
      context.addIssue({ code: 'custom', path: ['best_of'], message: 'must be at least n' });
    }
    if (bestOf > 1 && body.stream === true) {
      context.addIssue({ code: 'custom', path: ['best_of'], message: 'cannot be used with stream' });
    }
  });

export const embeddingRequestSchema = z.looseObject({
  model,
  input: textOrTokens({ name: 'an input', maxItems: 2048, nonEmptyStrings: true }),
  dimensions: integerBetween(1, 65_536).nullish(),
  encoding_format: z.enum(['float', 'base64'], { error: "must be 'float' or 'base64'" }).nullish(),
  user,
});

/** What the gateway reads of any of these bodies; the rest passes through. */
export interface OpenAiRequestBody extends Record<string, unknown> {
  model: string;
  stream?: boolean | null;
  stream_options?: ({ include_usage?: boolean | null } & Record<string, unknown>) | null;
}

type Context = z.core.$RefinementCtx;

function requireStreamForOptions(body: { stream?: boolean | null; stream_options?: unknown }, context: Context): void {
  if ((body.stream_options ?? null) !== null && body.stream !== true) {
    context.addIssue({ code: 'custom', path: ['stream_options'], message: 'is only allowed when stream is true' });
  }
}

interface ToolFields {
  tools?: z.output<typeof tool>[] | null;
  tool_choice?: z.output<typeof toolChoice>;
}

/** A tool choice that calls a tool needs tools, and a named one must be among them. */
function checkToolChoice({ tools, tool_choice: choice }: ToolFields, context: Context): void {
  if (choice === null || choice === undefined || choice === 'none' || choice === 'auto') return;
  if ((tools ?? []).length === 0) {
    context.addIssue({ code: 'custom', path: ['tool_choice'], message: 'is only allowed when tools are specified' });
    return;
  }
  if (typeof choice === 'string' || choice.type === 'allowed_tools') return;
  const name = choice.type === 'function' ? choice.function.name : choice.custom.name;
  const offered = (tools ?? []).some((candidate) =>
    candidate.type === 'function'
      ? choice.type === 'function' && candidate.function.name === name
      : choice.type === 'custom' && candidate.custom.name === name,
  );
  if (!offered) {
    context.addIssue({
      code: 'custom',
      path: ['tool_choice', choice.type, 'name'],
      message: `names the tool '${name}', which is not among tools`,
    });
  }
}

/**
 * OpenAI's rule for tool results: a `tool` message answers a call of the assistant message before it, and an
 * assistant message's calls are all answered before the conversation goes on. (Calls still unanswered at the end
 * are left to the upstream.)
 */
function checkToolMessages(messages: ChatMessage[], context: Context): void {
  let pending: { index: number; ids: Set<string> } | null = null;
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (pending === null) {
        context.addIssue({
          code: 'custom',
          path: ['messages', index, 'role'],
          message: "messages with role 'tool' must be a response to a preceding message with 'tool_calls'",
        });
        return;
      }
      if (!pending.ids.delete(message.tool_call_id)) {
        context.addIssue({
          code: 'custom',
          path: ['messages', index, 'tool_call_id'],
          message: `'${message.tool_call_id}' answers no tool call of the preceding assistant message`,
        });
        return;
      }
      continue;
    }
    if (pending !== null && pending.ids.size > 0) {
      context.addIssue({
        code: 'custom',
        path: ['messages', pending.index, 'tool_calls'],
        message:
          "an assistant message with 'tool_calls' must be followed by tool messages responding to each " +
          `'tool_call_id' (not answered: ${[...pending.ids].join(', ')})`,
      });
      return;
    }
    const calls = message.role === 'assistant' ? (message.tool_calls ?? []) : [];
    pending = calls.length > 0 ? { index, ids: new Set(calls.map((call) => call.id)) } : null;
  }
}
