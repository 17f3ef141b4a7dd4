import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../errors/validation';
import { newId } from '../simulation/ids';
import { seedFrom } from '../simulation/seeded-random';
import { scriptedAnswer, streamPieces, type Script } from '../simulation/scripted-answers';
import { generateText, type GeneratedText, type StopCause } from '../simulation/text-generator';
import { countConversationTokens, type CountableMessage } from '../simulation/token-counter';
import { answerWithTools, argumentPieces, type ToolCall } from '../simulation/tool-calls';
import { sseFrame, streamSse } from '../streaming/sse-stream';
import { anthropicToolRequest } from './anthropic-tools';

const contentBlockSchema = z.looseObject({ type: z.string() });
const contentSchema = z.union([z.string(), z.array(contentBlockSchema)]);

const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: contentSchema,
});

/** Anthropic requires `max_tokens`, unlike OpenAI. */
export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(messageSchema).min(1),
  system: contentSchema.optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  tools: z.array(z.unknown()).optional(),
});

export type MessagesRequest = z.output<typeof messagesRequestSchema>;

const countTokensRequestSchema = messagesRequestSchema.omit({ max_tokens: true, stream: true, stop_sequences: true });

type CountTokensRequest = z.output<typeof countTokensRequestSchema>;

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

const STOP_REASONS: Record<StopCause, AnthropicStopReason> = {
  natural: 'end_turn',
  length: 'max_tokens',
  stop_sequence: 'stop_sequence',
};

/** The system prompt counts as one more message, so the chat rule applies unchanged. */
export function countInputTokens(request: CountTokensRequest): number {
  const messages: CountableMessage[] = request.system === undefined ? [] : [{ content: request.system }];
  messages.push(...request.messages);
  return countConversationTokens(messages, request.tools);
}

export interface MessageAnswer {
  answer: GeneratedText;
  /** Set when the last user message scripts the answer (`echo:`, `say:`). */
  script: Script | undefined;
}

/**
 * The generated answer, or the scripted one whole (`max_tokens` and stop sequences do not cut a script, nor the
 * text answered to tool results).
 */
export function answerMessage(request: MessagesRequest, chunks: number): MessageAnswer {
  const tools = answerWithTools(anthropicToolRequest(request));
  if (tools?.kind === 'results') return { answer: tools.answer, script: undefined };
  const scripted = scriptedAnswer({ system: request.system, messages: request.messages });
  if (scripted !== undefined) return scripted;
  const seed = seedFrom(
    'messages',
    request.model,
    JSON.stringify(request.system ?? null),
    JSON.stringify(request.messages),
  );
  const answer = generateText({ seed, maxTokens: request.max_tokens, minTokens: chunks, stop: request.stop_sequences });
  return { answer, script: undefined };
}

function usageOf(inputTokens: number, outputTokens: number) {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
  };
}

/** One `tool_use` block per call, each with an id of its own. */
function toolUseBlocks(calls: readonly ToolCall[]) {
  return calls.map((call) => ({ type: 'tool_use', id: newId('toolu_'), name: call.name, input: call.input }));
}

const ERROR_FRAME = sseFrame(
  {
    type: 'error',
    error: { type: 'overloaded_error', message: 'Mock provider: stream interrupted by x-mock-fail-after-chunks.' },
  },
  'error',
);

function messageStartFrame(message: object, inputTokens: number): string {
  return sseFrame(
    {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: usageOf(inputTokens, 0) },
    },
    'message_start',
  );
}

function messageEndFrames(stopReason: AnthropicStopReason, stopSequence: string | null, outputTokens: number) {
  return [
    sseFrame(
      {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: stopSequence },
        usage: { output_tokens: outputTokens },
      },
      'message_delta',
    ),
    sseFrame({ type: 'message_stop' }, 'message_stop'),
  ];
}

/**
 * A stream of `tool_use` blocks, as Anthropic sends them: per block, `content_block_start` with an empty `input`,
 * its JSON in `chunks` `input_json_delta` pieces, `content_block_stop`. The fault plan counts the deltas: a
 * block's start and the previous block's stop travel with its first delta.
 */
function* toolUseFrames(calls: readonly ToolCall[], chunks: number): Generator<string> {
  for (const [index, call] of calls.entries()) {
    let opening = index === 0 ? '' : sseFrame({ type: 'content_block_stop', index: index - 1 }, 'content_block_stop');
    if (index > 0) opening += toolUseStartFrame(call, index);
    for (const partial_json of argumentPieces(call.json, chunks)) {
      yield (
        opening +
        sseFrame(
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
          'content_block_delta',
        )
      );
      opening = '';
    }
  }
}

function toolUseStartFrame(call: ToolCall, index: number): string {
  return sseFrame(
    {
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: newId('toolu_'), name: call.name, input: {} },
    },
    'content_block_start',
  );
}

export function registerMessagesRoute(app: FastifyInstance): void {
  app.post('/v1/messages', async (request, reply) => {
    const body = parseBody(messagesRequestSchema, request.body, 'anthropic');
    const faults = request.mockFaults;
    const tools = answerWithTools(anthropicToolRequest(body));
    if (tools?.kind === 'calls') {
      const inputTokens = countInputTokens(body);
      const message = { id: newId('msg_'), type: 'message', role: 'assistant', model: body.model };
      if (body.stream !== true) {
        return {
          ...message,
          content: toolUseBlocks(tools.calls),
          stop_reason: 'tool_use',
          stop_sequence: null,
          usage: usageOf(inputTokens, tools.outputTokens),
        };
      }
      const head = [
        messageStartFrame(message, inputTokens),
        toolUseStartFrame(tools.calls[0] as ToolCall, 0),
        sseFrame({ type: 'ping' }, 'ping'),
      ];
      const tail = [
        sseFrame({ type: 'content_block_stop', index: tools.calls.length - 1 }, 'content_block_stop'),
        ...messageEndFrames('tool_use', null, tools.outputTokens),
      ];
      const content = toolUseFrames(tools.calls, faults.chunks);
      return streamSse(reply, { head, content, tail, errorFrame: ERROR_FRAME }, faults);
    }
    const { answer, script } = answerMessage(body, faults.chunks);
    const inputTokens = countInputTokens(body);
    const outputTokens = answer.tokens.length;
    const stopReason = STOP_REASONS[answer.cause];
    const message = { id: newId('msg_'), type: 'message', role: 'assistant', model: body.model };

    if (body.stream !== true) {
      return {
        ...message,
        content: [{ type: 'text', text: answer.text }],
        stop_reason: stopReason,
        stop_sequence: answer.stopSequence,
        usage: usageOf(inputTokens, outputTokens),
      };
    }

    // Anthropic's event sequence: output_tokens is 0 at message_start and final in message_delta.
    const head = [
      messageStartFrame(message, inputTokens),
      sseFrame(
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        'content_block_start',
      ),
      sseFrame({ type: 'ping' }, 'ping'),
    ];
    function* contentFrames(): Generator<string> {
      for (const text of streamPieces(answer, script, faults)) {
        yield sseFrame(
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
          'content_block_delta',
        );
      }
    }
    const tail = [
      sseFrame({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      ...messageEndFrames(stopReason, answer.stopSequence, outputTokens),
    ];
    return streamSse(reply, { head, content: contentFrames(), tail, errorFrame: ERROR_FRAME }, faults);
  });

  app.post('/v1/messages/count_tokens', async (request) => {
    const body = parseBody(countTokensRequestSchema, request.body, 'anthropic');
    return { input_tokens: countInputTokens(body) };
  });
}
