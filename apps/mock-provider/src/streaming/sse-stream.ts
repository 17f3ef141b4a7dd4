import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { sleep, type FaultPlan } from '../simulation/fault-injection';

/** One server-sent event; `event` is omitted for OpenAI, which only sends `data:` lines. */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return event === undefined ? `data: ${payload}\n\n` : `event: ${event}\ndata: ${payload}\n\n`;
}

export interface SseFrames {
  /** Events before the content (Anthropic's message_start, content_block_start, ping). */
  head: readonly string[];
  /** One event per content chunk, produced lazily: a long stream never sits in memory at once. */
  content: Iterable<string>;
  /** Events after the content (final chunk, usage, `[DONE]`, message_stop). */
  tail: readonly string[];
  /** Sent instead of the tail when the plan breaks the stream in `error` mode. */
  errorFrame: string;
}

/** Small events are written in batches of about this many characters when there is no chunk delay. */
const WRITE_BATCH_CHARS = 16 * 1024;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

function drained(raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}

type StreamPlan = Pick<FaultPlan, 'chunkDelayMs' | 'firstChunkDelayMs' | 'failAfterChunks' | 'failMode'>;

/**
 * Streams the frames straight onto the socket (the reply is hijacked: no serialisation, no hooks), honouring
 * backpressure, the plan's chunk delay and its mid-stream failure. A client that goes away stops the loop.
 */
export async function streamSse(reply: FastifyReply, frames: SseFrames, plan: StreamPlan): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  try {
    await writeFrames(raw, frames, plan);
  } catch (error) {
    // Past the headers the only honest signal left is a broken stream; Fastify no longer owns this reply.
    reply.log.error({ err: error }, 'mock-provider stream failed');
    raw.destroy();
  }
}

async function writeFrames(raw: ServerResponse, frames: SseFrames, plan: StreamPlan): Promise<void> {
  raw.writeHead(200, SSE_HEADERS);

  let buffer = frames.head.join('');
  const flush = async () => {
    if (buffer === '' || raw.destroyed) return;
    const accepted = raw.write(buffer);
    buffer = '';
    if (!accepted) await drained(raw);
  };

  if (plan.firstChunkDelayMs > 0) {
    // The status line and headers go out now, as a provider's do while its model has not produced a token yet.
    raw.flushHeaders();
    await flush();
    await sleep(plan.firstChunkDelayMs);
  }
  let sent = 0;
  for (const frame of frames.content) {
    if (plan.failAfterChunks !== undefined && sent >= plan.failAfterChunks) break;
    if (plan.chunkDelayMs > 0 && sent > 0) {
      await flush();
      await sleep(plan.chunkDelayMs);
    }
    if (raw.destroyed) return;
    buffer += frame;
    sent++;
    if (plan.chunkDelayMs > 0 || buffer.length >= WRITE_BATCH_CHARS) await flush();
  }
  if (raw.destroyed) return;

  if (plan.failAfterChunks !== undefined) {
    if (plan.failMode === 'error') {
      buffer += frames.errorFrame;
    } else {
      // Cut the connection once what was sent has reached the socket: no terminating chunk, no tail. With
      // nothing written yet, the status line and headers still go out first, as a provider's would.
      if (buffer === '') {
        raw.flushHeaders();
        setImmediate(() => raw.destroy());
      } else {
        raw.write(buffer, () => raw.destroy());
      }
      return;
    }
  } else {
    buffer += frames.tail.join('');
  }
  await flush();
  raw.end();
}
