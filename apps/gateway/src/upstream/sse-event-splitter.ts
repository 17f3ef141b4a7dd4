/** One server-sent event: its exact bytes (delimiter included) and the fields the gateway reads. */
export interface SseEvent {
  /** A view on the bytes that were pushed (never copied): they must not be modified afterwards. */
  raw: Buffer;
  /** `event:` field, or null. */
  event: string | null;
  /** `data:` lines joined with `\n` (per the SSE spec), or null when the event has none. */
  data: string | null;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const COLON = 0x3a;
const DATA = Buffer.from('data');
const EVENT = Buffer.from('event');

/**
 * Splits a byte stream into SSE events (WHATWG HTML §9.2.6: lines end in CRLF, LF or CR; a blank line ends an
 * event), however the bytes were chunked. Only the incomplete last event is held, never the whole body. Works on
 * bytes, not strings: the delimiters are ASCII, so a multi-byte character split across chunks is decoded only
 * once its line is complete, and only the values of `data` and `event` fields are decoded at all. Line ends are
 * found by the native `indexOf`, and a chunk that ends on an event boundary is never copied.
 */
export class SseEventSplitter {
  private pending: Buffer = Buffer.alloc(0);
  /** Where scanning resumes in `pending`, and where the line being read began. */
  private scanFrom = 0;
  private lineStart = 0;
  /** The fields of the event being read, so far. */
  private event: string | null = null;
  private data: string | null = null;

  push(chunk: Uint8Array): SseEvent[] {
    const incoming = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buffer = this.pending.length === 0 ? incoming : Buffer.concat([this.pending, incoming]);
    const events: SseEvent[] = [];
    let eventStart = 0;
    let resumeAt = buffer.length;
    // The next LF and the next CR: each is searched for again only once the scan has passed it.
    let lf = buffer.indexOf(LF, this.scanFrom);
    let cr = buffer.indexOf(CR, this.scanFrom);
    while (lf !== -1 || cr !== -1) {
      let contentEnd: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        contentEnd = lf;
        next = lf + 1;
      } else {
        // A CR at the very end may be the first half of CRLF: wait for the next byte.
        if (cr + 1 >= buffer.length) {
          resumeAt = cr;
          break;
        }
        contentEnd = cr;
        next = buffer[cr + 1] === LF ? cr + 2 : cr + 1;
      }
      if (contentEnd === this.lineStart) {
        events.push({ raw: buffer.subarray(eventStart, next), event: this.event, data: this.data });
        this.event = null;
        this.data = null;
        eventStart = next;
      } else {
        this.readField(buffer, this.lineStart, contentEnd);
      }
      this.lineStart = next;
      if (lf !== -1 && lf < next) lf = buffer.indexOf(LF, next);
      if (cr !== -1 && cr < next) cr = buffer.indexOf(CR, next);
    }
    this.pending = buffer.subarray(eventStart);
    this.scanFrom = resumeAt - eventStart;
    this.lineStart -= eventStart;
    return events;
  }

  /** The bytes of the incomplete last event (what an upstream cut left hanging). */
  get remainder(): Buffer {
    return this.pending;
  }

  /** One line of the event: `name: value` (one space after the colon dropped), or a `:` comment. */
  private readField(buffer: Buffer, start: number, end: number): void {
    if (buffer[start] === COLON) return;
    let colon = start;
    while (colon < end && buffer[colon] !== COLON) colon += 1;
    let valueStart = colon < end ? colon + 1 : end;
    if (valueStart < end && buffer[valueStart] === SPACE) valueStart += 1;
    if (isName(buffer, start, colon, DATA)) {
      const value = buffer.toString('utf8', valueStart, end);
      this.data = this.data === null ? value : `${this.data}\n${value}`;
    } else if (isName(buffer, start, colon, EVENT)) {
      this.event = buffer.toString('utf8', valueStart, end);
    }
  }
}

function isName(buffer: Buffer, start: number, end: number, name: Buffer): boolean {
  if (end - start !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (buffer[start + k] !== name[k]) return false;
  return true;
}
