import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type SseEventRewriter, SseRewriteStream } from './sse-rewrite-stream';

async function run(chunks: string[], rewriter: SseEventRewriter): Promise<string> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks.map((chunk) => Buffer.from(chunk))),
    new SseRewriteStream(rewriter),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) out.push(Buffer.from(chunk));
    },
  );
  return Buffer.concat(out).toString('utf8');
}

describe('SseRewriteStream', () => {
  const upper: SseEventRewriter = {
    rewrite: (event) => (event.data === 'skip' ? '' : `data: ${(event.data ?? '').toUpperCase()}\n\n`),
    end: () => 'data: END\n\n',
  };

  it('rewrites whole events however the bytes were cut, drops what the rewriter drops, then adds its end', async () => {
    const text = 'data: one\n\ndata: skip\n\nevent: x\ndata: two\n\n';
    for (const size of [1, 3, 100]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(await run(chunks, upper)).toBe('data: ONE\n\ndata: TWO\n\ndata: END\n\n');
    }
  });

  it('passes an event through as it came when the rewriter returns its bytes', async () => {
    const raw: SseEventRewriter = { rewrite: (event) => event.raw, end: () => '' };
    expect(await run(['event: a\r\ndata: 1\r\n\r\n'], raw)).toBe('event: a\r\ndata: 1\r\n\r\n');
  });

  it('drops an incomplete last event and fails the stream when the rewriter throws', async () => {
    expect(await run(['data: one\n\ndata: cut'], upper)).toBe('data: ONE\n\ndata: END\n\n');
    const throwing: SseEventRewriter = {
      rewrite: () => {
        throw new Error('unreadable');
      },
      end: () => '',
    };
    await expect(run(['data: x\n\n'], throwing)).rejects.toThrow('unreadable');
  });
});
