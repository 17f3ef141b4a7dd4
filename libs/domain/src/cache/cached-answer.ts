import { openAiSseFrame } from '../translation/anthropic-to-openai-stream';
import type { AnthropicMessage, AnthropicResponseBlock, AnthropicStreamEvent } from '../translation/anthropic-types';
import { anthropicSseFrame } from '../translation/openai-to-anthropic-stream';
import {
  OPENAI_STREAM_DONE,
  type OpenAiChatCompletion,
  type OpenAiChatCompletionChunk,
  type OpenAiToolCallDelta,
} from '../translation/openai-types';
import { tokenCountsFromAnthropic, tokenCountsFromOpenAi, type TokenCounts } from '../translation/usage-mapping';

/**
 * What the exact cache keeps of an answer, and how a hit is replayed to the client, as JSON or as a stream, whichever
 * way the answer was first asked for.
 *
 * The stored form is the upstream's final answer in the client's own API (the chat completion, the Anthropic message
 * or the embeddings response) plus its token counts. A streamed answer is stored as the final object the stream
 * added up to, not as its chunks: a replayed stream re-chunks the text (`REPLAY_PIECE_CHARACTERS` characters at a
 * time, never splitting a character) rather than repeating the upstream's chunk boundaries. The reasons: chunk
 * boundaries mean nothing in either API (every SDK concatenates the deltas), the entry is about half the size of a
 * chunk list (no per-chunk envelope), and a streamed and a non-streamed request for the same key write the very same
 * entry, so either kind of request is answered from what the other stored. What is lost is the upstream's pacing,
 * which a cache hit does not have anyway.
 */

/** The embeddings response as the client's API writes it (OpenAI's shape; the gateway serves no other). */
export interface CachedEmbeddingsResponse {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export type CachedAnswer =
  | { kind: 'openai-chat'; completion: OpenAiChatCompletion; usage: TokenCounts }
  | { kind: 'anthropic-message'; message: AnthropicMessage; usage: TokenCounts }
  | { kind: 'embeddings'; response: CachedEmbeddingsResponse; usage: TokenCounts };

export interface ReplayOptions {
  /** The model the client asked for (the public alias). */
  model: string;
  /** The id of the request being answered: the answer's id, as for an answer from the upstream. */
  requestId: string;
  /** Seconds since the epoch; now when absent. */
  created?: number;
}

export interface StreamReplayOptions extends ReplayOptions {
  /** OpenAI's `stream_options.include_usage`: the usage chunk before `[DONE]`. Anthropic streams always carry usage. */
  includeUsage: boolean;
}

/** How many characters (code points) a replayed text or arguments delta carries at most. */
export const REPLAY_PIECE_CHARACTERS = 32;

/** The stored form of a chat completion; its usage is read from the completion itself. */
export function cachedOpenAiChat(completion: OpenAiChatCompletion): CachedAnswer {
  const usage = completion.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  return { kind: 'openai-chat', completion, usage: tokenCountsFromOpenAi(usage) };
}

/** The stored form of an Anthropic message; its usage is read from the message itself. */
export function cachedAnthropicMessage(message: AnthropicMessage): CachedAnswer {
  return { kind: 'anthropic-message', message, usage: tokenCountsFromAnthropic(message.usage) };
}

/** The stored form of an embeddings response. */
export function cachedEmbeddings(response: CachedEmbeddingsResponse): CachedAnswer {
  const { prompt_tokens } = response.usage;
  return {
    kind: 'embeddings',
    response,
    usage: { promptTokens: prompt_tokens, cachedTokens: 0, cacheCreationTokens: 0, completionTokens: 0 },
  };
}

/** The answer for a client that did not stream: the stored object under this request's id, model and time. */
export function replayJson(
  stored: CachedAnswer,
  options: ReplayOptions,
): OpenAiChatCompletion | AnthropicMessage | CachedEmbeddingsResponse {
  switch (stored.kind) {
    case 'openai-chat':
      return { ...stored.completion, id: options.requestId, model: options.model, created: createdOf(options) };
    case 'anthropic-message':
      return { ...stored.message, id: options.requestId, model: options.model };
    case 'embeddings':
      return { ...stored.response, model: options.model };
  }
}

/** The SSE frames for a client that streams, ending as the upstream's stream would (`[DONE]`, `message_stop`). */
export function replayStream(stored: CachedAnswer, options: StreamReplayOptions): string[] {
  switch (stored.kind) {
    case 'openai-chat':
      return [...openAiChunks(stored.completion, options).map(openAiSseFrame), openAiSseFrame(OPENAI_STREAM_DONE)];
    case 'anthropic-message':
      return anthropicEvents(stored.message, options).map(anthropicSseFrame);
    case 'embeddings':
      throw new Error('An embeddings answer has no streamed form');
  }
}

/** The text in pieces of at most `REPLAY_PIECE_CHARACTERS` code points (a surrogate pair is never split). */
export function replayPieces(text: string): string[] {
  const characters = Array.from(text);
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += REPLAY_PIECE_CHARACTERS) {
    pieces.push(characters.slice(start, start + REPLAY_PIECE_CHARACTERS).join(''));
  }
  return pieces;
}

function createdOf(options: ReplayOptions): number {
  return options.created ?? Math.floor(Date.now() / 1000);
}

// --- OpenAI chat completion chunks ---------------------------------------------------------------------------------

/**
 * The chunks OpenAI streams for this completion: per choice a role chunk, the content (or refusal) deltas, the tool
 * calls (the first delta of each with its id, type and name, then its arguments), the finish chunk; then, when asked
 * for, the usage chunk with no choices. With usage asked for, every other chunk says `usage: null`, as OpenAI's do.
 */
function openAiChunks(completion: OpenAiChatCompletion, options: StreamReplayOptions): OpenAiChatCompletionChunk[] {
  const created = createdOf(options);
  const chunk = (
    choices: OpenAiChatCompletionChunk['choices'],
    usage?: OpenAiChatCompletionChunk['usage'],
  ): OpenAiChatCompletionChunk => ({
    id: options.requestId,
    object: 'chat.completion.chunk',
    created,
    model: options.model,
    ...(completion.system_fingerprint === undefined ? {} : { system_fingerprint: completion.system_fingerprint }),
    choices,
    ...(options.includeUsage ? { usage: usage ?? null } : {}),
  });
  const delta = (index: number, body: OpenAiChatCompletionChunk['choices'][number]['delta']) =>
    chunk([{ index, delta: body, logprobs: null, finish_reason: null }]);

  const chunks: OpenAiChatCompletionChunk[] = [];
  for (const choice of completion.choices) {
    const { message, index } = choice;
    chunks.push(delta(index, { role: 'assistant', content: '', refusal: null }));
    for (const piece of replayPieces(message.content ?? '')) chunks.push(delta(index, { content: piece }));
    for (const piece of replayPieces(message.refusal ?? '')) chunks.push(delta(index, { refusal: piece }));
    (message.tool_calls ?? []).forEach((call, callIndex) => {
      for (const toolDelta of toolCallDeltas(call, callIndex)) chunks.push(delta(index, { tool_calls: [toolDelta] }));
    });
    chunks.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }]));
  }
  if (options.includeUsage && completion.usage !== undefined) chunks.push(chunk([], completion.usage));
  return chunks;
}

function toolCallDeltas(
  call: NonNullable<OpenAiChatCompletion['choices'][number]['message']['tool_calls']>[number],
  index: number,
): OpenAiToolCallDelta[] {
  const [first = '', ...rest] = replayPieces(call.function.arguments);
  return [
    { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: first } },
    ...rest.map((arguments_) => ({ index, function: { arguments: arguments_ } })),
  ];
}

// --- Anthropic message events --------------------------------------------------------------------------------------

/**
 * The events Anthropic streams for this message: `message_start` (the message with no content and its input usage),
 * per block `content_block_start`, its deltas (`text_delta`, `input_json_delta` of the tool input's JSON,
 * `thinking_delta` and `signature_delta`) and `content_block_stop`, a `ping` after the first block starts, then
 * `message_delta` (stop reason and the final usage) and `message_stop`. A block of another type (a server tool's
 * result, redacted thinking) is sent whole in its `content_block_start`, as Anthropic does for those.
 */
function anthropicEvents(message: AnthropicMessage, options: ReplayOptions): AnthropicStreamEvent[] {
  const events: AnthropicStreamEvent[] = [
    event({
      type: 'message_start',
      message: {
        ...message,
        id: options.requestId,
        model: options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
      },
    }),
  ];
  message.content.forEach((block, index) => {
    events.push(...blockEvents(block, index));
    if (index === 0) events.push(event({ type: 'ping' }));
  });
  const { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, server_tool_use } =
    message.usage;
  events.push(
    event({
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: {
        input_tokens,
        output_tokens,
        cache_creation_input_tokens: cache_creation_input_tokens ?? null,
        cache_read_input_tokens: cache_read_input_tokens ?? null,
        server_tool_use: server_tool_use ?? null,
      },
    }),
    event({ type: 'message_stop' }),
  );
  return events;
}

function blockEvents(block: AnthropicResponseBlock, index: number): AnthropicStreamEvent[] {
  const start = (contentBlock: object) => event({ type: 'content_block_start', index, content_block: contentBlock });
  const deltas = (pieces: string[], deltaOf: (piece: string) => object) =>
    pieces.map((piece) => event({ type: 'content_block_delta', index, delta: deltaOf(piece) }));
  const stop = event({ type: 'content_block_stop', index });
  const fields = block as unknown as Record<string, unknown>;

  if (block.type === 'text' && typeof fields['text'] === 'string') {
    return [
      start({ ...fields, text: '' }),
      ...deltas(replayPieces(fields['text']), (text) => ({ type: 'text_delta', text })),
      stop,
    ];
  }
  if (block.type === 'tool_use') {
    const json = JSON.stringify(fields['input'] ?? {});
    return [
      start({ ...fields, input: {} }),
      ...deltas(replayPieces(json), (partial_json) => ({ type: 'input_json_delta', partial_json })),
      stop,
    ];
  }
  if (block.type === 'thinking' && typeof fields['thinking'] === 'string') {
    const signature = typeof fields['signature'] === 'string' ? fields['signature'] : '';
    return [
      start({ ...fields, thinking: '', signature: '' }),
      ...deltas(replayPieces(fields['thinking']), (thinking) => ({ type: 'thinking_delta', thinking })),
      ...(signature === ''
        ? []
        : [event({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature } })]),
      stop,
    ];
  }
  return [start(fields), stop];
}

function event(data: { type: string } & Record<string, unknown>): AnthropicStreamEvent {
  return { event: data.type, data };
}
