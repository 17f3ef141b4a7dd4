import fc from 'fast-check';
import { createAnthropicToOpenAiStreamTranslator, type OpenAiStreamOutput } from './anthropic-to-openai-stream';
import type { AnthropicStreamEvent } from './anthropic-types';
import { createOpenAiToAnthropicStreamTranslator } from './openai-to-anthropic-stream';

/**
 * Streamed tool calls through both translations, however the upstream splits their arguments: the client, putting
 * the deltas back together as its SDK does, gets exactly the JSON the upstream streamed, under the upstream's ids and
 * names, and the stop reason that says a tool is to be called.
 */
interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the upstream streams them, cut into these pieces. */
  pieces: string[];
}

const arguments_ = (call: ToolCall) => call.pieces.join('');

/** Every way to cut `text` in two (the empty pieces at either end included). */
function cutsInTwo(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, at) => [text.slice(0, at), text.slice(at)]);
}

/** `text` cut at the given positions (taken modulo its length, sorted, repeats kept: an empty piece is a delta too). */
function cutAt(text: string, positions: number[]): string[] {
  const at = positions.map((position) => position % (text.length + 1)).sort((a, b) => a - b);
  return [...at, text.length].map((end, index) => text.slice(index === 0 ? 0 : at[index - 1], end));
}

// --- OpenAI upstream, Anthropic client -------------------------------------------------------------------------

function openAiUpstream(calls: ToolCall[]): unknown[] {
  const chunk = (delta: object, finishReason: string | null = null) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  return [
    chunk({ role: 'assistant', content: null }),
    ...calls.flatMap((call, index) => [
      chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
      ...call.pieces.map((piece) => chunk({ tool_calls: [{ index, function: { arguments: piece } }] })),
    ]),
    chunk({}, 'tool_calls'),
    { id: 'chatcmpl-1', choices: [], usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 } },
  ];
}

/** What the Anthropic SDK rebuilds from the events: each tool_use block's id, name and accumulated input JSON. */
function anthropicClientReads(events: AnthropicStreamEvent[]): { calls: ToolCall[]; stopReason: unknown } {
  const blocks = new Map<number, { id: string; name: string; json: string }>();
  let stopReason: unknown = null;
  for (const { data } of events) {
    const event = data as {
      type: string;
      index?: number;
      content_block?: { type: string; id?: string; name?: string };
      delta?: { type?: string; partial_json?: string; stop_reason?: string | null };
    };
    if (event.type === 'content_block_start' && event.content_block?.type === 'tool_use') {
      blocks.set(event.index ?? -1, {
        id: event.content_block.id ?? '',
        name: event.content_block.name ?? '',
        json: '',
      });
    }
    if (event.type === 'content_block_delta' && event.delta?.type === 'input_json_delta') {
      const block = blocks.get(event.index ?? -1);
      if (block === undefined) throw new Error(`an input_json_delta for block ${event.index} that never started`);
      block.json += event.delta.partial_json ?? '';
    }
    if (event.type === 'message_delta') stopReason = event.delta?.stop_reason;
  }
  const calls = [...blocks.values()].map(({ id, name, json }) => ({ id, name, pieces: [json] }));
  return { calls, stopReason };
}

function throughOpenAiToAnthropic(calls: ToolCall[]) {
  const translator = createOpenAiToAnthropicStreamTranslator({ model: 'demo-chat', id: 'msg_1' });
  const events = openAiUpstream(calls).flatMap((chunk) => translator.push(chunk));
  return anthropicClientReads([...events, ...translator.finish()]);
}

// --- Anthropic upstream, OpenAI client -------------------------------------------------------------------------

function anthropicUpstream(calls: ToolCall[]): AnthropicStreamEvent[] {
  const data = [
    {
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        content: [],
        usage: { input_tokens: 20, output_tokens: 1 },
      },
    },
    ...calls.flatMap((call, index) => [
      {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      },
      ...call.pieces.map((piece) => ({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: piece },
      })),
      { type: 'content_block_stop', index },
    ]),
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
    { type: 'message_stop' },
  ];
  return data.map((event) => ({ event: event.type, data: event }));
}

/**
 * What the OpenAI SDK rebuilds from the chunks: each tool call by index, its id, name and concatenated arguments; and
 * the finish reason, as the stop reason.
 */
function openAiClientReads(outputs: OpenAiStreamOutput[]): { calls: ToolCall[]; stopReason: unknown } {
  const calls = new Map<number, { id: string; name: string; json: string }>();
  let finishReason: unknown = null;
  for (const output of outputs) {
    if (typeof output === 'string') continue;
    for (const choice of output.choices) {
      for (const call of choice.delta.tool_calls ?? []) {
        const known = calls.get(call.index) ?? { id: '', name: '', json: '' };
        if (call.id) known.id = call.id;
        if (call.function?.name) known.name = call.function.name;
        known.json += call.function?.arguments ?? '';
        calls.set(call.index, known);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  }
  return {
    calls: [...calls.values()].map(({ id, name, json }) => ({ id, name, pieces: [json] })),
    stopReason: finishReason,
  };
}

function throughAnthropicToOpenAi(calls: ToolCall[]) {
  const translator = createAnthropicToOpenAiStreamTranslator({
    model: 'demo-chat',
    id: 'req_1',
    created: 1,
    includeUsage: true,
  });
  const outputs: OpenAiStreamOutput[] = anthropicUpstream(calls).flatMap((event) => translator.push(event));
  return openAiClientReads([...outputs, ...translator.finish()]);
}

// --- the properties --------------------------------------------------------------------------------------------

const translations = [
  { name: 'OpenAI upstream → Anthropic client', run: throughOpenAiToAnthropic, stop: 'tool_use' },
  { name: 'Anthropic upstream → OpenAI client', run: throughAnthropicToOpenAi, stop: 'tool_calls' },
];

const WEATHER = JSON.stringify({ city: 'Zürich', units: 'metric', days: [1, 2], note: 'a "quoted" ünïcode ✓ 😀' });

describe.each(translations)('streamed tool calls, $name', ({ run, stop }) => {
  const expectReassembled = (calls: ToolCall[]) => {
    const { calls: read, stopReason } = run(calls);
    expect(read).toEqual(calls.map((call) => ({ id: call.id, name: call.name, pieces: [arguments_(call)] })));
    expect(stopReason).toBe(stop);
  };

  it('reassembles the arguments exactly, cut in two at every position', () => {
    for (const pieces of cutsInTwo(WEATHER)) expectReassembled([{ id: 'call_1', name: 'get_weather', pieces }]);
  });

  it('keeps two parallel calls apart, each cut at every position', () => {
    const now = JSON.stringify({ timezone: 'Europe/Paris' });
    for (const pieces of cutsInTwo(now)) {
      expectReassembled([
        { id: 'call_a', name: 'get_weather', pieces: cutAt(WEATHER, [7, 19]) },
        { id: 'call_b', name: 'now', pieces },
      ]);
    }
  });

  it('reassembles any JSON arguments, however many pieces they come in', () => {
    const call = fc.record({
      json: fc.jsonValue().map((value) => JSON.stringify({ value })),
      cuts: fc.array(fc.nat(), { maxLength: 30 }),
    });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 3 }), (generated) => {
        const calls = generated.map(({ json, cuts }, index) => ({
          id: `call_${index}`,
          name: `tool_${index}`,
          pieces: cutAt(json, cuts),
        }));
        const { calls: read, stopReason } = run(calls);
        expect(read.map((call) => call.pieces[0])).toEqual(calls.map(arguments_));
        expect(read.map((call) => [call.id, call.name])).toEqual(calls.map((call) => [call.id, call.name]));
        expect(stopReason).toBe(stop);
      }),
      { numRuns: 300 },
    );
  });
});
