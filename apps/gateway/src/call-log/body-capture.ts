import { Transform, type TransformCallback } from 'node:stream';
import {
  type CallLogBodySide,
  type CallLogKeyring,
  type DenyList,
  encryptCallLogBody,
  MAX_CAPTURED_BODY_CHARS,
  OPENAI_STREAM_DONE,
  type StoredBody,
  storedBody,
} from '@gatehouse/domain';
import { type UsageBodiesV1 } from '@gatehouse/jobs';
import { SseEventSplitter, type StreamProtocol } from '../upstream';

const DAY_MS = 86_400_000;

/** The call log's keyring (`CallLogKeyring`): the current key encrypts what `BodyCapture.seal` stores. */
export const CALL_LOG_KEYRING = Symbol('CALL_LOG_KEYRING');

/**
 * A call's request and response bodies for the call log, kept only for calls whose effective policy stores them
 * (`logging.bodies`): a request without a capture costs nothing. The request is taken as the client sent it, before
 * any rule rewrites it; the answer as the client got it: a JSON answer whole, a stream as the text its events
 * carried (assembled, so that a value split across events is redacted like any other), up to
 * `MAX_CAPTURED_BODY_CHARS`. At the end of the request both are redacted (every PII entity, the policy's deny
 * lists), capped and encrypted (`seal`): nothing but ciphertext leaves the gateway.
 */
export class BodyCapture {
  private request: string | null = null;
  private response: string | null = null;
  /** A stream's texts so far; joined once, at the end. */
  private streamTexts: string[] | null = null;
  private responseCut = false;

  constructor(
    /** Every deny list of the effective policy, prompts' and answers' alike: the stored copy goes through all. */
    private readonly denyLists: readonly DenyList[],
    private readonly retentionDays: number,
  ) {}

  /** The request's body, as received (called before any rule rewrites it). */
  requested(body: unknown): void {
    this.request = JSON.stringify(body);
  }

  /** A whole answer, as sent to the client. */
  answered(body: string): void {
    this.response = body;
  }

  /**
   * A stream's tee: the events for the client pass through unchanged, and the text they carry (in the client's API)
   * is assembled on the side.
   */
  streamed(client: StreamProtocol): Transform {
    const splitter = new SseEventSplitter();
    const texts: string[] = [];
    let length = 0;
    const collect = (chunk: Buffer) => {
      if (this.responseCut) return;
      for (const event of splitter.push(chunk)) {
        const text = event.data === null ? '' : streamedText(client, event.data);
        if (text === '') continue;
        texts.push(text);
        length += text.length;
        if (length >= MAX_CAPTURED_BODY_CHARS) {
          this.responseCut = true;
          break;
        }
      }
    };
    this.streamTexts = texts;
    return new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        collect(chunk);
        callback(null, chunk);
      },
    });
  }

  /** The bodies as the usage event carries them: redacted, capped, encrypted, with their expiry. */
  seal(keyring: CallLogKeyring, requestId: string, occurredAt: Date): UsageBodiesV1 {
    const request = this.request === null ? null : storedBody(this.request, this.denyLists);
    const answer = this.streamTexts?.join('').slice(0, MAX_CAPTURED_BODY_CHARS) ?? this.response;
    const response = answer === null ? null : storedBody(answer, this.denyLists, this.responseCut);
    return {
      keyVersion: keyring.current.version,
      expiresAt: new Date(occurredAt.getTime() + this.retentionDays * DAY_MS).toISOString(),
      request: sealed(request, keyring, requestId, 'request'),
      response: sealed(response, keyring, requestId, 'response'),
      requestTruncated: request?.truncated ?? false,
      responseTruncated: response?.truncated ?? false,
    };
  }
}

function sealed(
  body: StoredBody | null,
  keyring: CallLogKeyring,
  requestId: string,
  side: CallLogBodySide,
): UsageBodiesV1['request'] {
  if (body === null) return null;
  const { ciphertext, iv, authTag } = encryptCallLogBody(body.text, keyring, requestId, side);
  return { ciphertext: base64(ciphertext), iv: base64(iv), tag: base64(authTag) };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The text one event of the client's stream carries: OpenAI's `delta.content`, tool call `arguments` and a
 * completion's `text`; Anthropic's `text_delta` and `input_json_delta`. Empty for the rest (roles, usage, pings).
 */
export function streamedText(client: StreamProtocol, data: string): string {
  if (client === 'openai' && data.trim() === OPENAI_STREAM_DONE) return '';
  const event = parseObject(data);
  if (event === null) return '';
  if (client === 'anthropic') {
    const delta = event.type === 'content_block_delta' ? objectOf(event.delta) : null;
    if (delta?.type === 'text_delta') return stringOf(delta.text);
    if (delta?.type === 'input_json_delta') return stringOf(delta.partial_json);
    return '';
  }
  let text = '';
  for (const choice of Array.isArray(event.choices) ? event.choices : []) {
    const entry = objectOf(choice);
    if (entry === null) continue;
    text += stringOf(entry.text);
    const delta = objectOf(entry.delta);
    if (delta === null) continue;
    text += stringOf(delta.content);
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      text += stringOf(objectOf(objectOf(call)?.function)?.arguments);
    }
  }
  return text;
}

function parseObject(data: string): Record<string, unknown> | null {
  try {
    return objectOf(JSON.parse(data));
  } catch {
    return null;
  }
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
