import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { anthropicResponseToOpenAiChat } from './anthropic-to-openai-response';
import {
  createAnthropicToOpenAiStreamTranslator,
  openAiSseFrame,
  type OpenAiStreamOutput,
} from './anthropic-to-openai-stream';
import { OPENAI_STREAM_DONE, type OpenAiChatCompletionChunk } from './openai-types';
import { UpstreamTranslationError } from './translation-error';

const usageStart: Anthropic.Usage = {
  input_tokens: 25,
  output_tokens: 1,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 40,
  cache_creation: null,
  server_tool_use: null,
  service_tier: 'standard',
};

const messageStart = (usage: Anthropic.Usage = usageStart): Anthropic.RawMessageStreamEvent => ({
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage,
  },
});

const messageDelta = (
  stopReason: Anthropic.StopReason,
  outputTokens: number,
  inputTokens: number | null = null,
): Anthropic.RawMessageStreamEvent => ({
  type: 'message_delta',
  delta: { stop_reason: stopReason, stop_sequence: null },
  usage: {
    output_tokens: outputTokens,
    input_tokens: inputTokens,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    server_tool_use: null,
  },
});

/** The mock provider's text stream: message_start, block start, ping, deltas, block stop, message_delta, stop. */
const textStream: (Anthropic.RawMessageStreamEvent | { type: 'ping' })[] = [
  messageStart(),
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
  { type: 'ping' },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' world' } },
  { type: 'content_block_stop', index: 0 },
  messageDelta('end_turn', 2),
  { type: 'message_stop' },
];

/** Thinking, then text, then two tool calls with streamed JSON input. */
const toolStream: Anthropic.RawMessageStreamEvent[] = [
  messageStart(),
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'The user wants' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: null } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking.' } },
  { type: 'content_block_stop', index: 1 },
  {
    type: 'content_block_start',
    index: 2,
    content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} },
  },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city": ' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
  { type: 'content_block_stop', index: 2 },
  { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_b', name: 'now', input: {} } },
  { type: 'content_block_stop', index: 3 },
  messageDelta('tool_use', 57, 25),
  { type: 'message_stop' },
];

const envelope = { id: 'req_1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'demo-chat' } as const;

function run(events: { type: string }[], includeUsage: boolean): OpenAiStreamOutput[] {
  const translator = createAnthropicToOpenAiStreamTranslator({ ...envelope, includeUsage });
  const outputs: OpenAiStreamOutput[] = events.flatMap((data) => translator.push({ event: data.type, data }));
  return [...outputs, ...translator.finish()];
}

type Choice = OpenAiChatCompletionChunk['choices'][number];

function chunk(delta: Choice['delta'], finishReason: Choice['finish_reason'] = null): OpenAiChatCompletionChunk {
  return { ...envelope, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
}

describe('createAnthropicToOpenAiStreamTranslator', () => {
  it('translates a text stream into the exact OpenAI chunk sequence', () => {
    expect(run(textStream, false)).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hello' }),
      chunk({ content: ' world' }),
      chunk({}, 'stop'),
      OPENAI_STREAM_DONE,
    ]);
  });

  it('adds usage: null to every chunk and a last usage chunk when the client asked for usage', () => {
    const outputs = run(textStream, true);
    const usageChunk = outputs.at(-2);
    expect(outputs.at(-1)).toBe(OPENAI_STREAM_DONE);
    expect(usageChunk).toEqual({
      ...envelope,
      choices: [],
      usage: {
        prompt_tokens: 65,
        completion_tokens: 2,
        total_tokens: 67,
        prompt_tokens_details: { cached_tokens: 40, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
    for (const output of outputs.slice(0, -2)) expect(output).toMatchObject({ usage: null });
  });

  it('streams tool_use blocks as indexed tool_calls deltas and skips thinking', () => {
    expect(run(toolStream, false)).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Checking.' }),
      chunk({
        tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city": ' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'now', arguments: '' } }] }),
      chunk({}, 'tool_calls'),
      OPENAI_STREAM_DONE,
    ]);
  });

  it('produces chunks the OpenAI SDK types accept', () => {
    const chunks: OpenAI.ChatCompletionChunk[] = run(toolStream, true).filter(
      (output): output is Exclude<OpenAiStreamOutput, typeof OPENAI_STREAM_DONE> => output !== OPENAI_STREAM_DONE,
    );
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('reports the same usage as the non-streamed translation of the same message', () => {
    const message: Anthropic.Message = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'text', text: 'Checking.', citations: null },
        { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_b', name: 'now', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      // Non-streamed usage is final; streamed usage is split between message_start and message_delta.
      usage: { ...usageStart, output_tokens: 57 },
    };
    const nonStreamed = anthropicResponseToOpenAiChat(message, { model: 'demo-chat', requestId: 'req_1', created: 1 });
    const streamed = run(toolStream, true).at(-2);
    expect(streamed).toMatchObject({ usage: nonStreamed.usage });

    const translator = createAnthropicToOpenAiStreamTranslator({ ...envelope, includeUsage: false });
    for (const data of toolStream) translator.push({ event: data.type, data });
    expect(translator.usage()).toEqual(nonStreamed.usage);
  });

  it('exposes partial usage when a stream is cut, and refuses to finish it cleanly', () => {
    const translator = createAnthropicToOpenAiStreamTranslator({ ...envelope, includeUsage: true });
    for (const data of textStream.slice(0, 4)) translator.push({ event: data.type, data });
    expect(translator.usage()).toMatchObject({ prompt_tokens: 65, completion_tokens: 1 });
    expect(() => translator.finish()).toThrow(
      expect.objectContaining({ name: 'UpstreamTranslationError', failure: 'incomplete' }),
    );
  });

  it('turns an error event into a typed error carrying both error bodies', () => {
    const translator = createAnthropicToOpenAiStreamTranslator({ ...envelope, includeUsage: false });
    translator.push({ event: 'message_start', data: messageStart() });
    let caught: unknown;
    try {
      translator.push({
        event: 'error',
        data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UpstreamTranslationError);
    const error = caught as UpstreamTranslationError;
    expect(error.failure).toBe('error_event');
    expect(error.openAiError).toEqual({
      error: { message: 'Overloaded', type: 'server_error', param: null, code: null },
    });
    expect(error.anthropicError).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('maps a rate-limit error event to OpenAI rate_limit_exceeded', () => {
    const translator = createAnthropicToOpenAiStreamTranslator({ ...envelope, includeUsage: false });
    expect(() =>
      translator.push({
        event: 'error',
        data: { type: 'error', error: { type: 'rate_limit_error', message: 'slow' } },
      }),
    ).toThrow(
      expect.objectContaining({ openAiError: { error: expect.objectContaining({ code: 'rate_limit_exceeded' }) } }),
    );
  });

  it('rejects malformed events and ignores unknown ones', () => {
    const translator = createAnthropicToOpenAiStreamTranslator({ ...envelope, includeUsage: false });
    expect(translator.push({ event: 'future_event', data: { type: 'future_event', x: 1 } })).toEqual([]);
    expect(() => translator.push({ event: 'content_block_delta', data: { type: 'content_block_delta' } })).toThrow(
      expect.objectContaining({ failure: 'malformed' }),
    );
  });

  it('maps max_tokens to length, emits the role chunk even without message_start, and finishes once', () => {
    const translator = createAnthropicToOpenAiStreamTranslator({ ...envelope, includeUsage: false });
    translator.push({ event: 'message_delta', data: messageDelta('max_tokens', 0) });
    expect(translator.finish()).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({}, 'length'),
      OPENAI_STREAM_DONE,
    ]);
    expect(translator.finish()).toEqual([]);
  });

  it('frames outputs as SSE', () => {
    expect(openAiSseFrame(OPENAI_STREAM_DONE)).toBe('data: [DONE]\n\n');
    expect(openAiSseFrame(chunk({ content: 'x' }))).toBe(`data: ${JSON.stringify(chunk({ content: 'x' }))}\n\n`);
  });
});
