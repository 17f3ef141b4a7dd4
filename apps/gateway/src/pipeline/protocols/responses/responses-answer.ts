import { Transform, type TransformCallback } from 'node:stream';
import { GatewayErrorCode } from '@gatehouse/contracts';
import {
  createOpenAiChatToResponsesStreamTranslator,
  type OpenAiChatChunk,
  type OpenAiChatCompletion,
  OPENAI_STREAM_DONE,
  openAiChatResponseToResponses,
  type ResponsesAnswerContext,
  responsesConversationItems,
  type ResponsesInputItem,
  type ResponsesResponse,
  responsesSseFrame,
  type ResponsesStreamEvent,
  type ResponsesStreamTranslator,
  UpstreamTranslationError,
} from '@gatehouse/domain';
import { GatewayError } from '../../../common/gateway-error';
import { type SaveOutcome, type StoredResponse } from '../../../responses/responses-store';
import { type SseEvent, SseEventSplitter } from '../../../upstream';
import { type AnswerAdapter } from '../model-call';

/** Where an answer is kept for `previous_response_id` and `GET /v1/responses/{id}` (the responses store). */
export interface ResponsesState {
  save(tenantId: string, stored: StoredResponse): Promise<SaveOutcome>;
}

/** The final events that end an answer worth keeping (a failed one is not kept: there is nothing to carry on). */
const KEPT_ENDINGS: ReadonlySet<ResponsesStreamEvent['type']> = new Set(['response.completed', 'response.incomplete']);

/**
 * The Responses API's answer, from the chat completion the pipeline produced: the Response object, or its typed
 * event stream. When the response is to be stored, it is saved before the client can see its end (the JSON is sent
 * once the save is over; a stream's `response.completed` waits for it), so that a follow-up naming it as
 * `previous_response_id` the moment the client has it always finds it. A save that fails costs the answer nothing
 * but its `store`, which then says false.
 */
export class ResponsesAnswer implements AnswerAdapter {
  constructor(
    private readonly state: ResponsesState,
    private readonly tenantId: string,
    readonly context: ResponsesAnswerContext,
    /** The conversation before this request (its `previous_response_id`'s), which a stored answer carries on. */
    private readonly history: ResponsesInputItem[],
  ) {}

  async json(completion: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!isChatCompletion(completion)) throw untranslatable();
    let response: ResponsesResponse;
    try {
      response = openAiChatResponseToResponses(completion, this.context);
    } catch (error) {
      if (error instanceof UpstreamTranslationError) throw untranslatable();
      throw error;
    }
    return { ...(await this.kept(response)) };
  }

  stream(): Transform {
    return new ResponsesEventStream(this, createOpenAiChatToResponsesStreamTranslator(this.context));
  }

  /** The response, saved first when it is to be stored; its `store` says whether it was. */
  async kept(response: ResponsesResponse): Promise<ResponsesResponse> {
    if (!this.context.store) return response;
    const conversation = [...this.history, ...responsesConversationItems(this.context.request, response)];
    const outcome = await this.state.save(this.tenantId, { response, conversation });
    if (outcome !== 'stored') response.store = false;
    return response;
  }
}

/**
 * The stream's last stage: OpenAI chat completion chunks in (already translated from Anthropic's events when need
 * be, past the output guard and the call log's capture), the Responses API's events out. `[DONE]` says nothing the
 * final event does not; an in-stream error becomes an `error` event and `response.failed`; a stream that ends
 * without saying how the answer ended fails too, so a cut answer never looks complete.
 */
class ResponsesEventStream extends Transform {
  private readonly splitter = new SseEventSplitter();

  constructor(
    private readonly answer: ResponsesAnswer,
    private readonly translator: ResponsesStreamTranslator,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let frames = '';
    for (const event of this.splitter.push(chunk)) frames += this.translate(event);
    callback(null, frames.length > 0 ? frames : undefined);
  }

  override _flush(callback: TransformCallback): void {
    this.finish().then(
      (frames) => callback(null, frames.length > 0 ? frames : undefined),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private translate(event: SseEvent): string {
    if (event.data === null) return '';
    const data = event.data.trim();
    if (data === OPENAI_STREAM_DONE) return '';
    const chunk = parseChunk(data);
    const events =
      chunk === null
        ? this.translator.error({ message: 'The upstream sent an event the gateway cannot read.', code: null })
        : this.translator.push(chunk);
    return events.map(responsesSseFrame).join('');
  }

  /** The last events; an answer to keep is saved before its final event is written. */
  private async finish(): Promise<string> {
    const events = this.translator.finish();
    const final = events.at(-1);
    if (final !== undefined && 'response' in final && KEPT_ENDINGS.has(final.type)) {
      await this.answer.kept(final.response);
    }
    return events.map(responsesSseFrame).join('');
  }
}

function parseChunk(data: string): OpenAiChatChunk | null {
  try {
    const value = JSON.parse(data) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as OpenAiChatChunk) : null;
  } catch {
    return null;
  }
}

/** What `openAiChatResponseToResponses` reads: a choice with a message. */
function isChatCompletion(payload: Record<string, unknown>): payload is Record<string, unknown> & OpenAiChatCompletion {
  const { choices } = payload;
  return (
    Array.isArray(choices) &&
    choices.length > 0 &&
    choices.every(
      (choice: unknown) =>
        typeof choice === 'object' &&
        choice !== null &&
        typeof (choice as Record<string, unknown>)['message'] === 'object' &&
        (choice as Record<string, unknown>)['message'] !== null,
    )
  );
}

function untranslatable(): GatewayError {
  return GatewayError.of(
    GatewayErrorCode.UpstreamError,
    'The upstream provider sent an answer the gateway cannot read.',
  );
}
