import fc from 'fast-check';
import OpenAI from 'openai';
import type { OpenAiChatCompletion, OpenAiChatCompletionChunk, OpenAiFinishReason, OpenAiUsage } from '../openai-types';
import { openAiChatResponseToResponses, type ResponsesAnswerContext } from './responses-response';
import {
  createOpenAiChatToResponsesStreamTranslator,
  responsesSseFrame,
  type OpenAiChatChunk,
} from './responses-stream';
import type { ResponsesStreamEvent } from './responses-types';

const context: ResponsesAnswerContext = {
  id: 'resp_stream1',
  model: 'demo-chat',
  createdAt: 1_700_000_000,
  request: { model: 'demo-chat', input: 'Hi', stream: true, tools: [{ type: 'function', name: 'get_weather' }] },
  previousResponseId: null,
  store: true,
};

const usage: OpenAiUsage = {
  prompt_tokens: 40,
  completion_tokens: 12,
  total_tokens: 52,
  prompt_tokens_details: { cached_tokens: 8 },
  completion_tokens_details: { reasoning_tokens: 0 },
};

type Delta = OpenAiChatCompletionChunk['choices'][number]['delta'];

function chunk(delta: Delta, finishReason: OpenAiFinishReason | null = null): OpenAiChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

function usageChunk(counts: OpenAiUsage): OpenAiChatCompletionChunk {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: counts };
}

/** The whole stream through a fresh translator, `finish()` included. */
function run(chunks: OpenAiChatChunk[]): ResponsesStreamEvent[] {
  const translator = createOpenAiChatToResponsesStreamTranslator(context);
  return [...chunks.flatMap((each) => translator.push(each)), ...translator.finish()];
}

function typesOf(events: ResponsesStreamEvent[]): string[] {
  return events.map((event) => event.type);
}

describe('createOpenAiChatToResponsesStreamTranslator', () => {
  it('streams text as one message item, in the order OpenAI sends the events', () => {
    const events = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      usageChunk(usage),
    ]);
    expect(typesOf(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]).toMatchObject({ response: { id: 'resp_stream1', status: 'in_progress', output: [] } });
    expect(events[3]).toMatchObject({
      item_id: 'msg_stream1',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    });
    expect(events[6]).toMatchObject({ type: 'response.output_text.done', text: 'Hello' });
    expect(events.at(-1)).toMatchObject({
      response: {
        status: 'completed',
        output: [{ id: 'msg_stream1', status: 'completed', content: [{ type: 'output_text', text: 'Hello' }] }],
        usage: { input_tokens: 40, input_tokens_details: { cached_tokens: 8 }, output_tokens: 12, total_tokens: 52 },
      },
    });
  });

  it('streams a tool call as a function_call item whose arguments arrive as deltas', () => {
    const events = run([
      chunk({ role: 'assistant', content: null }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'now', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"tz":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"UTC"}' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk(usage),
    ]);
    expect(typesOf(events).slice(2)).toEqual([
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]).toMatchObject({
      item: {
        type: 'function_call',
        id: 'fc_stream1_0',
        call_id: 'call_a',
        name: 'now',
        arguments: '',
        status: 'in_progress',
      },
    });
    expect(events[5]).toMatchObject({ item_id: 'fc_stream1_0', name: 'now', arguments: '{"tz":"UTC"}' });
  });

  it('gives a call the upstream sent without an id one the client can answer with', () => {
    const events = run([
      chunk({ tool_calls: [{ index: 0, function: { name: 'now', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(events.at(-1)).toMatchObject({
      response: { output: [{ type: 'function_call', id: 'fc_stream1_0', call_id: 'call_stream1_0', name: 'now' }] },
    });
  });

  it('streams a refusal as a refusal part', () => {
    const events = run([
      chunk({ refusal: 'I cannot' }),
      chunk({ refusal: ' help.' }),
      chunk({}, 'stop'),
      usageChunk(usage),
    ]);
    expect(typesOf(events).slice(2, -1)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.refusal.delta',
      'response.refusal.delta',
      'response.refusal.done',
      'response.content_part.done',
      'response.output_item.done',
    ]);
    expect(events.at(-1)).toMatchObject({
      response: { output: [{ content: [{ type: 'refusal', refusal: 'I cannot help.' }] }] },
    });
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content_filter', 'content_filter'],
  ] as const)('ends with response.incomplete when the upstream stopped for %s', (finishReason, reason) => {
    const events = run([chunk({ content: 'Once upon a' }), chunk({}, finishReason), usageChunk(usage)]);
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason }, output: [{ status: 'incomplete' }] },
    });
  });

  it('fails a stream that never said how it ended, instead of completing it', () => {
    const translator = createOpenAiChatToResponsesStreamTranslator(context);
    translator.push(chunk({ content: 'Once upon' }));
    const events = translator.finish();
    expect(typesOf(events)).toEqual(['response.failed']);
    expect(events[0]).toMatchObject({
      sequence_number: 5,
      response: { status: 'failed', error: { code: 'server_error' }, output: [{ content: [{ text: 'Once upon' }] }] },
    });
    expect(translator.response().status).toBe('failed');
    expect(translator.finish()).toEqual([]);
    expect(translator.push(chunk({}, 'stop'))).toEqual([]);
  });

  it('reports an upstream error as an error event, then response.failed, and nothing after', () => {
    const translator = createOpenAiChatToResponsesStreamTranslator(context);
    translator.push(chunk({ content: 'Hi' }));
    const events = translator.error({ message: 'Rate limit reached', code: 'rate_limit_exceeded', type: 'requests' });
    expect(events).toEqual([
      { type: 'error', code: 'rate_limit_exceeded', message: 'Rate limit reached', param: null, sequence_number: 5 },
      expect.objectContaining({
        type: 'response.failed',
        sequence_number: 6,
        response: expect.objectContaining({
          status: 'failed',
          error: { code: 'rate_limit_exceeded', message: 'Rate limit reached' },
        }),
      }),
    ]);
    expect(translator.finish()).toEqual([]);
    expect(translator.error({ message: 'again' })).toEqual([]);
  });

  it('ends the stream on an error chunk from the upstream', () => {
    const events = run([
      chunk({ content: 'Hi' }),
      { error: { message: 'The server had an error', type: 'server_error' } },
    ]);
    expect(typesOf(events).slice(-2)).toEqual(['error', 'response.failed']);
    expect(events.at(-1)).toMatchObject({
      response: { error: { code: 'server_error', message: 'The server had an error' } },
    });
  });

  it('starts with response.created even when the first thing it hears is the end', () => {
    const translator = createOpenAiChatToResponsesStreamTranslator(context);
    expect(typesOf(translator.finish())).toEqual(['response.created', 'response.in_progress', 'response.failed']);
  });

  it('frames each event as OpenAI does', () => {
    const [created] = run([chunk({}, 'stop')]);
    if (created === undefined) throw new Error('no event');
    expect(responsesSseFrame(created)).toBe(`event: response.created\ndata: ${JSON.stringify(created)}\n\n`);
  });
});

// --- the property: any answer, chunked any way, streams to the same Response as the whole answer ---------------------

interface Answer {
  text: string;
  /** Where the text is cut into deltas. */
  textCuts: number[];
  calls: { id: string; name: string; arguments: string; cuts: number[] }[];
  finishReason: OpenAiFinishReason;
  usage: OpenAiUsage;
  /** Which open delta source sends next (taken modulo the number of sources that may send). */
  schedule: number[];
}

/** `text` cut at the given positions (modulo its length, sorted, repeats kept: an empty piece is a delta too). */
function cutAt(text: string, positions: number[]): string[] {
  const at = positions.map((position) => position % (text.length + 1)).sort((a, b) => a - b);
  return [...at, text.length].map((end, index) => text.slice(index === 0 ? 0 : at[index - 1], end));
}

const answers: fc.Arbitrary<Answer> = fc
  .record({
    text: fc.oneof(fc.constant(''), fc.string({ unit: 'binary', minLength: 1, maxLength: 80 })),
    textCuts: fc.array(fc.nat(), { maxLength: 12 }),
    calls: fc.array(
      fc.record({
        name: fc.constantFrom('get_weather', 'now', 'search'),
        arguments: fc.jsonValue().map((value) => JSON.stringify({ value })),
        cuts: fc.array(fc.nat(), { maxLength: 12 }),
      }),
      { maxLength: 3 },
    ),
    finishReason: fc.constantFrom<OpenAiFinishReason>('stop', 'tool_calls', 'length', 'content_filter'),
    usage: fc
      .record({ prompt: fc.nat(10_000), completion: fc.nat(10_000), cached: fc.nat(100) })
      .map(({ prompt, completion, cached }) => ({
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: Math.min(cached, prompt) },
      })),
    schedule: fc.array(fc.nat(), { maxLength: 60 }),
  })
  .filter((answer) => answer.text !== '' || answer.calls.length > 0)
  .map((answer) => ({ ...answer, calls: answer.calls.map((call, index) => ({ ...call, id: `call_${index}` })) }));

/** The answer as one chat completion, as the upstream would have sent it without streaming. */
function wholeCompletion(answer: Answer): OpenAiChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text === '' ? null : answer.text,
          refusal: null,
          ...(answer.calls.length > 0
            ? {
                tool_calls: answer.calls.map((call) => ({
                  id: call.id,
                  type: 'function' as const,
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: answer.finishReason,
      },
    ],
    usage: answer.usage,
  };
}

/**
 * The answer as chat chunks: the text and each call's arguments cut into pieces, and the pieces of the text and of
 * every call interleaved by the schedule. As upstreams do, the text starts before any call, and calls start in index
 * order (a call's first chunk carries its id and name); after that any open source may send next.
 */
function chunksOf(answer: Answer): OpenAiChatCompletionChunk[] {
  const sources: Delta[][] = [];
  if (answer.text !== '') sources.push(cutAt(answer.text, answer.textCuts).map((piece) => ({ content: piece })));
  answer.calls.forEach((call, index) => {
    const [first = '', ...rest] = cutAt(call.arguments, call.cuts);
    sources.push([
      { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: first } }] },
      ...rest.map((piece) => ({ tool_calls: [{ index, function: { arguments: piece } }] })),
    ]);
  });
  const queues = sources.map((deltas) => [...deltas]);
  const opened = sources.map(() => false);
  const deltas: Delta[] = [];
  for (let step = 0; queues.some((queue) => queue.length > 0); step++) {
    // Open sources may send; of the unopened ones, only the next in order.
    const firstUnopened = opened.indexOf(false);
    const candidates = queues.flatMap((queue, index) =>
      queue.length > 0 && (opened[index] === true || index === firstUnopened) ? [index] : [],
    );
    const pick = candidates[(answer.schedule[step % answer.schedule.length] ?? 0) % candidates.length];
    const delta = pick === undefined ? undefined : queues[pick]?.shift();
    if (pick === undefined || delta === undefined) throw new Error('the schedule ran out of sources');
    // A source is open once a client can see it: a call with its first chunk, the text with its first character.
    if (delta.tool_calls !== undefined || delta.content) opened[pick] = true;
    deltas.push(delta);
  }
  return [
    chunk({ role: 'assistant', content: '' }),
    ...deltas.map((delta) => chunk(delta)),
    chunk({}, answer.finishReason),
    usageChunk(answer.usage),
  ];
}

/** What a client rebuilds from the deltas alone: the text, and each function call item's arguments. */
function readDeltas(events: ResponsesStreamEvent[]): { text: string; argumentsByItem: Map<string, string> } {
  let text = '';
  const argumentsByItem = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.function_call_arguments.delta') {
      argumentsByItem.set(event.item_id, (argumentsByItem.get(event.item_id) ?? '') + event.delta);
    }
  }
  return { text, argumentsByItem };
}

function expectWellFormed(events: ResponsesStreamEvent[], answer: Answer): void {
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  expect(typesOf(events).slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
  const finals = events.filter((event) => /^response\.(completed|incomplete|failed)$/.test(event.type));
  expect(finals).toEqual([events.at(-1)]);
  expect(events.at(-1)?.type).toBe(
    answer.finishReason === 'length' || answer.finishReason === 'content_filter'
      ? 'response.incomplete'
      : 'response.completed',
  );

  // Every item added is done exactly once, in output order, after it was added.
  const added = events.flatMap((event) => (event.type === 'response.output_item.added' ? [event] : []));
  const done = events.flatMap((event) => (event.type === 'response.output_item.done' ? [event] : []));
  const itemCount = (answer.text === '' ? 0 : 1) + answer.calls.length;
  expect(added.map((event) => event.output_index)).toEqual([...Array(itemCount).keys()]);
  expect(done.map((event) => event.output_index)).toEqual([...Array(itemCount).keys()]);
  done.forEach((event, index) => {
    expect(event.item.id).toBe(added[index]?.item.id);
    expect(event.sequence_number).toBeGreaterThan(added[index]?.sequence_number ?? Infinity);
  });
}

describe('the Responses stream of any chat stream', () => {
  it('rebuilds the text and every call exactly, and ends on the Response the whole answer gives', () => {
    fc.assert(
      fc.property(answers, (answer) => {
        const translator = createOpenAiChatToResponsesStreamTranslator(context);
        const events = [...chunksOf(answer).flatMap((each) => translator.push(each)), ...translator.finish()];
        expectWellFormed(events, answer);

        const { text, argumentsByItem } = readDeltas(events);
        expect(text).toBe(answer.text);
        const callItems = events.flatMap((event) =>
          event.type === 'response.output_item.added' && event.item.type === 'function_call' ? [event.item] : [],
        );
        expect(callItems.map((item) => [item.call_id, item.name, argumentsByItem.get(item.id) ?? ''])).toEqual(
          answer.calls.map((call) => [call.id, call.name, call.arguments]),
        );

        const expected = openAiChatResponseToResponses(wholeCompletion(answer), context);
        expect(translator.response()).toEqual(expected);
        expect(events.at(-1)).toMatchObject({ response: expected });
        expect(translator.finish()).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

// --- the official SDK reads the stream -----------------------------------------------------------------------------

/** The events as the SDK's own stream reader accumulates them, served over SSE by an in-process fetch. */
async function throughSdk(
  events: ResponsesStreamEvent[],
): Promise<{ final: OpenAI.Responses.Response; seen: string[] }> {
  const body = events.map(responsesSseFrame).join('');
  const client = new OpenAI({
    apiKey: 'test',
    baseURL: 'http://gateway.invalid/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
  const stream = client.responses.stream({ model: 'demo-chat', input: 'Hi' });
  const seen: string[] = [];
  for await (const event of stream) seen.push(event.type);
  return { final: await stream.finalResponse(), seen };
}

/** What the SDK computes on its side: output_text, and the parsed values of its structured-output helpers. */
const SDK_ADDITIONS = new Set(['output_text', 'output_parsed', 'parsed_arguments', 'parsed']);

function withoutSdkAdditions(response: OpenAI.Responses.Response): unknown {
  return JSON.parse(JSON.stringify(response, (key, value: unknown) => (SDK_ADDITIONS.has(key) ? undefined : value)));
}

describe('the official SDK', () => {
  it('accumulates the translated stream into the translator’s final Response', async () => {
    await fc.assert(
      fc.asyncProperty(answers, async (answer) => {
        const translator = createOpenAiChatToResponsesStreamTranslator(context);
        const events = [...chunksOf(answer).flatMap((each) => translator.push(each)), ...translator.finish()];
        const { final, seen } = await throughSdk(events);
        expect(seen).toEqual(typesOf(events));
        expect(withoutSdkAdditions(final)).toEqual(translator.response());
        expect(final.output_text).toBe(answer.text);
      }),
      { numRuns: 40 },
    );
  });
});

// --- type-level: the events are the SDK's ResponseStreamEvent, as they travel ---------------------------------------

/** The SDK adds `output_text` to every Response it parses; on the wire there is none. */
type OnTheWire<Event> = Event extends { response: OpenAI.Responses.Response }
  ? Omit<Event, 'response'> & { response: Omit<OpenAI.Responses.Response, 'output_text'> }
  : Event;

// Fails to compile if any event the translator can produce is not one the SDK's stream types accept.
const _everyEventIsAnSdkEvent = (event: ResponsesStreamEvent): OnTheWire<OpenAI.Responses.ResponseStreamEvent> => event;
