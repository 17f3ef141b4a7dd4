import { z } from 'zod';
import type { AnthropicStopReason, AnthropicStreamEvent } from './anthropic-types';
import { anthropicStopReasonOf } from './openai-to-anthropic-response';
import type { OpenAiUsage } from './openai-types';
import { UpstreamTranslationError } from './translation-error';
import { anthropicUsageOf, tokenCountsFromOpenAi, type TokenCounts } from './usage-mapping';

export interface OpenAiToAnthropicStreamOptions {
  /** The model name the client asked for (the public alias). */
  model: string;
  /** The message id (the gateway passes its request id). */
  id: string;
}

export interface OpenAiToAnthropicStreamTranslator {
  /** One parsed `data:` payload of the upstream stream (not `[DONE]`) in, Anthropic events out. */
  push(chunk: unknown): AnthropicStreamEvent[];
  /** After `[DONE]`: closes the open block, then message_delta (stop reason, final usage) and message_stop. */
  finish(): AnthropicStreamEvent[];
  usage(): TokenCounts;
}

const usageSchema = z.looseObject({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().optional() }).nullish(),
});

const errorChunkSchema = z.looseObject({ error: z.looseObject({ message: z.string(), type: z.string().nullish() }) });

const chunkSchema = z.looseObject({
  choices: z.array(
    z.looseObject({
      index: z.number().optional(),
      delta: z
        .looseObject({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.looseObject({
                index: z.number(),
                id: z.string().nullish(),
                function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
              }),
            )
            .nullish(),
        })
        .nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
});

function event<Data extends { type: string }>(data: Data): AnthropicStreamEvent {
  return { event: data.type, data };
}

/**
 * OpenAI streams carry usage only at the end, while Anthropic's message_start announces input tokens: message_start
 * says 0 and message_delta carries the full, final usage (input included), which the Anthropic SDK reads as final.
 */
export function createOpenAiToAnthropicStreamTranslator(
  options: OpenAiToAnthropicStreamOptions,
): OpenAiToAnthropicStreamTranslator {
  let started = false;
  let pinged = false;
  let finished = false;
  let finishReason: string | null = null;
  let counts: TokenCounts = { promptTokens: 0, cachedTokens: 0, cacheCreationTokens: 0, completionTokens: 0 };
  let blockIndex = -1;
  let openBlock: { kind: 'text' } | { kind: 'tool'; toolIndex: number } | null = null;
  const closedTools = new Set<number>();

  function start(): AnthropicStreamEvent[] {
    if (started) return [];
    started = true;
    return [
      event({
        type: 'message_start',
        message: {
          id: options.id,
          type: 'message',
          role: 'assistant',
          model: options.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: anthropicUsageOf(counts),
        },
      }),
    ];
  }

  function closeBlock(): AnthropicStreamEvent[] {
    if (openBlock === null) return [];
    if (openBlock.kind === 'tool') closedTools.add(openBlock.toolIndex);
    openBlock = null;
    return [event({ type: 'content_block_stop', index: blockIndex })];
  }

  function openNext(contentBlock: object, next: NonNullable<typeof openBlock>): AnthropicStreamEvent[] {
    const events = closeBlock();
    blockIndex++;
    openBlock = next;
    events.push(event({ type: 'content_block_start', index: blockIndex, content_block: contentBlock }));
    // Anthropic sends its first ping right after the first block starts.
    if (!pinged) {
      pinged = true;
      events.push(event({ type: 'ping' }));
    }
    return events;
  }

  return {
    push(raw) {
      if (finished) return [];
      const upstreamError = errorChunkSchema.safeParse(raw);
      if (upstreamError.success) {
        const { type, message } = upstreamError.data.error;
        throw new UpstreamTranslationError('error_event', type ?? 'api_error', message);
      }
      const parsed = chunkSchema.safeParse(raw);
      if (!parsed.success) {
        throw new UpstreamTranslationError('malformed', 'api_error', 'The upstream sent a malformed chunk.');
      }
      const chunk = parsed.data;
      const events = start();
      if (chunk.usage) counts = tokenCountsFromOpenAi(chunk.usage as OpenAiUsage);
      // The gateway never asks an Anthropic client's upstream for several choices: only the first one is read.
      const choice = chunk.choices.find((candidate) => (candidate.index ?? 0) === 0);
      if (choice === undefined) return events;
      const content = choice.delta?.content;
      if (content) {
        if (openBlock?.kind !== 'text') events.push(...openNext({ type: 'text', text: '' }, { kind: 'text' }));
        events.push(
          event({ type: 'content_block_delta', index: blockIndex, delta: { type: 'text_delta', text: content } }),
        );
      }
      for (const call of choice.delta?.tool_calls ?? []) {
        const isCurrent = openBlock?.kind === 'tool' && openBlock.toolIndex === call.index;
        if (!isCurrent) {
          if (closedTools.has(call.index) || !call.id) {
            // Anthropic blocks cannot be reopened: interleaved tool-call deltas have no faithful translation.
            throw new UpstreamTranslationError('malformed', 'api_error', 'The upstream interleaved tool call deltas.');
          }
          events.push(
            ...openNext(
              { type: 'tool_use', id: call.id, name: call.function?.name ?? '', input: {} },
              { kind: 'tool', toolIndex: call.index },
            ),
          );
        }
        const partialJson = call.function?.arguments;
        if (partialJson) {
          events.push(
            event({
              type: 'content_block_delta',
              index: blockIndex,
              delta: { type: 'input_json_delta', partial_json: partialJson },
            }),
          );
        }
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
      return events;
    },

    finish() {
      if (finished) return [];
      if (finishReason === null) {
        throw new UpstreamTranslationError(
          'incomplete',
          'api_error',
          'The upstream stream ended before the message did.',
        );
      }
      finished = true;
      const stopReason: AnthropicStopReason = anthropicStopReasonOf(finishReason);
      const usage = anthropicUsageOf(counts);
      return [
        ...start(),
        ...closeBlock(),
        event({
          type: 'message_delta',
          delta: { stop_reason: stopReason, stop_sequence: null },
          usage: {
            input_tokens: usage.input_tokens,
            cache_creation_input_tokens: usage.cache_creation_input_tokens,
            cache_read_input_tokens: usage.cache_read_input_tokens,
            output_tokens: usage.output_tokens,
            server_tool_use: null,
          },
        }),
        event({ type: 'message_stop' }),
      ];
    },

    usage: () => counts,
  };
}

/** The SSE frame for one Anthropic event: `event: <name>` and `data: <json>`, as Anthropic sends them. */
export function anthropicSseFrame(output: AnthropicStreamEvent): string {
  return `event: ${output.event}\ndata: ${JSON.stringify(output.data)}\n\n`;
}
