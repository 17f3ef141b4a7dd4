/** One server-sent event: its exact bytes (delimiter included) and the fields the gateway reads. */
export interface SseEvent {
  raw: Buffer;
  /** `event:` field, or null. */
  event: string | null;
  /** `data:` lines joined with `\n` (per the SSE spec), or null when the event has none. */
  data: string | null;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into SSE events (WHATWG HTML §9.2.6: lines end in CRLF, LF or CR; a blank line ends an
 * event), however the bytes were chunked. Only the incomplete last event is held, never the whole body. Works on
 * bytes, not strings: the delimiters are ASCII, so a multi-byte character split across chunks is decoded only
 * once its event is complete.
 */
export class SseEventSplitter {
  private pending: Buffer = Buffer.alloc(0);
  /** Where scanning resumes in `pending`, and where the line being read began. */
  private scanFrom = 0;
  private lineStart = 0;
  private lines: string[] = [];

  push(chunk: Uint8Array): SseEvent[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const events: SseEvent[] = [];
    const buffer = this.pending;
    let eventStart = 0;
    let i = this.scanFrom;
    while (i < buffer.length) {
      const byte = buffer[i];
      let contentEnd = -1;
      let next = -1;
      if (byte === LF) {
        contentEnd = i;
        next = i + 1;
      } else if (byte === CR) {
        // A CR at the very end may be the first half of CRLF: wait for the next byte.
        if (i + 1 >= buffer.length) break;
        contentEnd = i;
        next = buffer[i + 1] === LF ? i + 2 : i + 1;
      } else {
        i += 1;
        continue;
      }
      if (contentEnd === this.lineStart) {
        events.push(toEvent(buffer.subarray(eventStart, next), this.lines));
        this.lines = [];
        eventStart = next;
      } else {
        this.lines.push(buffer.toString('utf8', this.lineStart, contentEnd));
      }
      this.lineStart = next;
      i = next;
    }
    this.pending = buffer.subarray(eventStart);
    this.scanFrom = i - eventStart;
    this.lineStart -= eventStart;
    return events;
  }

  /** The bytes of the incomplete last event (what an upstream cut left hanging). */
  get remainder(): Buffer {
    return this.pending;
  }
}

function toEvent(raw: Buffer, lines: string[]): SseEvent {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of lines) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') data.push(value);
    else if (name === 'event') event = value;
  }
  // A copy: `raw` is a view on a buffer the splitter is about to let go of or reuse.
  return { raw: Buffer.from(raw), event, data: data.length === 0 ? null : data.join('\n') };
}
