import { Transform, type TransformCallback } from 'node:stream';
import { type ClientSignal } from './client-lifetime';
import { type SseEvent, SseEventSplitter } from './sse-event-splitter';
import { type StreamEnding, type StreamProtocol, StreamUsageObserver, type StreamUsageReport } from './stream-usage';

/** Rewrites an SSE stream event by event, e.g. from one API's stream format into another's. */
export interface SseEventRewriter {
  /** One complete upstream event in; what to send for it out (its `raw` bytes to keep it, '' to drop it). */
  rewrite(event: SseEvent): string | Buffer;
  /** The upstream ended cleanly: what to send last. Not called when the stream breaks. */
  end(): string;
  /**
   * True once the client's stream is complete before the upstream's (an output rule cut the answer): the tap ends
   * the client's response then, and reads the upstream on to its end only to meter it.
   */
  readonly clientDone?: boolean;
}

export interface SseUsageTapOptions {
  protocol: StreamProtocol;
  /**
   * Drop OpenAI's usage-only chunk: the gateway always asks for usage, and the client that did not ask
   * (`stream_options.include_usage` unset) must not see a chunk with `choices: []`.
   */
  stripUsageChunk: boolean;
  /** The client's lifetime: when it aborts, the tap is destroyed, and with it (through `pipeline`) the upstream. */
  signal?: ClientSignal;
  /** Called exactly once, when the stream ends, breaks or is abandoned. */
  onReport?: (report: StreamUsageReport) => void;
  /**
   * Called once, as the first event carrying output (a text, reasoning or tool-call delta) comes from the upstream:
   * the time to first token, as opposed to the response headers, which some providers send before any token.
   */
  onFirstContent?: () => void;
  /**
   * What the client is sent for each event the tap lets through (the public alias in place of the upstream's
   * model, or the other API's format), each event as soon as its blank line arrives: the incomplete last event is
   * dropped, and the rewriter's `end()` goes out last when the upstream ended cleanly; a rewriter that throws fails
   * the stream (a rewriter that wants the client to see a clean error writes an error event instead).
   */
  rewriter?: SseEventRewriter;
}

/**
 * Passes an upstream SSE body through to the client chunk by chunk while reading usage from it. Without
 * stripping or rewriting, every chunk goes out the moment it comes in, untouched. Otherwise whole events go out
 * as soon as their blank line arrives, and only the incomplete last event waits. Use with
 * `pipeline(upstream, tap, reply)` so that a break on either side tears down the other.
 */
export class SseUsageTap extends Transform {
  private readonly splitter = new SseEventSplitter();
  private readonly observer: StreamUsageObserver;
  private reported: StreamUsageReport | null = null;
  private firstContentSeen = false;
  /** The client's stream was ended before the upstream's (`SseEventRewriter.clientDone`). */
  private clientEnded = false;
  private readonly onClientAbort = () => this.destroy(abortError(this.options.signal?.reason));

  constructor(private readonly options: SseUsageTapOptions) {
    super();
    this.observer = new StreamUsageObserver(options.protocol);
    if (options.signal?.aborted) queueMicrotask(this.onClientAbort);
    else options.signal?.addEventListener('abort', this.onClientAbort, { once: true });
  }

  /** The report, once the stream is over; null while it runs. */
  get report(): StreamUsageReport | null {
    return this.reported;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const events = this.splitter.push(chunk);
    const { rewriter, stripUsageChunk } = this.options;
    if (rewriter !== undefined) {
      // The whole chunk is read for usage before any of it is rewritten: a rewriter failing on one event leaves
      // the usage that came with it counted.
      let stripped: Set<SseEvent> | undefined;
      for (const event of events) {
        if (this.observer.observe(event) && stripUsageChunk) (stripped ??= new Set()).add(event);
      }
      this.noteFirstContent();
      try {
        for (const event of events) {
          if (this.clientEnded) break;
          if (stripped?.has(event)) continue;
          const output = rewriter.rewrite(event);
          if (output.length > 0) this.push(output);
          if (rewriter.clientDone === true) this.endClient();
        }
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
      return;
    }
    if (!stripUsageChunk) {
      for (const event of events) this.observer.observe(event);
      this.noteFirstContent();
      callback(null, chunk);
      return;
    }
    const kept = events.filter((event) => !this.observer.observe(event)).map((event) => event.raw);
    this.noteFirstContent();
    callback(null, kept.length === 0 ? undefined : kept.length === 1 ? kept[0] : Buffer.concat(kept));
  }

  override _flush(callback: TransformCallback): void {
    const { rewriter, stripUsageChunk } = this.options;
    this.finish();
    if (rewriter !== undefined) {
      if (this.clientEnded) {
        callback();
        return;
      }
      // An incomplete last event cannot be read, so it cannot be rewritten: the rewriter judges the ending.
      let last: string;
      try {
        last = rewriter.end();
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, last.length > 0 ? last : undefined);
      return;
    }
    // A last event without its blank line is the upstream's business: forward it as it came.
    const remainder = stripUsageChunk ? this.splitter.remainder : undefined;
    callback(null, remainder !== undefined && remainder.length > 0 ? remainder : undefined);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.finish(this.options.signal?.aborted ? 'client_aborted' : error ? undefined : 'client_aborted');
    callback(error);
  }

  private noteFirstContent(): void {
    if (this.firstContentSeen || !this.observer.sawContent) return;
    this.firstContentSeen = true;
    this.options.onFirstContent?.();
  }

  /**
   * Ends the readable side (the client's response) while the writable side goes on taking the upstream's bytes,
   * which are still metered; nothing is pushed after this.
   */
  private endClient(): void {
    this.clientEnded = true;
    this.push(null);
  }

  private finish(ending?: StreamEnding): void {
    this.options.signal?.removeEventListener('abort', this.onClientAbort);
    if (this.reported !== null) return;
    this.reported = this.observer.report(ending);
    this.options.onReport?.(this.reported);
  }
}

function abortError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const error = new Error('The client aborted the request');
  error.name = 'AbortError';
  return error;
}
