import { AnswerRules, compileDenyList, type PiiEntity, PlaceholderVault } from '@gatehouse/domain';
import { RequestContext } from '../pipeline/request-context';
import { type SseEvent, SseEventSplitter, type SseEventRewriter } from '../upstream';
import { AnswerGuard } from './answer-guard';
import { guardedStreamRewriter } from './answer-stream-guard';

const CARD = '4111 1111 1111 1111';
const EMAIL = 'jane.doe@example.com';

function rules(pii: { action: 'block' | 'redact' | 'log'; entities: PiiEntity[] }[], deny: string[] = []): AnswerRules {
  return new AnswerRules(
    pii.map(({ action, entities }) => ({
      source: { policy: 'global', rule: 'pii.output' as const, mode: 'enforce' as const },
      action,
      entities,
      restore: false,
    })),
    deny.length === 0
      ? []
      : [
          {
            source: { policy: 'tenant:t', rule: 'denyList.output' as const, mode: 'enforce' as const },
            action: 'block' as const,
            list: compileDenyList(deny),
          },
        ],
  );
}

const redactCards = rules([{ action: 'redact', entities: ['CREDIT_CARD'] }]);
const blockCards = rules([{ action: 'block', entities: ['CREDIT_CARD'] }]);

function guardOf(answerRules: AnswerRules, restore: PlaceholderVault | null = null) {
  const context = new RequestContext('request', 0, '127.0.0.1');
  return { guard: new AnswerGuard(answerRules, restore, context), context };
}

describe('AnswerGuard on whole answers', () => {
  it("redacts an OpenAI answer's content, text parts and tool call arguments, and says what it did", () => {
    const { guard, context } = guardOf(redactCards);
    const payload = {
      choices: [
        {
          index: 0,
          message: {
            content: `Card ${CARD}.`,
            tool_calls: [{ id: 'a', type: 'function', function: { name: 'pay', arguments: `{"card":"${CARD}"}` } }],
          },
          finish_reason: 'tool_calls',
        },
        { index: 1, message: { content: [{ type: 'text', text: `again ${CARD}` }] }, finish_reason: 'stop' },
      ],
    };
    guard.guardAnswer('openai', payload);
    expect(payload.choices[0]?.message).toEqual({
      content: 'Card [CREDIT_CARD_1].',
      tool_calls: [{ id: 'a', type: 'function', function: { name: 'pay', arguments: '{"card":"[CREDIT_CARD_1]"}' } }],
    });
    expect(payload.choices[1]?.message.content).toEqual([{ type: 'text', text: 'again [CREDIT_CARD_1]' }]);
    expect(guard.policyItems()).toEqual(['pii.output=redact:3']);
    expect(context.decisions).toEqual(['redact:pii.output.CREDIT_CARD@global']);
  });

  it('cuts an OpenAI answer at a blocked finding with content_filter, and drops a tool call whose arguments hold one', () => {
    const { guard } = guardOf(blockCards);
    const content = {
      index: 0,
      message: { content: `Here: ${CARD} and more`, tool_calls: [{}] },
      finish_reason: 'stop',
    };
    const calls = {
      index: 1,
      message: {
        content: null,
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'ok', arguments: '{"q":"weather"}' } },
          { id: 'b', type: 'function', function: { name: 'pay', arguments: `{"card":"${CARD}"}` } },
          { id: 'c', type: 'function', function: { name: 'later', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
    };
    const completion = { index: 2, text: `${CARD}`, finish_reason: 'length' };
    const payload = { choices: [content, calls, completion] };
    guard.guardAnswer('openai', payload);
    expect(content).toEqual({ index: 0, message: { content: 'Here: ' }, finish_reason: 'content_filter' });
    expect(calls.message.tool_calls.map((call) => call.id)).toEqual(['a']);
    expect(calls.finish_reason).toBe('content_filter');
    expect(completion).toEqual({ index: 2, text: '', finish_reason: 'content_filter' });
    expect(guard.policyItems()).toEqual(['pii.output=block']);
  });

  it('cuts an Anthropic message with stop_reason refusal, walking tool_use input values', () => {
    const { guard } = guardOf(rules([{ action: 'block', entities: ['CREDIT_CARD'] }], ['forbidden']));
    const payload = {
      content: [
        { type: 'text', text: 'Fine so far. ' },
        { type: 'tool_use', id: 't', name: 'pay', input: { card: { number: CARD } } },
        { type: 'text', text: 'after' },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
    };
    guard.guardAnswer('anthropic', payload);
    expect(payload).toEqual({
      content: [{ type: 'text', text: 'Fine so far. ' }],
      stop_reason: 'refusal',
      stop_sequence: null,
    });

    const { guard: other } = guardOf(rules([], ['forbidden']));
    const text = {
      content: [{ type: 'text', text: 'a forbidden word' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    };
    other.guardAnswer('anthropic', text);
    expect(text).toEqual({ content: [{ type: 'text', text: 'a ' }], stop_reason: 'refusal', stop_sequence: null });
    expect(other.policyItems()).toEqual(['denyList.output=block']);
  });

  it("restores the caller's placeholders in text and tool input", () => {
    const vault = new PlaceholderVault();
    vault.placeholderFor('EMAIL', EMAIL);
    const { guard } = guardOf(new AnswerRules([], []), vault);
    const payload = {
      content: [
        { type: 'text', text: 'Mail [EMAIL_1].' },
        { type: 'tool_use', id: 't', name: 'mail', input: { to: ['[EMAIL_1]'], n: 1 } },
      ],
    };
    guard.guardAnswer('anthropic', payload);
    expect(payload.content).toEqual([
      { type: 'text', text: `Mail ${EMAIL}.` },
      { type: 'tool_use', id: 't', name: 'mail', input: { to: [EMAIL], n: 1 } },
    ]);
    expect(guard.policyItems()).toEqual([]);
  });
});

/** Passes each event as it came: the stream guard then sees the upstream's own events. */
const asItCame: SseEventRewriter = { rewrite: (event) => event.raw, end: () => '' };

/** Feeds `frames` through a guarded rewriter, one event at a time; the text out, and whether it said the client is done. */
function streamThrough(rewriter: SseEventRewriter, frames: string[]): { out: string; doneAfter: number } {
  const splitter = new SseEventSplitter();
  let out = '';
  let doneAfter = -1;
  frames.forEach((frame, index) => {
    for (const event of splitter.push(Buffer.from(frame)) as SseEvent[]) {
      if (rewriter.clientDone === true) continue;
      out += rewriter.rewrite(event).toString();
    }
    if (rewriter.clientDone === true && doneAfter === -1) doneAfter = index;
  });
  if (rewriter.clientDone !== true) out += rewriter.end();
  return { out, doneAfter };
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'alias', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 3, completion_tokens: 9 } })}\n\n`;
const DONE = 'data: [DONE]\n\n';

function openAiText(out: string): { content: string; finishes: unknown[]; done: number; usage: number } {
  let content = '';
  const finishes: unknown[] = [];
  let done = 0;
  let usageChunks = 0;
  for (const line of out.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const data = line.slice(6);
    if (data === '[DONE]') {
      done += 1;
      continue;
    }
    const parsed = JSON.parse(data) as { choices: { delta: { content?: string }; finish_reason: unknown }[] };
    if (parsed.choices.length === 0) usageChunks += 1;
    for (const choice of parsed.choices) {
      content += choice.delta.content ?? '';
      if (choice.finish_reason !== null) finishes.push(choice.finish_reason);
    }
  }
  return { content, finishes, done, usage: usageChunks };
}

function inThrees(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 3) pieces.push(chunk({ content: text.slice(i, i + 3) }));
  return pieces;
}

describe('AnswerGuard on OpenAI streams', () => {
  const text = `Your card ${CARD} is on file, thank you for your patience today.`;

  it('redacts a card split in 3-character chunks; the role chunk passes at once and held text precedes the finish', () => {
    const { guard, context } = guardOf(redactCards);
    const rewriter = guardedStreamRewriter(guard, 'openai', asItCame, false);
    const role = chunk({ role: 'assistant', content: '' });
    expect(rewriter.rewrite({ raw: Buffer.from(role), event: null, data: role.slice(6, -2) }).toString()).toBe(role);
    const { out } = streamThrough(rewriter, [...inThrees(text), chunk({}, 'stop'), usage, DONE]);
    expect(out).not.toMatch(/4111|1111/);
    const read = openAiText(out);
    expect(read).toEqual({
      content: text.replace(CARD, '[CREDIT_CARD_1]'),
      finishes: ['stop'],
      done: 1,
      usage: 1,
    });
    // The finish chunk comes last but for the usage and [DONE].
    expect(out.lastIndexOf('"finish_reason":"stop"')).toBeGreaterThan(out.lastIndexOf('patience'));
    expect(context.decisions).toEqual(['redact:pii.output.CREDIT_CARD@global']);
  });

  it('cuts at a blocked card: the text before it, a content_filter chunk and [DONE] at once, later chunks dropped', () => {
    const { guard } = guardOf(blockCards);
    const rewriter = guardedStreamRewriter(guard, 'openai', asItCame, false);
    const frames = [
      ...inThrees(text),
      ...inThrees(' and much more text after the card, '.repeat(4)),
      chunk({}, 'stop'),
      usage,
      DONE,
    ];
    const { out, doneAfter } = streamThrough(rewriter, frames);
    expect(openAiText(out)).toEqual({ content: 'Your card ', finishes: ['content_filter'], done: 1, usage: 0 });
    expect(doneAfter).toBeLessThan(frames.length - 10);
    expect(out).not.toContain('4111');
  });

  it('with include_usage, the cut waits for the usage chunk before [DONE]', () => {
    const { guard } = guardOf(blockCards);
    const rewriter = guardedStreamRewriter(guard, 'openai', asItCame, true);
    const { out, doneAfter } = streamThrough(rewriter, [...inThrees(text), chunk({}, 'stop'), usage, DONE]);
    expect(openAiText(out)).toEqual({ content: 'Your card ', finishes: ['content_filter'], done: 1, usage: 1 });
    expect(doneAfter).toBe(inThrees(text).length + 2);
  });

  it('guards tool call arguments streamed in pieces', () => {
    const { guard } = guardOf(redactCards);
    const rewriter = guardedStreamRewriter(guard, 'openai', asItCame, false);
    const args = `{"card":"${CARD}","note":"pay it"}`;
    const frames = [
      chunk({
        role: 'assistant',
        tool_calls: [{ index: 0, id: 'x', type: 'function', function: { name: 'pay', arguments: '' } }],
      }),
    ];
    for (let i = 0; i < args.length; i += 4) {
      frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + 4) } }] }));
    }
    frames.push(chunk({}, 'tool_calls'), DONE);
    const { out } = streamThrough(rewriter, frames);
    let received = '';
    for (const line of out.split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const parsed = JSON.parse(line.slice(6)) as {
        choices: { delta: { tool_calls?: { function?: { arguments?: string } }[] } }[];
      };
      for (const call of parsed.choices[0]?.delta.tool_calls ?? []) received += call.function?.arguments ?? '';
    }
    expect(received).toBe('{"card":"[CREDIT_CARD_1]","note":"pay it"}');
  });
});

describe('AnswerGuard on Anthropic streams', () => {
  const event = (name: string, data: Record<string, unknown>) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const textDelta = (text: string) =>
    event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
  const start = [
    event('message_start', { type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } }),
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ];
  const end = [
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 40 },
    }),
    event('message_stop', { type: 'message_stop' }),
  ];
  const pieces = (text: string) => {
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 3) out.push(textDelta(text.slice(i, i + 3)));
    return out;
  };
  const read = (out: string) => {
    let text = '';
    const events: string[] = [];
    let stop: unknown;
    for (const block of out.split('\n\n')) {
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name === undefined || data === undefined) continue;
      events.push(name);
      const parsed = JSON.parse(data) as { delta?: { text?: string; stop_reason?: string } };
      if (name === 'content_block_delta') text += parsed.delta?.text ?? '';
      if (name === 'message_delta') stop = parsed.delta?.stop_reason;
    }
    return { text, stop, events: events.filter((name, i) => name !== 'content_block_delta' || events[i - 1] !== name) };
  };

  it("restores the caller's placeholders and redacts what the model wrote", () => {
    const vault = new PlaceholderVault();
    vault.placeholderFor('EMAIL', EMAIL);
    const { guard } = guardOf(rules([{ action: 'redact', entities: ['EMAIL'] }]), vault);
    const rewriter = guardedStreamRewriter(guard, 'anthropic', asItCame, false);
    const { out } = streamThrough(rewriter, [
      ...start,
      ...pieces('Write to [EMAIL_1], not x.y@example.net, today.'),
      ...end,
    ]);
    expect(read(out)).toEqual({
      text: `Write to ${EMAIL}, not [EMAIL_2], today.`,
      stop: 'end_turn',
      events: [
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    });
  });

  it('cuts with content_block_stop at once, then the upstream usage in a refusal message_delta and message_stop', () => {
    const { guard } = guardOf(blockCards);
    const rewriter = guardedStreamRewriter(guard, 'anthropic', asItCame, false);
    const frames = [...start, ...pieces(`Card ${CARD} and more and more text here.`), ...end];
    const { out, doneAfter } = streamThrough(rewriter, frames);
    expect(read(out)).toEqual({
      text: 'Card ',
      stop: 'refusal',
      events: [
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    });
    expect(out).toContain('"output_tokens":40');
    expect(doneAfter).toBe(frames.length - 1);
  });

  it('ends with a refusal when the block is only found as the block closes, with nothing left to send', () => {
    const { guard } = guardOf(rules([], ['forbidden-[a-z]+']));
    const rewriter = guardedStreamRewriter(guard, 'anthropic', asItCame, false);
    const { out } = streamThrough(rewriter, [
      ...start,
      ...pieces('All fine until forbidden-words appear, and then a long tail that nobody should ever read.'),
      ...end,
    ]);
    expect(read(out)).toMatchObject({ text: 'All fine until ', stop: 'refusal' });
  });
});
