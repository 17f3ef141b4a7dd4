import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { callLogKeyring, compileDenyList, decryptCallLogBody, MAX_STORED_BODY_CHARS } from '@gatehouse/domain';
import { type UsageBodiesV1, usageBodiesV1Schema } from '@gatehouse/jobs';
import { BodyCapture, streamedText } from './body-capture';

const keys = callLogKeyring({ version: 4, key: randomBytes(32).toString('base64') });
const REQUEST_ID = 'req-capture-1';
const EMAIL = 'jane.doe@example.com';
const OCCURRED_AT = new Date('2026-12-01T10:00:00.000Z');

function openSide(bodies: UsageBodiesV1, side: 'request' | 'response'): string | null {
  const body = bodies[side];
  if (body === null) return null;
  const bytes = (base64: string) => Buffer.from(base64, 'base64');
  return decryptCallLogBody(
    { ciphertext: bytes(body.ciphertext), iv: bytes(body.iv), authTag: bytes(body.tag), keyVersion: bodies.keyVersion },
    keys,
    REQUEST_ID,
    side,
  );
}

/** Runs the chunks through the capture's tee; what the client got must be the same bytes. */
async function through(capture: BodyCapture, client: 'openai' | 'anthropic', chunks: string[]): Promise<string> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk);
      callback();
    },
  });
  await pipeline(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), capture.streamed(client), sink);
  return Buffer.concat(out).toString('utf8');
}

const openAiChunk = (content: string) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;

describe('BodyCapture', () => {
  it('stores the request as received and a JSON answer, redacted and encrypted, never in clear on the event', () => {
    const capture = new BodyCapture([compileDenyList(['(?i)falcon'])], 3);
    capture.requested({ model: 'demo-chat', messages: [{ role: 'user', content: `mail ${EMAIL} about Falcon` }] });
    capture.answered(JSON.stringify({ choices: [{ message: { content: `Sent to ${EMAIL}.` } }] }));
    const bodies = capture.seal(keys, REQUEST_ID, OCCURRED_AT);

    expect(usageBodiesV1Schema.parse(bodies)).toEqual(bodies);
    expect(JSON.stringify(bodies)).not.toContain('jane');
    expect(bodies).toMatchObject({ keyVersion: 4, expiresAt: '2026-12-04T10:00:00.000Z', requestTruncated: false });
    expect(JSON.parse(openSide(bodies, 'request') ?? '')).toEqual({
      model: 'demo-chat',
      messages: [{ role: 'user', content: 'mail [EMAIL_1] about [REDACTED]' }],
    });
    expect(openSide(bodies, 'response')).toBe('{"choices":[{"message":{"content":"Sent to [EMAIL_1]."}}]}');
  });

  it('has no response when the call got no answer (a refusal)', () => {
    const capture = new BodyCapture([], 7);
    capture.requested({ model: 'demo-chat' });
    const bodies = capture.seal(keys, REQUEST_ID, OCCURRED_AT);
    expect(bodies.response).toBeNull();
    expect(bodies.responseTruncated).toBe(false);
  });

  it('assembles a stream’s text, so that an address split across events and chunks is redacted', async () => {
    const capture = new BodyCapture([], 7);
    const events = ['write to ', 'jane.d', 'oe@exa', 'mple.com', ' now'].map(openAiChunk).join('') + 'data: [DONE]\n\n';
    // Chunks cut anywhere, mid-event and mid-address.
    const chunks = [events.slice(0, 37), events.slice(37, 140), events.slice(140, 141), events.slice(141)];
    expect(await through(capture, 'openai', chunks)).toBe(events);
    const bodies = capture.seal(keys, REQUEST_ID, OCCURRED_AT);
    expect(openSide(bodies, 'response')).toBe('write to [EMAIL_1] now');
    expect(JSON.stringify(bodies)).not.toContain('jane');
  });

  it('reads Anthropic’s text and tool input deltas, and nothing else', () => {
    const delta = (value: Record<string, unknown>) =>
      JSON.stringify({ type: 'content_block_delta', index: 0, delta: value });
    expect(streamedText('anthropic', delta({ type: 'text_delta', text: 'Hi' }))).toBe('Hi');
    expect(streamedText('anthropic', delta({ type: 'input_json_delta', partial_json: '{"a"' }))).toBe('{"a"');
    expect(streamedText('anthropic', JSON.stringify({ type: 'message_start', message: {} }))).toBe('');
    expect(streamedText('openai', '[DONE]')).toBe('');
    expect(
      streamedText(
        'openai',
        JSON.stringify({ choices: [{ delta: { tool_calls: [{ function: { arguments: '{"q":1}' } }] } }] }),
      ),
    ).toBe('{"q":1}');
  });

  it('caps a long answer and says so', async () => {
    const capture = new BodyCapture([], 7);
    const piece = 'x'.repeat(1_000);
    const chunks = Array.from({ length: 80 }, () => openAiChunk(piece));
    await through(capture, 'openai', chunks);
    const bodies = capture.seal(keys, REQUEST_ID, OCCURRED_AT);
    expect(openSide(bodies, 'response')).toHaveLength(MAX_STORED_BODY_CHARS);
    expect(bodies.responseTruncated).toBe(true);
  });
});
