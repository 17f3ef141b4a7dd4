import { z } from 'zod';
import type { AnthropicStreamEvent } from './anthropic-types';
import { openAiFinishReasonOf } from './anthropic-to-openai-response';
import {
  OPENAI_STREAM_DONE,
  type OpenAiChatCompletionChunk,
  type OpenAiFinishReason,
  type OpenAiStreamDone,
  type OpenAiUsage,
} from './openai-types';
import { UpstreamTranslationError } from './translation-error';
import { openAiUsageOf, tokenCountsFromAnthropic } from './usage-mapping';

export interface AnthropicToOpenAiStreamOptions {
  /** The model name the client asked for (the public alias). */
  model: string;
  /** The chunk id shared by every chunk of the stream (the gateway passes its request id). */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The client's `stream_options.include_usage`: adds `usage: null` to every chunk and a last usage chunk. */
  includeUsage: boolean;
}

export type OpenAiStreamOutput = OpenAiChatCompletionChunk | OpenAiStreamDone;

export interface AnthropicToOpenAiStreamTranslator {
  /** One upstream event in, the OpenAI chunks it produces out (often none: ping, block stops, message_delta). */
  push(event: AnthropicStreamEvent): OpenAiChatCompletionChunk[];
  /**
   * After the upstream stream ended: the finish-reason chunk, the usage chunk when asked, then `[DONE]`. Throws
   * `UpstreamTranslationError('incomplete')` when the upstream never said how the message ended (a cut stream): the
   * client must see a broken stream, not a clean `[DONE]`.
   */
  finish(): OpenAiStreamOutput[];
  /** The usage seen so far, in OpenAI's terms: what to count even when the client did not ask for it or the stream was cut. */
  usage(): OpenAiUsage;
}

// Anthropic adds event and block types over time and asks clients to ignore the ones they do not know: these schemas
// check only the fields the translation reads.
const usageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
});

const eventSchemas = {
  message_start: z.looseObject({ message: z.looseObject({ usage: usageSchema.optional() }) }),
  content_block_start: z.looseObject({
    index: z.number().int(),
    content_block: z.looseObject({
      type: z.string(),
      id: z.string().optional(),
      name: z.string().optional(),
      text: z.string().optional(),
    }),
  }),
  content_block_delta: z.looseObject({
    index: z.number().int(),
    delta: z.looseObject({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }),
  }),
  message_delta: z.looseObject({
    delta: z.looseObject({ stop_reason: z.string().nullish() }),
    usage: usageSchema.optional(),
  }),
  error: z.looseObject({ error: z.looseObject({ type: z.string(), message: z.string() }) }),
};

type Usage = z.output<typeof usageSchema>;

function parse<Schema extends z.ZodType>(schema: Schema, data: unknown, event: string): z.output<Schema> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new UpstreamTranslationError('malformed', 'api_error', `The upstream sent a malformed ${event} event.`);
  }
  return result.data;
}

function eventTypeOf(event: AnthropicStreamEvent): string {
  const dataType = (event.data as { type?: unknown } | null)?.type;
  return typeof dataType === 'string' ? dataType : event.event;
}

export function createAnthropicToOpenAiStreamTranslator(
  options: AnthropicToOpenAiStreamOptions,
): AnthropicToOpenAiStreamTranslator {
  let started = false;
  let ended = false;
  let finished = false;
  let stopReason: string | null = null;
  const usage: Usage = {};
  /** Anthropic block index → OpenAI tool call index, for tool_use blocks only; other blocks are not tool calls. */
  const toolCallIndexes = new Map<number, number>();
  const textBlocks = new Set<number>();

  const usageField = options.includeUsage ? { usage: null } : {};
  function chunk(
    delta: OpenAiChatCompletionChunk['choices'][number]['delta'],
    finishReason: OpenAiFinishReason | null = null,
  ): OpenAiChatCompletionChunk {
    return {
      id: options.id,
      object: 'chat.completion.chunk',
      created: options.created,
      model: options.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...usageField,
    };
  }

  /** OpenAI's first chunk carries the role; emitted once, even if the upstream skipped message_start. */
  function withRole(chunks: OpenAiChatCompletionChunk[]): OpenAiChatCompletionChunk[] {
    if (started) return chunks;
    started = true;
    return [chunk({ role: 'assistant', content: '' }), ...chunks];
  }

  function mergeUsage(next: Usage | undefined): void {
    if (next === undefined) return;
    // message_delta's counts are cumulative and may omit or null the input side: keep the last value reported.
    for (const key of [
      'input_tokens',
      'output_tokens',
      'cache_read_input_tokens',
      'cache_creation_input_tokens',
    ] as const) {
      const value = next[key];
      if (value !== undefined && value !== null) usage[key] = value;
    }
  }

  function currentUsage(): OpenAiUsage {
    return openAiUsageOf(tokenCountsFromAnthropic(usage));
  }

  return {
    push(event) {
      const type = eventTypeOf(event);
      if (finished) return [];
      switch (type) {
        case 'message_start': {
          mergeUsage(parse(eventSchemas.message_start, event.data, type).message.usage);
          return withRole([]);
        }
        case 'content_block_start': {
          const { index, content_block: block } = parse(eventSchemas.content_block_start, event.data, type);
          if (block.type === 'text') {
            textBlocks.add(index);
            return withRole(block.text ? [chunk({ content: block.text })] : []);
          }
          if (block.type === 'tool_use') {
            const toolCallIndex = toolCallIndexes.size;
            toolCallIndexes.set(index, toolCallIndex);
            return withRole([
              chunk({
                tool_calls: [
                  {
                    index: toolCallIndex,
                    id: block.id ?? '',
                    type: 'function',
                    function: { name: block.name ?? '', arguments: '' },
                  },
                ],
              }),
            ]);
          }
          return []; // thinking, redacted thinking, server tools: nothing an OpenAI chat client can read
        }
        case 'content_block_delta': {
          const { index, delta } = parse(eventSchemas.content_block_delta, event.data, type);
          if (delta.type === 'text_delta' && textBlocks.has(index) && delta.text) {
            return withRole([chunk({ content: delta.text })]);
          }
          const toolCallIndex = toolCallIndexes.get(index);
          if (delta.type === 'input_json_delta' && toolCallIndex !== undefined && delta.partial_json) {
            return withRole([
              chunk({ tool_calls: [{ index: toolCallIndex, function: { arguments: delta.partial_json } }] }),
            ]);
          }
          return [];
        }
        case 'message_delta': {
          const data = parse(eventSchemas.message_delta, event.data, type);
          stopReason = data.delta.stop_reason ?? stopReason;
          mergeUsage(data.usage);
          ended = true;
          return [];
        }
        case 'message_stop':
          ended = true;
          return [];
        case 'error': {
          const { error } = parse(eventSchemas.error, event.data, type);
          throw new UpstreamTranslationError('error_event', error.type, error.message);
        }
        default:
          return []; // ping, content_block_stop and event types newer than this translator
      }
    },

    finish() {
      if (finished) return [];
      if (!ended) {
        throw new UpstreamTranslationError(
          'incomplete',
          'api_error',
          'The upstream stream ended before the message did.',
        );
      }
      finished = true;
      const outputs: OpenAiStreamOutput[] = withRole([chunk({}, openAiFinishReasonOf(stopReason))]);
      if (options.includeUsage) {
        outputs.push({
          id: options.id,
          object: 'chat.completion.chunk',
          created: options.created,
          model: options.model,
          choices: [],
          usage: currentUsage(),
        });
      }
      outputs.push(OPENAI_STREAM_DONE);
      return outputs;
    },

    usage: currentUsage,
  };
}

/** The SSE frame for one output: `data: <json>` or the `data: [DONE]` terminator. */
export function openAiSseFrame(output: OpenAiStreamOutput): string {
  return `data: ${output === OPENAI_STREAM_DONE ? OPENAI_STREAM_DONE : JSON.stringify(output)}\n\n`;
}
