import { z } from 'zod';
import { boolean, integerBetween, numberBetween, objectSchema, outputCap, string } from '../parameter-checks';
import { functionName, metadata, model, streamOptions } from '../openai/openai-request';

/**
 * OpenAI's Responses API request (`POST /v1/responses`) as its API reference defines it, checked so that a malformed
 * request is a 400 naming the field (`param: input[2].content[0].type`) before it costs a reservation or reaches an
 * upstream. The gateway serves it by translating it to chat completions, so what chat completions cannot do is
 * refused here with a message that says so: tools other than functions (web search, file search, computer use,
 * MCP...), item types other than messages, function calls, their outputs and reasoning, `background: true`,
 * stored prompts and conversations. Fields the reference does not define pass through untouched (and are not sent
 * upstream); `strict-params.ts` lists them for a policy that refuses them.
 */

const ITEM_TYPES = "'message', 'function_call', 'function_call_output' and 'reasoning'";

const detail = z.enum(['auto', 'low', 'high'], { error: "must be 'auto', 'low' or 'high'" }).nullish();

// ---- Content parts.

const inputText = z.looseObject({ type: z.literal('input_text'), text: string });
const inputImage = z
  .looseObject({ type: z.literal('input_image'), image_url: string.nullish(), file_id: string.nullish(), detail })
  .superRefine((part, context) => {
    if ((part.image_url ?? null) === null && (part.file_id ?? null) === null) {
      context.addIssue({ code: 'custom', path: ['image_url'], message: 'is required unless file_id is given' });
    }
  });
const inputFile = z.looseObject({
  type: z.literal('input_file'),
  file_data: string.optional(),
  file_id: string.nullish(),
  file_url: string.optional(),
  filename: string.optional(),
});
const outputText = z.looseObject({
  type: z.literal('output_text'),
  text: string,
  annotations: z.array(z.unknown(), { error: 'must be an array' }).optional(),
});
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: string });

type PartSchema = typeof inputText | typeof inputImage | typeof inputFile | typeof outputText | typeof refusal;

/** The part types a role may send, as their schemas (the error lists them). */
function partsOf<Parts extends readonly [PartSchema, ...PartSchema[]]>(parts: Parts, types: string) {
  return z
    .array(z.discriminatedUnion('type', parts, { error: `must be a content part of type ${types}` }), {
      error: 'must be a string or an array of content parts',
    })
    .min(1, 'must not be an empty array');
}

/** A string, or a non-empty array of the given parts. */
function contentOf<Parts extends readonly [PartSchema, ...PartSchema[]]>(parts: Parts, types: string) {
  return z.union([z.string(), partsOf(parts, types)], { error: 'must be a string or an array of content parts' });
}

const userContent = contentOf([inputText, inputImage, inputFile], "'input_text', 'input_image' or 'input_file'");
const instructionContent = contentOf([inputText], "'input_text'");
const assistantContent = contentOf([outputText, refusal, inputText], "'output_text', 'refusal' or 'input_text'");

// ---- Input items.

/** A message: `{role, content}` (OpenAI's "easy" form), or the same with `type: 'message'` as output items are. */
const messageFields = {
  type: z.literal('message').optional(),
  id: string.optional(),
  status: string.optional(),
};

const message = z.discriminatedUnion(
  'role',
  [
    z.looseObject({ ...messageFields, role: z.literal('user'), content: userContent }),
    z.looseObject({ ...messageFields, role: z.enum(['system', 'developer']), content: instructionContent }),
    z.looseObject({ ...messageFields, role: z.literal('assistant'), content: assistantContent }),
  ],
  { error: "must be one of 'user', 'assistant', 'system' or 'developer'" },
);

const functionCall = z.looseObject({
  type: z.literal('function_call'),
  call_id: string.min(1, 'must not be empty'),
  name: string.min(1, 'must not be empty'),
  arguments: string,
  id: string.optional(),
  status: string.optional(),
});

const functionCallOutput = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: string.min(1, 'must not be empty'),
  output: z.union(
    [z.string(), partsOf([inputText, inputImage, inputFile], "'input_text', 'input_image' or 'input_file'")],
    {
      error: 'must be a string or an array of content parts',
    },
  ),
  id: string.nullish(),
  status: string.nullish(),
});

/** A model's reasoning from an earlier answer: accepted in a replayed conversation, not sent upstream. */
const reasoning = z.looseObject({ type: z.literal('reasoning') });

const inputItem = z.discriminatedUnion('type', [message, functionCall, functionCallOutput, reasoning], {
  error: (issue) => {
    const type = typeOf(issue.input);
    return type === null
      ? `must be an input item of type ${ITEM_TYPES}`
      : `'${type}' items are not supported by this gateway (input items are ${ITEM_TYPES})`;
  },
});

const input = z.union(
  [
    z.string(),
    z.array(inputItem, { error: 'must be a string or an array of input items' }).min(1, 'must not be an empty array'),
  ],
  {
    error: (issue) =>
      issue.input === undefined ? 'you must provide an input' : 'must be a string or an array of input items',
  },
);

// ---- Tools, tool choice and the text format.

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: functionName,
  description: string.nullish(),
  parameters: objectSchema({ typeRequired: false }).nullish(),
  strict: boolean.nullish(),
});

const tool = z.discriminatedUnion('type', [functionTool], {
  error: (issue) => {
    const type = typeOf(issue.input);
    return type === null
      ? "must be a tool of type 'function'"
      : `'${type}' tools are not supported by this gateway (only 'function' tools are)`;
  },
});

const toolChoice = z
  .union(
    [
      // A string first, so that an object's issue is its own (`tool_choice.type`), not the enum's.
      z.string().pipe(z.enum(['none', 'auto', 'required'])),
      z.discriminatedUnion('type', [z.looseObject({ type: z.literal('function'), name: string })], {
        error: (issue) => {
          const type = typeOf(issue.input);
          return type === null
            ? "must be 'none', 'auto', 'required' or {type: 'function', name}"
            : `'${type}' tool choices are not supported by this gateway (only 'function' is)`;
        },
      }),
    ],
    { error: "must be 'none', 'auto', 'required' or {type: 'function', name}" },
  )
  .nullish();

const textFormat = z.discriminatedUnion(
  'type',
  [
    z.looseObject({ type: z.literal('text') }),
    z.looseObject({ type: z.literal('json_object') }),
    z.looseObject({
      type: z.literal('json_schema'),
      name: functionName,
      description: string.nullish(),
      schema: objectSchema({ typeRequired: false }),
      strict: boolean.nullish(),
    }),
  ],
  { error: "must be an object of type 'text', 'json_object' or 'json_schema'" },
);

const text = z
  .looseObject(
    {
      format: textFormat.nullish(),
      verbosity: z.enum(['low', 'medium', 'high'], { error: "must be 'low', 'medium' or 'high'" }).nullish(),
    },
    { error: 'must be an object' },
  )
  .nullish();

/** A parameter of OpenAI's that needs its own storage of prompts or conversations, which this gateway does not keep. */
function unsupported(what: string) {
  return z
    .unknown()
    .refine((value) => value === undefined || value === null, { error: `is not supported by this gateway: ${what}` })
    .optional();
}

export const responsesRequestSchema = z
  .looseObject({
    model,
    input: input.optional(),
    instructions: string.nullish(),
    tools: z.array(tool, { error: 'must be an array of tools' }).max(128, 'must have at most 128 tools').optional(),
    tool_choice: toolChoice,
    parallel_tool_calls: boolean.nullish(),
    text,
    temperature: numberBetween(0, 2).nullish(),
    top_p: numberBetween(0, 1).nullish(),
    max_output_tokens: outputCap.nullish(),
    store: boolean.nullish(),
    stream: boolean.nullish(),
    stream_options: streamOptions,
    previous_response_id: string.min(1, 'must not be empty').nullish(),
    metadata,
    user: string.optional(),
    background: boolean
      .refine((value) => value !== true, {
        error: 'is not supported by this gateway: every response is answered on the request that asked for it',
      })
      .nullish(),
    include: z.array(string, { error: 'must be an array of strings' }).nullish(),
    truncation: z.enum(['auto', 'disabled'], { error: "must be 'auto' or 'disabled'" }).nullish(),
    reasoning: z.looseObject({}, { error: 'must be an object' }).nullish(),
    service_tier: string.nullish(),
    safety_identifier: string.nullish(),
    prompt_cache_key: string.nullish(),
    top_logprobs: integerBetween(0, 20).nullish(),
    max_tool_calls: integerBetween(1, 1_000_000).nullish(),
    conversation: unsupported('continue a conversation with previous_response_id'),
    prompt: unsupported('prompt templates are kept by OpenAI; send the instructions and input instead'),
  })
  .superRefine((body, context) => {
    if ((body.stream_options ?? null) !== null && body.stream !== true) {
      context.addIssue({ code: 'custom', path: ['stream_options'], message: 'is only allowed when stream is true' });
    }
    if (body.input === undefined && (body.previous_response_id ?? null) === null) {
      context.addIssue({ code: 'custom', path: ['input'], message: 'you must provide an input' });
    }
    checkToolChoice(body, context);
  });

export type ResponsesRequestBody = z.output<typeof responsesRequestSchema>;

/** A tool choice that calls a tool needs tools, and a named one must be among them. */
function checkToolChoice(body: ResponsesRequestBody, context: z.core.$RefinementCtx): void {
  const choice = body.tool_choice;
  if (choice === null || choice === undefined || choice === 'none' || choice === 'auto') return;
  const tools = body.tools ?? [];
  if (tools.length === 0) {
    context.addIssue({ code: 'custom', path: ['tool_choice'], message: 'is only allowed when tools are specified' });
    return;
  }
  if (typeof choice === 'string') return;
  if (!tools.some((candidate) => candidate.name === choice.name)) {
    context.addIssue({
      code: 'custom',
      path: ['tool_choice', 'name'],
      message: `names the tool '${choice.name}', which is not among tools`,
    });
  }
}

function typeOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const type = (value as Record<string, unknown>)['type'];
  return typeof type === 'string' ? type : null;
}
