import { GatewayError } from '../../common/gateway-error';
import { type SseEvent, SseEventSplitter } from '../../upstream';
import { type AnswerContext, answerForClient, streamRewriterFor } from './answer-translation';

const context: AnswerContext = { alias: 'public-model', requestId: 'req_1', includeUsage: false };

const anthropicMessage = () => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-upstream',
  content: [{ type: 'text', text: 'Hello.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
});

const openAiCompletion = () => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-upstream',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
});

/** Events of an SSE text, as the splitter gives them to a rewriter. */
function eventsOf(text: string): SseEvent[] {
  return new SseEventSplitter().push(Buffer.from(text));
}

function rewrite(text: string, client: 'openai' | 'anthropic', upstream: 'openai' | 'anthropic', includeUsage = false) {
  const rewriter = streamRewriterFor(client, upstream, { ...context, includeUsage });
  return (
    eventsOf(text)
      .map((event) => rewriter.rewrite(event).toString())
      .join('') + rewriter.end()
  );
}

const anthropicEvent = (data: { type: string } & Record<string, unknown>) =>
  `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

const anthropicStream = [
  anthropicEvent({
    type: 'message_start',
    message: { ...anthropicMessage(), content: [], usage: { input_tokens: 10, output_tokens: 0 } },
  }),
  anthropicEvent({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  anthropicEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
  anthropicEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo.' } }),
  anthropicEvent({ type: 'content_block_stop', index: 0 }),
  anthropicEvent({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }),
  anthropicEvent({ type: 'message_stop' }),
];

/** The JSON payloads of `data:` lines, `[DONE]` as is. */
function dataOf(text: string): unknown[] {
  return eventsOf(text).map((event) =>
    event.data === '[DONE]' ? '[DONE]' : (JSON.parse(event.data ?? 'null') as unknown),
  );
}

describe('answerForClient', () => {
  it('only renames the model when the upstream speaks the client API', () => {
    expect(answerForClient('openai', 'openai', openAiCompletion(), context)).toEqual({
      ...openAiCompletion(),
      model: 'public-model',
    });
    expect(answerForClient('anthropic', 'anthropic', anthropicMessage(), context)).toEqual({
      ...anthropicMessage(),
      model: 'public-model',
    });
  });

  it("translates an Anthropic message for an OpenAI client, with the request's id", () => {
    expect(answerForClient('openai', 'anthropic', anthropicMessage(), context)).toMatchObject({
      id: 'req_1',
      object: 'chat.completion',
      model: 'public-model',
      choices: [{ message: { role: 'assistant', content: 'Hello.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
  });

  it('translates an OpenAI chat completion for an Anthropic client', () => {
    expect(answerForClient('anthropic', 'openai', openAiCompletion(), context)).toMatchObject({
      id: 'req_1',
      type: 'message',
      model: 'public-model',
      content: [{ type: 'text', text: 'Hello.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, output_tokens: 2 },
    });
  });

  it('answers 502 upstream_error for an answer it cannot translate', () => {
    const badToolCall = openAiCompletion();
    badToolCall.choices[0] = {
      ...badToolCall.choices[0],
      message: {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{' } }],
      },
    } as (typeof badToolCall.choices)[number];
    for (const [client, upstream, payload] of [
      ['openai', 'anthropic', { type: 'message' }],
      ['anthropic', 'openai', { object: 'chat.completion' }],
      ['anthropic', 'openai', badToolCall],
    ] as const) {
      let thrown: unknown;
      try {
        answerForClient(client, upstream, payload, context);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(GatewayError);
      expect(thrown).toMatchObject({ status: 502, code: 'upstream_error' });
    }
  });
});

describe('streamRewriterFor', () => {
  it('translates an Anthropic stream for an OpenAI client, the usage chunk only when asked', () => {
    const plain = dataOf(rewrite(anthropicStream.join(''), 'openai', 'anthropic'));
    expect(plain.at(-1)).toBe('[DONE]');
    expect(plain).toContainEqual(
      expect.objectContaining({
        model: 'public-model',
        choices: [expect.objectContaining({ delta: { content: 'Hel' } })],
      }),
    );
    expect(plain.some((chunk) => typeof chunk === 'object' && chunk !== null && 'usage' in chunk)).toBe(false);

    const withUsage = dataOf(rewrite(anthropicStream.join(''), 'openai', 'anthropic', true));
    expect(withUsage.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 2 } });
  });

  it("ends with one OpenAI error event on the upstream's error event, or on a stream without its end", () => {
    const error = anthropicEvent({ type: 'error', error: { type: 'overloaded_error', message: 'busy' } });
    const broken = dataOf(
      rewrite([...anthropicStream.slice(0, 3), error, ...anthropicStream.slice(3)].join(''), 'openai', 'anthropic'),
    );
    expect(broken.at(-1)).toEqual({ error: { message: 'busy', type: 'server_error', param: null, code: null } });
    expect(broken.filter((chunk) => typeof chunk === 'object' && chunk !== null && 'error' in chunk)).toHaveLength(1);

    const cut = dataOf(rewrite(anthropicStream.slice(0, 4).join(''), 'openai', 'anthropic'));
    expect(cut.at(-1)).toMatchObject({ error: { type: 'server_error' } });
    expect(cut).not.toContain('[DONE]');
  });

  it('translates an OpenAI stream for an Anthropic client, skipping [DONE]', () => {
    const chunk = (delta: object, finish: string | null = null, usage: object | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], usage })}\n\n`;
    const text = [
      chunk({ role: 'assistant', content: 'Hi' }),
      chunk({}, 'stop'),
      chunk({}, null, { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 }),
      'data: [DONE]\n\n',
    ].join('');
    const events = eventsOf(rewrite(text, 'anthropic', 'openai'));
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(JSON.parse(events[0]?.data ?? '{}')).toMatchObject({ message: { id: 'req_1', model: 'public-model' } });
    expect(JSON.parse(events[5]?.data ?? '{}')).toMatchObject({ usage: { input_tokens: 3, output_tokens: 1 } });
  });

  it("names the public model in an Anthropic stream's message_start and passes every other event as it came", () => {
    const out = rewrite(anthropicStream.join(''), 'anthropic', 'anthropic');
    const events = eventsOf(out);
    expect(JSON.parse(events[0]?.data ?? '{}')).toMatchObject({
      type: 'message_start',
      message: { model: 'public-model' },
    });
    expect(out.slice(out.indexOf('event: content_block_start'))).toBe(anthropicStream.slice(1).join(''));
  });
});

describe('streamRewriterFor, OpenAI to OpenAI', () => {
  it('names the alias in every chunk and leaves everything else as the upstream sent it, content included', () => {
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-upstream', choices: [{ index: 0, delta: { content } }] })}\n\n`;
    const tricky = 'she said "model": "gpt-upstream" twice';
    const out = rewrite(chunk('Hel') + chunk(tricky) + 'data: [DONE]\n\n', 'openai', 'openai');
    const chunks = dataOf(out);
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toMatchObject({ model: 'public-model', choices: [{ delta: { content: 'Hel' } }] });
    expect(chunks[1]).toMatchObject({ model: 'public-model', choices: [{ delta: { content: tricky } }] });
    expect(chunks[2]).toBe('[DONE]');
    expect(out).not.toContain('"model":"gpt-upstream"');
  });

  it('passes an event without a model, and a comment, through byte for byte', () => {
    const text = ': keep-alive\n\ndata: {"error":{"message":"busy"}}\n\n';
    expect(rewrite(text, 'openai', 'openai')).toBe(text);
  });
});
