import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SseEventSplitter } from './sse-event-splitter';
import { type SseEventRewriter, SseUsageTap } from './sse-usage-tap';
import { type StreamUsageReport } from './stream-usage';

const openAiChunk = (content: string) =>
  `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}],"usage":null}\n\n`;
const openAiUsage =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":4}}}\n\n';
const done = 'data: [DONE]\n\n';

/** Cuts `text` into pieces of `size` bytes, so events and even multi-byte characters straddle chunk boundaries. */
function bytesIn(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

async function run(
  chunks: Buffer[],
  options: { protocol: 'openai' | 'anthropic'; stripUsageChunk: boolean },
): Promise<{ output: string; report: StreamUsageReport }> {
  const reports: StreamUsageReport[] = [];
  const tap = new SseUsageTap({ ...options, onReport: (report) => reports.push(report) });
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), tap, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  expect(reports).toHaveLength(1);
  return { output: Buffer.concat(out).toString('utf8'), report: reports[0] as StreamUsageReport };
}

describe('SseEventSplitter', () => {
  it('finds the same events however the bytes are chunked, with LF, CRLF and CR line ends', () => {
    const text = 'event: a\ndata: 1\n\n: comment\r\ndata: x\r\ndata: y\r\n\r\ndata:no-space\r\rdata: é€😀\n\n';
    for (const size of [1, 2, 3, 7, 1000]) {
      const splitter = new SseEventSplitter();
      const events = bytesIn(text, size).flatMap((chunk) => splitter.push(chunk));
      expect(events.map((e) => [e.event, e.data])).toEqual([
        ['a', '1'],
        [null, 'x\ny'],
        [null, 'no-space'],
        [null, 'é€😀'],
      ]);
      expect(Buffer.concat(events.map((e) => e.raw)).toString('utf8')).toBe(text);
      expect(splitter.remainder.length).toBe(0);
    }
  });

  it('holds only the incomplete last event', () => {
    const splitter = new SseEventSplitter();
    expect(splitter.push(Buffer.from('data: 1\n\ndata: 2'))).toHaveLength(1);
    expect(splitter.remainder.toString()).toBe('data: 2');
    expect(splitter.push(Buffer.from('\r'))).toHaveLength(0);
    expect(splitter.push(Buffer.from('\n\r\n'))).toHaveLength(1);
  });

  it('reads fields as the SSE spec does: one space dropped, unknown fields and comments ignored', () => {
    const text =
      'data\n\nevent\ndata:  two spaces\n\nid: 7\nretry: 10\ndat: no\nevents: no\n:data: comment\ndata:a\ndata: b\n\n';
    const events = new SseEventSplitter().push(new Uint8Array(Buffer.from(text)));
    expect(events.map((e) => [e.event, e.data])).toEqual([
      [null, ''],
      ['', ' two spaces'],
      [null, 'a\nb'],
    ]);
  });

  it('splits generated streams as a reference parser of the whole text does, however they are chunked', () => {
    const lines = [
      'data: {"a":"é€😀"}',
      'data:x',
      'data',
      'data:  y',
      'event: message_start',
      'event:',
      ': note',
      'id: 5',
    ];
    const ends = ['\n', '\r\n', '\r'];
    let seed = 42;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let run = 0; run < 300; run++) {
      let text = '';
      for (let event = Math.floor(random() * 5); event > 0; event--) {
        for (let line = Math.floor(random() * 4); line > 0; line--) text += pick(lines) + pick(ends);
        text += pick(ends);
      }
      // Sometimes an incomplete last event (without a line end: a lone CR's line is not over until the next byte).
      if (random() < 0.5) text += pick(lines);
      const expected = referenceEvents(text);
      const size = 1 + Math.floor(random() * 40);
      const splitter = new SseEventSplitter();
      const events = bytesIn(text, size).flatMap((chunk) => splitter.push(chunk));
      expect(events.map((e) => ({ raw: e.raw.toString('utf8'), event: e.event, data: e.data }))).toEqual(
        expected.events,
      );
      expect(splitter.remainder.toString('utf8')).toBe(expected.remainder);
    }
  });
});

/** The events of a whole SSE text, parsed line by line from the spec (WHATWG HTML §9.2.6), for comparison. */
function referenceEvents(text: string): {
  events: { raw: string; event: string | null; data: string | null }[];
  remainder: string;
} {
  const events: { raw: string; event: string | null; data: string | null }[] = [];
  const line = /([^\r\n]*)(\r\n|\n|\r(?!$))/y;
  let eventStart = 0;
  let event: string | null = null;
  let data: string[] = [];
  for (let match = line.exec(text); match !== null; match = line.exec(text)) {
    const content = match[1] as string;
    if (content === '') {
      events.push({
        raw: text.slice(eventStart, line.lastIndex),
        event,
        data: data.length > 0 ? data.join('\n') : null,
      });
      eventStart = line.lastIndex;
      event = null;
      data = [];
      continue;
    }
    if (content.startsWith(':')) continue;
    const colon = content.indexOf(':');
    const name = colon === -1 ? content : content.slice(0, colon);
    const value = colon === -1 ? '' : content.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') data.push(value);
    if (name === 'event') event = value;
  }
  return { events, remainder: text.slice(eventStart) };
}

describe('SseUsageTap', () => {
  const stream = openAiChunk('Hello') + openAiChunk(' wörld') + openAiUsage + done;

  it.each([1, 3, 17, 4096])('passes bytes through untouched and captures OpenAI usage (chunks of %i)', async (size) => {
    const { output, report } = await run(bytesIn(stream, size), { protocol: 'openai', stripUsageChunk: false });
    expect(output).toBe(stream);
    expect(report).toMatchObject({
      ending: 'completed',
      inputTokens: 12,
      cachedInputTokens: 4,
      outputTokens: 5,
      outputTokensSource: 'upstream',
      contentDeltas: 2,
    });
  });

  it('forwards each chunk as it arrives when not stripping (no buffering)', async () => {
    const chunks = bytesIn(stream, 5);
    const tap = new SseUsageTap({ protocol: 'openai', stripUsageChunk: false });
    const seen: Buffer[] = [];
    tap.on('data', (chunk: Buffer) => seen.push(chunk));
    for (const chunk of chunks) {
      tap.write(chunk);
      // Out before the next one goes in: nothing waits for an event boundary.
      expect(seen.at(-1)).toEqual(chunk);
    }
    tap.end();
  });

  it.each([1, 5, 4096])('drops the usage-only chunk when asked, still reading it (chunks of %i)', async (size) => {
    const { output, report } = await run(bytesIn(stream, size), { protocol: 'openai', stripUsageChunk: true });
    expect(output).toBe(openAiChunk('Hello') + openAiChunk(' wörld') + done);
    expect(report.outputTokens).toBe(5);
    expect(report.inputTokens).toBe(12);
  });

  it.each([
    ['passed through', false, undefined],
    ['with the usage chunk stripped', true, undefined],
    ['rewritten', false, { rewrite: (event: { raw: Buffer }) => event.raw, end: () => '' }],
  ] as const)(
    'notes the first output once, as the event carrying it arrives, not on a role-only chunk (%s)',
    async (_label, stripUsageChunk, rewriter) => {
      const roleOnly = 'data: {"id":"c","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}\n\n';
      const tap = new SseUsageTap({
        protocol: 'openai',
        stripUsageChunk,
        rewriter,
        onFirstContent: () => firsts.push(written),
      });
      const firsts: number[] = [];
      let written = 0;
      tap.resume();
      for (const chunk of [roleOnly, openAiChunk(''), openAiChunk('Hel'), openAiChunk('lo'), openAiUsage, done]) {
        written += 1;
        tap.write(Buffer.from(chunk));
      }
      tap.end();
      await new Promise((resolve) => tap.once('end', resolve));
      // The third chunk is the first with any text: the role chunk and the empty delta are not a token.
      expect(firsts).toEqual([3]);
    },
  );

  it('notes the first Anthropic text delta, not message_start or a ping', async () => {
    const firsts: string[] = [];
    const tap = new SseUsageTap({
      protocol: 'anthropic',
      stripUsageChunk: false,
      onFirstContent: () => firsts.push('first'),
    });
    tap.resume();
    tap.write('event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\n\n');
    tap.write('event: ping\ndata: {"type":"ping"}\n\n');
    expect(firsts).toEqual([]);
    tap.write(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n',
    );
    tap.write(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}\n\n',
    );
    tap.end();
    await new Promise((resolve) => tap.once('end', resolve));
    expect(firsts).toEqual(['first']);
  });

  it('estimates the output of a stream cut before its usage chunk', async () => {
    const cut = openAiChunk('abcdefghij') + openAiChunk('k') + 'data: {"choi';
    const { output, report } = await run(bytesIn(cut, 4), { protocol: 'openai', stripUsageChunk: true });
    expect(output).toBe(cut);
    expect(report).toMatchObject({
      ending: 'cut',
      inputTokens: null,
      outputTokensSource: 'estimate',
      contentCharacters: 11,
      estimatedOutputTokens: 3,
      outputTokens: 3,
    });
  });

  it('reports a mid-stream provider error event', async () => {
    const text = openAiChunk('hi') + 'data: {"error":{"message":"boom","type":"server_error"}}\n\n';
    const { report } = await run(bytesIn(text, 9), { protocol: 'openai', stripUsageChunk: false });
    expect(report.ending).toBe('upstream_error');
    expect(report.upstreamError).toEqual({ type: 'server_error', message: 'boom' });
  });

  it('reports the upstream error that broke the stream, with what was streamed', async () => {
    const reports: StreamUsageReport[] = [];
    const source = new Readable({ read() {} });
    const tap = new SseUsageTap({ protocol: 'openai', stripUsageChunk: false, onReport: (r) => reports.push(r) });
    const done = pipeline(source, tap, async (s: AsyncIterable<Buffer>) => {
      for await (const _ of s);
    });
    source.push(Buffer.from(openAiChunk('four')));
    setImmediate(() => source.destroy(new Error('other side closed')));
    await expect(done).rejects.toThrow('other side closed');
    expect(reports).toEqual([expect.objectContaining({ ending: 'cut', outputTokens: 1, contentDeltas: 1 })]);
  });

  it('captures Anthropic usage from message_start and message_delta', async () => {
    const text = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":20,"cache_read_input_tokens":5,"output_tokens":0}}}\n\n',
      'event: ping\ndata: {"type":"ping"}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi there"}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join('');
    const { output, report } = await run(bytesIn(text, 6), { protocol: 'anthropic', stripUsageChunk: true });
    expect(output).toBe(text);
    expect(report).toMatchObject({
      ending: 'completed',
      inputTokens: 25,
      cachedInputTokens: 5,
      outputTokens: 7,
      outputTokensSource: 'upstream',
    });
  });

  it('keeps Anthropic input tokens and estimates output when cut after message_start', async () => {
    const text =
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":9,"output_tokens":0}}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"one two"}}\n\n';
    const { report } = await run(bytesIn(text, 10), { protocol: 'anthropic', stripUsageChunk: false });
    expect(report).toMatchObject({ ending: 'cut', inputTokens: 9, outputTokens: 2, outputTokensSource: 'estimate' });
  });

  it('tears down on the client abort signal and reports client_aborted', async () => {
    const controller = new AbortController();
    const reports: StreamUsageReport[] = [];
    const source = new Readable({ read() {} });
    const tap = new SseUsageTap({
      protocol: 'openai',
      stripUsageChunk: false,
      signal: controller.signal,
      onReport: (r) => reports.push(r),
    });
    const done = pipeline(source, tap, async (s: AsyncIterable<Buffer>) => {
      for await (const _ of s);
    });
    source.push(Buffer.from(openAiChunk('partial')));
    setImmediate(() => controller.abort());
    await expect(done).rejects.toThrow();
    expect(source.destroyed).toBe(true);
    expect(reports).toEqual([expect.objectContaining({ ending: 'client_aborted', contentDeltas: 1 })]);
  });

  describe('with a rewriter', () => {
    const upper: SseEventRewriter = {
      rewrite: (event) => (event.data === '[DONE]' ? event.raw : `data: ${(event.data ?? '').toUpperCase()}\n\n`),
      end: () => 'data: END\n\n',
    };
    const shouted = (chunk: string) => `data: ${chunk.slice('data: '.length, -2).toUpperCase()}\n\n`;
    type Options = { protocol: 'openai' | 'anthropic'; stripUsageChunk: boolean };

    /** Output, report and error of a tap given `rewriter`, fed `text` in chunks of `size` bytes. */
    async function rewrite(text: string, size: number, options: Options, rewriter: SseEventRewriter) {
      const out: Buffer[] = [];
      let report: StreamUsageReport | undefined;
      const tap = new SseUsageTap({ ...options, rewriter, onReport: (r) => (report = r) });
      const error = await pipeline(Readable.from(bytesIn(text, size)), tap, async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) out.push(Buffer.from(chunk));
      }).then(
        () => undefined,
        (e: Error) => e.message,
      );
      return { output: Buffer.concat(out).toString('utf8'), report, error };
    }

    it.each([1, 7, 4096])(
      'rewrites whole events however the bytes were cut, then adds its end (chunks of %i)',
      async (size) => {
        const kept = await rewrite(stream, size, { protocol: 'openai', stripUsageChunk: false }, upper);
        expect(kept).toEqual({
          output:
            shouted(openAiChunk('Hello')) +
            shouted(openAiChunk(' wörld')) +
            shouted(openAiUsage) +
            done +
            'data: END\n\n',
          report: expect.objectContaining({ ending: 'completed', inputTokens: 12, outputTokens: 5, contentDeltas: 2 }),
          error: undefined,
        });
        const stripped = await rewrite(stream, size, { protocol: 'openai', stripUsageChunk: true }, upper);
        expect(stripped.output).toBe(
          shouted(openAiChunk('Hello')) + shouted(openAiChunk(' wörld')) + done + 'data: END\n\n',
        );
        expect(stripped.report).toMatchObject({ ending: 'completed', inputTokens: 12, outputTokens: 5 });
        const anthropic =
          'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":9,"output_tokens":0}}}\n\n' +
          'event: message_stop\ndata: {"type":"message_stop"}\n\n';
        const translated = await rewrite(anthropic, size, { protocol: 'anthropic', stripUsageChunk: false }, upper);
        expect(translated.output).toBe(
          'data: {"TYPE":"MESSAGE_START","MESSAGE":{"USAGE":{"INPUT_TOKENS":9,"OUTPUT_TOKENS":0}}}\n\n' +
            'data: {"TYPE":"MESSAGE_STOP"}\n\ndata: END\n\n',
        );
        expect(translated.report).toMatchObject({ ending: 'completed', inputTokens: 9 });
      },
    );

    it('drops an incomplete last event, still asking the rewriter for its end', async () => {
      const cut = openAiChunk('abc') + 'data: {"choi';
      const { output, report, error } = await rewrite(cut, 7, { protocol: 'openai', stripUsageChunk: true }, upper);
      expect(output).toBe(shouted(openAiChunk('abc')) + 'data: END\n\n');
      expect(report).toMatchObject({ ending: 'cut', contentDeltas: 1 });
      expect(error).toBeUndefined();
    });

    it('ends the client side when the rewriter is done, and reads the upstream on to its end for the usage', async () => {
      const doneAfterFirst = {
        clientDone: false,
        rewrite(event: { raw: Buffer }) {
          this.clientDone = true;
          return event.raw;
        },
        end: () => 'data: END\n\n',
      };
      const reports: StreamUsageReport[] = [];
      const tap = new SseUsageTap({
        protocol: 'openai',
        stripUsageChunk: false,
        rewriter: doneAfterFirst,
        onReport: (report) => reports.push(report),
      });
      let clientEndedAt = -1;
      let upstreamRead = 0;
      const chunks = [openAiChunk('Hello'), openAiChunk(' wörld'), openAiUsage, done];
      const upstream = Readable.from(
        (async function* () {
          for (const chunk of chunks) {
            upstreamRead += 1;
            yield Buffer.from(chunk);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        })(),
      );
      const out: Buffer[] = [];
      // A writable, as the client's response is: the pipeline then waits for the upstream too.
      const client = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          out.push(chunk);
          callback();
        },
        final(callback) {
          clientEndedAt = upstreamRead;
          callback();
        },
      });
      await pipeline(upstream, tap, client);
      expect(Buffer.concat(out).toString('utf8')).toBe(openAiChunk('Hello'));
      expect(clientEndedAt).toBeLessThan(chunks.length);
      expect(reports).toEqual([expect.objectContaining({ ending: 'completed', inputTokens: 12, outputTokens: 5 })]);
    });

    it('sends an event as it came when the rewriter returns its bytes, and nothing when it returns nothing', async () => {
      const text = 'event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\n';
      const dropB: SseEventRewriter = { rewrite: (event) => (event.event === 'b' ? '' : event.raw), end: () => '' };
      const { output } = await rewrite(text, 3, { protocol: 'anthropic', stripUsageChunk: false }, dropB);
      expect(output).toBe('event: a\r\ndata: 1\r\n\r\n');
    });

    it('fails the stream when the rewriter throws, counting the usage of the chunk it failed on', async () => {
      let calls = 0;
      const throwingOnTheSecond: SseEventRewriter = {
        rewrite: (event) => {
          if ((calls += 1) === 2) throw new Error('unreadable');
          return event.raw;
        },
        end: () => '',
      };
      const { report, error } = await rewrite(
        stream,
        4096,
        { protocol: 'openai', stripUsageChunk: false },
        throwingOnTheSecond,
      );
      expect(error).toBe('unreadable');
      expect(report).toMatchObject({ inputTokens: 12, outputTokens: 5, outputTokensSource: 'upstream' });
    });
  });
});
