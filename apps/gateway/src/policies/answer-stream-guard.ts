import { type AnswerTextGuard, anthropicSseFrame, type GuardedText, OPENAI_STREAM_DONE } from '@gatehouse/domain';
import { type SseEvent, SseEventSplitter, type SseEventRewriter, type StreamProtocol } from '../upstream';
import { type AnswerGuard, CONTENT_FILTER, isObject, REFUSAL } from './answer-guard';

const DONE_FRAME = `data: ${OPENAI_STREAM_DONE}\n\n`;

/**
 * A stream's rewriter with the answer guard after it: each event it writes for the client is read again and the
 * text in it (OpenAI's `delta.content`, tool call `arguments` and a completion's `text`; Anthropic's `text_delta`
 * and `input_json_delta`) goes through the guard of its choice, tool call or block. Events with nothing to guard
 * (the role chunk, `message_start`, `ping`) pass at once; one whose text is all held back is left out, and the held
 * text goes out with the next one, or before the event that ends its choice or block.
 *
 * A cut ends the answer for the client at once: the text before the finding, then OpenAI's final chunk with
 * `finish_reason: "content_filter"` and `[DONE]`, or Anthropic's `content_block_stop`. Where the ending carries the
 * usage (an OpenAI client that asked for it with `stream_options.include_usage`, and Anthropic's `message_delta`,
 * whose `stop_reason` becomes `"refusal"`), the rest of the ending waits for the upstream's usage; otherwise the
 * tap ends the client's response right away (`clientDone`). The upstream is read to its end either way, for exact
 * usage; its later events are dropped.
 */
export function guardedStreamRewriter(
  guard: AnswerGuard,
  client: StreamProtocol,
  inner: SseEventRewriter,
  includeUsage: boolean,
): SseEventRewriter {
  return client === 'openai'
    ? new OpenAiStreamGuard(guard, inner, includeUsage)
    : new AnthropicStreamGuard(guard, inner);
}

/** What both protocols share: re-reading the inner rewriter's output as events, and the end. */
abstract class StreamGuard implements SseEventRewriter {
  private readonly splitter = new SseEventSplitter();
  protected cut = false;
  clientDone = false;

  constructor(
    protected readonly guard: AnswerGuard,
    private readonly inner: SseEventRewriter,
  ) {}

  rewrite(event: SseEvent): string | Buffer {
    return this.guarded(this.inner.rewrite(event));
  }

  end(): string {
    const last = this.guarded(this.inner.end());
    return last + (this.clientDone ? '' : this.cut ? this.endAfterCut() : this.flushAll());
  }

  /** One event for the client (as the inner rewriter wrote it) in; what to send for it out. */
  protected abstract event(event: SseEvent, data: Record<string, unknown> | null): string | Buffer;
  /** The end of a stream cut before the upstream said how it ended. */
  protected abstract endAfterCut(): string;
  /** Every text still held, let out (the upstream ended without closing them). */
  protected abstract flushAll(): string;

  private guarded(output: string | Buffer): string | Buffer {
    if (output.length === 0) return output;
    if (this.clientDone) return '';
    const events = this.splitter.push(typeof output === 'string' ? Buffer.from(output) : output);
    if (events.length === 1) return this.eventOf(events[0] as SseEvent);
    let out = '';
    for (const event of events) {
      if (this.clientDone) break;
      const piece = this.eventOf(event);
      out += typeof piece === 'string' ? piece : piece.toString('utf8');
    }
    return out;
  }

  private eventOf(event: SseEvent): string | Buffer {
    return this.event(event, event.data === null ? null : parseObject(event.data));
  }
}

/** One guarded text of an OpenAI stream: a choice's content (or completion text), or one tool call's arguments. */
interface OpenAiText {
  choice: number;
  /** -1 for the content; the tool call's index otherwise. */
  call: number;
  guard: AnswerTextGuard;
}

class OpenAiStreamGuard extends StreamGuard {
  private readonly texts = new Map<string, OpenAiText>();
  /** Choices whose held text went out (their finish reason follows, or the cut ended them). */
  private readonly finished = new Set<number>();
  /** The last chunk seen: the envelope (`id`, `created`, `model`, `object`) of the chunks the guard writes. */
  private envelope: Record<string, unknown> = { object: 'chat.completion.chunk' };
  /** A legacy completion's stream (`choices[].text`), whose chunks have no `delta`. */
  private completions = false;

  constructor(
    guard: AnswerGuard,
    inner: SseEventRewriter,
    private readonly includeUsage: boolean,
  ) {
    super(guard, inner);
  }

  protected event(event: SseEvent, chunk: Record<string, unknown> | null): string | Buffer {
    if (event.data?.trim() === OPENAI_STREAM_DONE) {
      if (this.cut) {
        this.clientDone = true;
        return event.raw;
      }
      return this.flushAll() + event.raw.toString('utf8');
    }
    const choices = chunk?.choices;
    // The usage chunk (no choices) passes, after a cut too: it is what the ending waits for. Errors pass as well.
    if (chunk === null || !Array.isArray(choices) || choices.length === 0) return event.raw;
    if (this.cut) return '';
    this.envelope = envelopeOf(chunk);
    let changed = false;
    const cutHere = new Set<number>();
    const reasons = new Map<number, unknown>();
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      const index = typeof choice.index === 'number' ? choice.index : 0;
      const step = this.guardChoice(choice, index);
      changed ||= step.changed;
      if (step.cut) {
        cutHere.add(index);
        choice.finish_reason = null;
      } else if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        reasons.set(index, choice.finish_reason);
      }
    }
    // Choices that end here: what their guards hold goes out before their finish reason, in a chunk of its own.
    const endingHere = new Set(reasons.keys());
    const released = this.release(endingHere);
    for (const index of released.cut) {
      reasons.delete(index);
      cutHere.add(index);
    }
    if (released.frames !== '' || released.cut.size > 0) {
      for (const choice of choices) {
        if (isObject(choice) && endingHere.has(typeof choice.index === 'number' ? choice.index : 0)) {
          choice.finish_reason = null;
        }
      }
      changed = true;
    } else {
      reasons.clear();
    }
    const kept = changed ? choices.filter((choice) => !isObject(choice) || !saysNothing(choice)) : choices;
    chunk.choices = kept;
    let out = (!changed ? event.raw.toString('utf8') : kept.length === 0 ? '' : openAiFrame(chunk)) + released.frames;
    if (cutHere.size === 0) {
      if (reasons.size > 0) out += this.finalChunk(reasons);
      return out;
    }
    return out + this.cutEnding(reasons, cutHere);
  }

  /** The texts of one choice of a chunk through their guards; `cut` when one of them was cut. */
  private guardChoice(choice: Record<string, unknown>, index: number): { changed: boolean; cut: boolean } {
    if (typeof choice.text === 'string' && choice.text !== '') {
      this.completions = true;
      const guarded = this.textOf(index, -1).push(choice.text);
      choice.text = guarded.text;
      return { changed: true, cut: guarded.cut };
    }
    const delta = choice.delta;
    if (!isObject(delta)) return { changed: false, cut: false };
    let changed = false;
    if (typeof delta.content === 'string' && delta.content !== '') {
      const guarded = this.textOf(index, -1).push(delta.content);
      delta.content = guarded.text;
      changed = true;
      if (guarded.cut) {
        delete delta.tool_calls;
        return { changed, cut: true };
      }
    }
    if (!Array.isArray(delta.tool_calls)) return { changed, cut: false };
    const calls = delta.tool_calls as unknown[];
    for (let position = 0; position < calls.length; position++) {
      const call = calls[position];
      if (!isObject(call) || !isObject(call.function)) continue;
      const args = call.function.arguments;
      if (typeof args !== 'string' || args === '') continue;
      const guarded = this.textOf(index, typeof call.index === 'number' ? call.index : position).push(args);
      call.function.arguments = guarded.text;
      changed = true;
      if (guarded.cut) {
        delta.tool_calls = calls.slice(0, position + 1);
        return { changed, cut: true };
      }
    }
    return { changed, cut: false };
  }

  private textOf(choice: number, call: number): AnswerTextGuard {
    const key = `${choice}:${call}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = { choice, call, guard: this.guard.textGuard() };
      this.texts.set(key, text);
    }
    return text.guard;
  }

  /** Lets out what the guards of these choices hold, in chunks of their own; the choices a rule cut there. */
  private release(choices: Iterable<number>): { frames: string; cut: Set<number> } {
    const ending = new Set(choices);
    let frames = '';
    const cut = new Set<number>();
    for (const text of this.texts.values()) {
      if (!ending.has(text.choice) || this.finished.has(text.choice)) continue;
      const held = text.guard.finish();
      if (held.text !== '') frames += openAiFrame(this.chunkWith(text, held.text));
      if (held.cut) cut.add(text.choice);
    }
    for (const choice of ending) this.finished.add(choice);
    return { frames, cut };
  }

  private openChoices(): number[] {
    const open = new Set<number>();
    for (const text of this.texts.values()) if (!this.finished.has(text.choice)) open.add(text.choice);
    return [...open];
  }

  protected flushAll(): string {
    const released = this.release(this.openChoices());
    if (released.cut.size === 0) return released.frames;
    this.cut = true;
    return released.frames + this.finalChunk(new Map([...released.cut].map((index) => [index, CONTENT_FILTER])));
  }

  /**
   * The cut: every other open choice lets out what it holds (guarded: a cut there only ends it sooner), then one
   * chunk ends each choice, those cut with `content_filter`; `[DONE]` follows at once unless the client waits for
   * its usage chunk.
   */
  private cutEnding(reasons: Map<number, unknown>, cutHere: Set<number>): string {
    this.cut = true;
    const others = this.openChoices().filter((index) => !cutHere.has(index));
    const released = this.release([...others, ...cutHere]);
    const endings = new Map(reasons);
    for (const index of [...cutHere, ...others]) endings.set(index, CONTENT_FILTER);
    const out = released.frames + this.finalChunk(endings);
    if (this.includeUsage) return out;
    this.clientDone = true;
    return out + DONE_FRAME;
  }

  protected endAfterCut(): string {
    this.clientDone = true;
    return DONE_FRAME;
  }

  /** One chunk ending the given choices with their finish reasons. */
  private finalChunk(reasons: Map<number, unknown>): string {
    const choices = [...reasons]
      .sort(([a], [b]) => a - b)
      .map(([index, reason]) =>
        this.completions ? { index, text: '', finish_reason: reason } : { index, delta: {}, finish_reason: reason },
      );
    return openAiFrame({ ...this.envelope, choices });
  }

  private chunkWith(text: OpenAiText, value: string): Record<string, unknown> {
    const choice: Record<string, unknown> = { index: text.choice };
    if (this.completions) choice.text = value;
    else if (text.call === -1) choice.delta = { content: value };
    else choice.delta = { tool_calls: [{ index: text.call, function: { arguments: value } }] };
    choice.finish_reason = null;
    return { ...this.envelope, choices: [choice] };
  }
}

/** One guarded content block of an Anthropic stream, and the delta type its text goes out in. */
interface AnthropicBlock {
  guard: AnswerTextGuard;
  delta: 'text_delta' | 'input_json_delta';
  closed: boolean;
}

const DELTA_FIELD = { text_delta: 'text', input_json_delta: 'partial_json' } as const;

class AnthropicStreamGuard extends StreamGuard {
  private readonly blocks = new Map<number, AnthropicBlock>();
  /** After a cut: the upstream's `message_delta` went out (as a refusal), so `message_stop` ends the stream. */
  private endingSent = false;

  protected event(event: SseEvent, data: Record<string, unknown> | null): string | Buffer {
    const type = event.event ?? (typeof data?.type === 'string' ? data.type : null);
    if (this.cut) return this.afterCut(type, data);
    const index = typeof data?.index === 'number' ? data.index : 0;
    switch (type) {
      case 'content_block_delta':
        return this.delta(event, data, index);
      case 'content_block_stop':
        return this.closeBlock(index) + event.raw.toString('utf8');
      case 'message_delta':
      case 'message_stop':
      case 'error': {
        const held = this.flushAll();
        return held + (this.cut ? this.afterCut(type, data) : event.raw.toString('utf8'));
      }
      default:
        return event.raw;
    }
  }

  private delta(event: SseEvent, data: Record<string, unknown> | null, index: number): string | Buffer {
    const delta = data?.delta;
    if (!isObject(delta) || (delta.type !== 'text_delta' && delta.type !== 'input_json_delta')) return event.raw;
    const field = DELTA_FIELD[delta.type];
    const text = delta[field];
    if (typeof text !== 'string' || text === '') return event.raw;
    let block = this.blocks.get(index);
    if (block === undefined) {
      block = { guard: this.guard.textGuard(), delta: delta.type, closed: false };
      this.blocks.set(index, block);
    }
    const guarded: GuardedText = block.guard.push(text);
    delta[field] = guarded.text;
    const own = guarded.text === '' ? '' : anthropicSseFrame({ event: 'content_block_delta', data: data ?? {} });
    if (!guarded.cut) return own;
    this.cut = true;
    block.closed = true;
    return own + anthropicSseFrame({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  }

  /** A block ends: what its guard still holds goes out in a delta before its `content_block_stop`. */
  private closeBlock(index: number): string {
    const block = this.blocks.get(index);
    if (block === undefined || block.closed) return '';
    block.closed = true;
    const held = block.guard.finish();
    if (held.cut) this.cut = true;
    return held.text === '' ? '' : deltaFrame(index, block.delta, held.text);
  }

  protected flushAll(): string {
    let out = '';
    for (const [index, block] of this.blocks) {
      if (block.closed) continue;
      block.closed = true;
      const held = block.guard.finish();
      if (held.text !== '') out += deltaFrame(index, block.delta, held.text);
      if (held.cut) this.cut = true;
    }
    return out;
  }

  /** After a cut only the message's ending passes: `message_delta` as a refusal, with its usage, then `message_stop`. */
  private afterCut(type: string | null, data: Record<string, unknown> | null): string {
    if (type === 'message_delta' && data !== null && !this.endingSent) {
      this.endingSent = true;
      const delta = isObject(data.delta) ? data.delta : {};
      return anthropicSseFrame({
        event: 'message_delta',
        data: { ...data, delta: { ...delta, stop_reason: REFUSAL, stop_sequence: null } },
      });
    }
    if (type === 'message_stop' && this.endingSent) {
      this.clientDone = true;
      return anthropicSseFrame({ event: 'message_stop', data: { type: 'message_stop' } });
    }
    return '';
  }

  protected endAfterCut(): string {
    this.clientDone = true;
    const ending = this.endingSent
      ? ''
      : anthropicSseFrame({
          event: 'message_delta',
          data: {
            type: 'message_delta',
            delta: { stop_reason: REFUSAL, stop_sequence: null },
            usage: { output_tokens: 0 },
          },
        });
    return ending + anthropicSseFrame({ event: 'message_stop', data: { type: 'message_stop' } });
  }
}

function deltaFrame(index: number, type: AnthropicBlock['delta'], text: string): string {
  return anthropicSseFrame({
    event: 'content_block_delta',
    data: { type: 'content_block_delta', index, delta: { type, [DELTA_FIELD[type]]: text } },
  });
}

function openAiFrame(chunk: Record<string, unknown>): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The members of a chunk other than its choices and usage, for the chunks the guard writes itself. */
function envelopeOf(chunk: Record<string, unknown>): Record<string, unknown> {
  const { choices: _choices, usage: _usage, ...envelope } = chunk;
  return envelope;
}

/** A choice whose guarded delta is now empty: no text, no tool call news, no finish reason, no role. */
function saysNothing(choice: Record<string, unknown>): boolean {
  if (choice.finish_reason !== null && choice.finish_reason !== undefined) return false;
  if (choice.logprobs !== null && choice.logprobs !== undefined) return false;
  if (typeof choice.text === 'string' && choice.text !== '') return false;
  const delta = choice.delta;
  if (!isObject(delta)) return typeof choice.text === 'string';
  for (const [key, value] of Object.entries(delta)) {
    if (key === 'content' && value === '') continue;
    if (key === 'tool_calls' && Array.isArray(value) && value.every(isEmptyCallDelta)) continue;
    if (value === null || value === undefined) continue;
    return false;
  }
  return true;
}

function isEmptyCallDelta(call: unknown): boolean {
  if (!isObject(call)) return false;
  return Object.entries(call).every(
    ([key, value]) =>
      key === 'index' ||
      (key === 'function' &&
        isObject(value) &&
        Object.keys(value).every((k) => k === 'arguments') &&
        value.arguments === ''),
  );
}

function parseObject(data: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(data) as unknown;
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}
