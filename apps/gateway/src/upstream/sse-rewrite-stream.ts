import { Transform, type TransformCallback } from 'node:stream';
import { type SseEvent, SseEventSplitter } from './sse-event-splitter';

/** Rewrites an SSE stream event by event, e.g. from one API's stream format into another's. */
export interface SseEventRewriter {
  /** One complete upstream event in; what to send for it out (its `raw` bytes to keep it, '' to drop it). */
  rewrite(event: SseEvent): string | Buffer;
  /** The upstream ended cleanly: what to send last. Not called when the stream breaks. */
  end(): string;
}

/**
 * Applies an `SseEventRewriter` to a byte stream: each event goes out as soon as its blank line arrives; only the
 * incomplete last event waits. An error thrown by the rewriter fails the stream (with `pipeline`, both sides are
 * torn down); a rewriter that wants the client to see a clean error writes an error event instead.
 */
export class SseRewriteStream extends Transform {
  private readonly splitter = new SseEventSplitter();

  constructor(private readonly rewriter: SseEventRewriter) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      for (const event of this.splitter.push(chunk)) this.send(this.rewriter.rewrite(event));
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // An incomplete last event (no blank line) cannot be read, so it cannot be rewritten: it is dropped, and the
    // rewriter judges from what it saw whether the stream ended properly.
    try {
      this.send(this.rewriter.end());
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }

  private send(output: string | Buffer): void {
    if (output.length > 0) this.push(output);
  }
}
