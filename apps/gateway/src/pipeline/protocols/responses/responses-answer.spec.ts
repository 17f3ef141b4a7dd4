import { Readable, type Transform } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { type ResponsesAnswerContext, type ResponsesInputItem } from '@gatehouse/domain';
import { GatewayError } from '../../../common/gateway-error';
import { type SaveOutcome, type StoredResponse } from '../../../responses/responses-store';
import { ResponsesAnswer, type ResponsesState } from './responses-answer';
import { responseIdOf } from './responses.protocol';

/** Saves as told, and remembers what it was given; `hold` keeps the next save pending until released. */
class RecordingState implements ResponsesState {
  readonly saved: StoredResponse[] = [];
  outcome: SaveOutcome = 'stored';
  private held: (() => void) | null = null;
  private holding = false;

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.held?.();
  }

  async save(_tenantId: string, stored: StoredResponse): Promise<SaveOutcome> {
    if (this.holding) await new Promise<void>((resolve) => (this.held = resolve));
    this.saved.push(structuredClone(stored));
    return this.outcome;
  }
}

const history: ResponsesInputItem[] = [
  { role: 'user', content: 'My name is Ada.' },
  {
    type: 'message',
    id: 'msg_earlier',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text: 'Hello Ada.', annotations: [] }],
  },
];

function contextOf(store = true): ResponsesAnswerContext {
  return {
    id: 'resp_req_1',
    model: 'demo-chat',
    createdAt: 1_700_000_000,
    request: { model: 'demo-chat', input: 'What is my name?' },
    previousResponseId: 'resp_req_0',
    store,
  };
}

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'demo-chat',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Ada.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 },
};

/** The chat stream of `completion`, as OpenAI sends it (usage chunk, `[DONE]`). */
function chatStream(pieces: string[], { finish = true, done = true } = {}): string {
  const envelope = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'demo-chat' };
  const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  let sse = frame({
    ...envelope,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  });
  for (const piece of pieces) {
    sse += frame({ ...envelope, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  }
  if (finish) {
    sse += frame({ ...envelope, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    sse += frame({ ...envelope, choices: [], usage: completion.usage });
  }
  if (done) sse += 'data: [DONE]\n\n';
  return sse;
}

/** The Responses events `stage` writes for `sse`, sent in 7-byte pieces (events split anywhere). */
async function eventsOf(stage: Transform, sse: string): Promise<{ type: string; [field: string]: unknown }[]> {
  const bytes = Buffer.from(sse);
  const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
  const written = text(stage);
  await pipeline(Readable.from(pieces), stage);
  return parseFrames(await written);
}

function parseFrames(sse: string): { type: string; [field: string]: unknown }[] {
  return sse
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      const event = JSON.parse(dataLine?.slice('data: '.length) ?? '') as { type: string };
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

describe('the Responses answer', () => {
  it('names a response after its request', () => {
    expect(responseIdOf('req_01JABCDEF')).toBe('resp_req_01JABCDEF');
    expect(responseIdOf('5f0c-42-aa')).toBe('resp_5f0c42aa');
  });

  describe('as JSON', () => {
    it('is the Response of the chat completion, stored with its conversation before it is given', async () => {
      const state = new RecordingState();
      const response = await new ResponsesAnswer(state, 'tenant-1', contextOf(), history).json({ ...completion });
      expect(response).toMatchObject({
        id: 'resp_req_1',
        object: 'response',
        status: 'completed',
        store: true,
        previous_response_id: 'resp_req_0',
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Ada.' }] }],
        usage: { input_tokens: 12, output_tokens: 1, total_tokens: 13 },
      });
      expect(state.saved).toEqual([
        {
          response,
          conversation: [...history, { role: 'user', content: 'What is my name?' }, ...(response['output'] as [])],
        },
      ]);
    });

    it('says store: false when the save failed or the response was too large, the answer otherwise intact', async () => {
      for (const outcome of ['failed', 'too_large'] as const) {
        const state = new RecordingState();
        state.outcome = outcome;
        const response = await new ResponsesAnswer(state, 'tenant-1', contextOf(), history).json({ ...completion });
        expect(response).toMatchObject({ status: 'completed', store: false, output: [{ type: 'message' }] });
      }
    });

    it('stores nothing when the client said store: false', async () => {
      const state = new RecordingState();
      const response = await new ResponsesAnswer(state, 'tenant-1', contextOf(false), []).json({ ...completion });
      expect(response['store']).toBe(false);
      expect(state.saved).toEqual([]);
    });

    it('refuses a chat answer it cannot read with 502 upstream_error', async () => {
      const answer = new ResponsesAnswer(new RecordingState(), 'tenant-1', contextOf(), []);
      for (const payload of [{}, { choices: [] }, { choices: [{ index: 0 }] }, { choices: 'x' }]) {
        const failure = await answer.json(payload).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(GatewayError);
        expect(failure).toMatchObject({ status: 502, code: 'upstream_error' });
      }
    });
  });

  describe('as a stream', () => {
    it('turns chat chunks into typed events, drops [DONE], and stores the final Response', async () => {
      const state = new RecordingState();
      const answer = new ResponsesAnswer(state, 'tenant-1', contextOf(), history);
      const events = await eventsOf(answer.stream(), chatStream(['A', 'd', 'a.']));
      expect(events.map((event) => event.type)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((event) => event['sequence_number'])).toEqual(events.map((_, index) => index));
      const final = events.at(-1)?.['response'];
      expect(final).toMatchObject({ status: 'completed', store: true, usage: { input_tokens: 12, output_tokens: 1 } });
      expect(state.saved.map((stored) => stored.response)).toEqual([final]);
    });

    it('writes the final event only once the save is over', async () => {
      const state = new RecordingState();
      state.hold();
      const stage = new ResponsesAnswer(state, 'tenant-1', contextOf(), history).stream();
      let written = '';
      stage.on('data', (chunk: Buffer) => (written += chunk.toString()));
      const finished = pipeline(Readable.from([chatStream(['Ada.'])]), stage);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(written).toContain('response.output_item.done');
      expect(written).not.toContain('response.completed');
      state.release();
      await finished;
      expect(parseFrames(written).at(-1)).toMatchObject({ type: 'response.completed', response: { store: true } });
    });

    it('says store: false in the final event when the save failed', async () => {
      const state = new RecordingState();
      state.outcome = 'failed';
      const events = await eventsOf(
        new ResponsesAnswer(state, 'tenant-1', contextOf(), history).stream(),
        chatStream(['Ada.']),
      );
      expect(events[0]).toMatchObject({ type: 'response.created', response: { store: true } });
      expect(events.at(-1)).toMatchObject({
        type: 'response.completed',
        response: { status: 'completed', store: false },
      });
    });

    it('ends an upstream error with error and response.failed, and a cut stream with response.failed, storing neither', async () => {
      const state = new RecordingState();
      const errorEvent = `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error', code: null } })}\n\n`;
      const broken = await eventsOf(
        new ResponsesAnswer(state, 'tenant-1', contextOf(), history).stream(),
        chatStream(['Ad'], { finish: false, done: false }) + errorEvent,
      );
      expect(broken.slice(-2)).toMatchObject([
        { type: 'error', message: 'overloaded' },
        { type: 'response.failed', response: { status: 'failed', error: { code: 'server_error' } } },
      ]);

      const cut = await eventsOf(
        new ResponsesAnswer(state, 'tenant-1', contextOf(), history).stream(),
        chatStream(['Ad'], { finish: false, done: false }),
      );
      expect(cut.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed' } });
      expect(cut.filter((event) => event.type === 'response.completed')).toEqual([]);

      const unreadable = await eventsOf(
        new ResponsesAnswer(state, 'tenant-1', contextOf(), history).stream(),
        'data: {not json\n\n',
      );
      expect(unreadable.map((event) => event.type)).toEqual([
        'response.created',
        'response.in_progress',
        'error',
        'response.failed',
      ]);
      expect(state.saved).toEqual([]);
    });
  });
});
