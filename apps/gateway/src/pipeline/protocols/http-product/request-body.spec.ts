import { PassThrough, Readable } from 'node:stream';
import { RequestBodyTooLargeError, StreamedRequestBody } from './request-body';

async function readAll(iterable: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('StreamedRequestBody', () => {
  it('passes the bytes through as they come', async () => {
    const body = new StreamedRequestBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 10);
    expect(body.untouched).toBe(true);
    expect((await readAll(body)).toString()).toBe('abcd');
    expect(body.untouched).toBe(false);
  });

  it('stays untouched for an attempt that never read it (a stream over it destroyed unread), and is read once', async () => {
    const body = new StreamedRequestBody(Readable.from([Buffer.from('payload')]), 10);
    // What the upstream caller does for an attempt whose connection fails: undici destroys the stream unread.
    const attempt = Readable.from(body);
    const destroyed = new Promise((resolve) => attempt.once('error', resolve));
    attempt.destroy(new Error('connect ECONNREFUSED'));
    await destroyed;
    expect(body.untouched).toBe(true);
    expect((await readAll(Readable.from(body))).toString()).toBe('payload');
    await expect(readAll(body)).rejects.toThrow('already sent');
  });

  it('fails the read past the limit, and says so', async () => {
    const body = new StreamedRequestBody(Readable.from([Buffer.alloc(6), Buffer.alloc(6)]), 10);
    await expect(readAll(body)).rejects.toBeInstanceOf(RequestBodyTooLargeError);
    expect(body.tooLarge).toBe(true);
  });

  it("leaves the client's stream open when an attempt stops reading early", async () => {
    const source = new PassThrough();
    const body = new StreamedRequestBody(source, 100);
    source.write('first');
    for await (const chunk of body) {
      expect(chunk.toString()).toBe('first');
      break;
    }
    expect(source.destroyed).toBe(false);
  });
});
