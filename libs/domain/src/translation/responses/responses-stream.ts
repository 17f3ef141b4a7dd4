import type { OpenAiChatCompletionChunk, OpenAiToolCallDelta, OpenAiUsage } from '../openai-types';
import {
  responsesEndingOf,
  responsesFunctionCallId,
  responsesItemStatusOf,
  responsesMessageId,
  responsesResponseOf,
  responsesUsageOf,
  type ResponsesAnswerContext,
  type ResponsesOutcome,
} from './responses-response';
import type {
  ResponsesError,
  ResponsesOutputItem,
  ResponsesResponse,
  ResponsesStatus,
  ResponsesStreamEvent,
} from './responses-types';

/** An upstream's in-stream error, as OpenAI-format upstreams send it (`data: {"error":{...}}`). */
export interface OpenAiStreamErrorChunk {
  error: { message: string; type?: string | null; code?: string | null };
}

/** One parsed `data:` payload of the upstream's chat stream (not `[DONE]`). */
export type OpenAiChatChunk = OpenAiChatCompletionChunk | OpenAiStreamErrorChunk;

export interface ResponsesUpstreamError {
  message: string;
  code?: string | null;
  type?: string | null;
}

export interface ResponsesStreamTranslator {
  /** One upstream chunk in, the Responses events it produces out. An in-stream error chunk ends the stream. */
  push(chunk: OpenAiChatChunk): ResponsesStreamEvent[];
  /**
   * Once the upstream stream ended (`[DONE]` or its end): response.completed or response.incomplete; response.failed
   * when the upstream never said how the answer ended, so that a cut stream never looks like a complete answer.
   */
  finish(): ResponsesStreamEvent[];
  /** An upstream error: an `error` event, then response.failed. */
  error(error: ResponsesUpstreamError): ResponsesStreamEvent[];
  /** The Response as it stands: once the stream ended, the object of its final event. */
  response(): ResponsesResponse;
}

interface OpenPart {
  type: 'output_text' | 'refusal';
  contentIndex: number;
  text: string;
}

interface MessageItem {
  kind: 'message';
  outputIndex: number;
  id: string;
  parts: OpenPart[];
}

interface FunctionCallItem {
  kind: 'function_call';
  outputIndex: number;
  id: string;
  callId: string;
  name: string;
  arguments: string;
}

type Item = MessageItem | FunctionCallItem;

type WithoutSequence<Event> = Event extends ResponsesStreamEvent ? Omit<Event, 'sequence_number'> : never;
type UnsequencedEvent = WithoutSequence<ResponsesStreamEvent>;

/**
 * Translates a chat completions stream into the Responses event stream. Items open in the order their first delta
 * arrives (text, then each tool call by its first chunk) and stay open while the upstream may still add to them:
 * parallel tool calls' deltas interleave, each under its own item. They close, in order, when the finish reason
 * arrives; the final event waits for the upstream's end, after the usage chunk.
 */
export function createOpenAiChatToResponsesStreamTranslator(
  context: ResponsesAnswerContext,
): ResponsesStreamTranslator {
  let sequenceNumber = 0;
  let started = false;
  let finishReason: string | null = null;
  let usage: OpenAiUsage | null = null;
  let final: ResponsesResponse | null = null;
  const items: Item[] = [];
  let message: MessageItem | null = null;
  /** The upstream's tool call index → its item. */
  const functionCalls = new Map<number, FunctionCallItem>();

  function sequenced(events: UnsequencedEvent[]): ResponsesStreamEvent[] {
    return events.map((event) => ({ ...event, sequence_number: sequenceNumber++ }) as ResponsesStreamEvent);
  }

  function currentStatus(): ResponsesStatus {
    return finishReason === null ? 'in_progress' : responsesEndingOf(finishReason).status;
  }

  function outputItemOf(item: Item, status: ResponsesStatus): ResponsesOutputItem {
    const itemStatus = responsesItemStatusOf(status);
    if (item.kind === 'function_call') {
      return {
        type: 'function_call',
        id: item.id,
        call_id: item.callId,
        name: item.name,
        arguments: item.arguments,
        status: itemStatus,
      };
    }
    return {
      type: 'message',
      id: item.id,
      status: itemStatus,
      role: 'assistant',
      content: item.parts.map((part) =>
        part.type === 'output_text'
          ? { type: 'output_text', text: part.text, annotations: [] }
          : { type: 'refusal', refusal: part.text },
      ),
    };
  }

  function snapshot(outcome: Omit<ResponsesOutcome, 'output' | 'usage'>): ResponsesResponse {
    return responsesResponseOf(context, {
      ...outcome,
      output: items.map((item) => outputItemOf(item, outcome.status)),
      usage: usage === null ? null : responsesUsageOf(usage),
    });
  }

  function start(): UnsequencedEvent[] {
    if (started) return [];
    started = true;
    const response = snapshot({ status: 'in_progress', incompleteDetails: null, error: null });
    return [
      { type: 'response.created', response: { ...response, output: [] } },
      { type: 'response.in_progress', response: { ...response, output: [] } },
    ];
  }

  function openMessage(): { item: MessageItem; events: UnsequencedEvent[] } {
    if (message !== null) return { item: message, events: [] };
    message = { kind: 'message', outputIndex: items.length, id: responsesMessageId(context), parts: [] };
    items.push(message);
    return {
      item: message,
      events: [
        {
          type: 'response.output_item.added',
          output_index: message.outputIndex,
          item: outputItemOf(message, 'in_progress'),
        },
      ],
    };
  }

  function partDelta(type: OpenPart['type'], delta: string): UnsequencedEvent[] {
    const { item, events } = openMessage();
    let part = item.parts.find((candidate) => candidate.type === type);
    const at = { item_id: item.id, output_index: item.outputIndex };
    if (part === undefined) {
      part = { type, contentIndex: item.parts.length, text: '' };
      item.parts.push(part);
      events.push({
        type: 'response.content_part.added',
        ...at,
        content_index: part.contentIndex,
        part: type === 'output_text' ? { type, text: '', annotations: [] } : { type, refusal: '' },
      });
    }
    part.text += delta;
    events.push(
      type === 'output_text'
        ? { type: 'response.output_text.delta', ...at, content_index: part.contentIndex, delta, logprobs: [] }
        : { type: 'response.refusal.delta', ...at, content_index: part.contentIndex, delta },
    );
    return events;
  }

  function functionCallDelta(delta: OpenAiToolCallDelta): UnsequencedEvent[] {
    const events: UnsequencedEvent[] = [];
    let item = functionCalls.get(delta.index);
    if (item === undefined) {
      const ordinal = functionCalls.size;
      item = {
        kind: 'function_call',
        outputIndex: items.length,
        id: responsesFunctionCallId(context, ordinal),
        // An upstream that names no call id still needs one the client can answer with.
        callId: delta.id || `call_${responsesFunctionCallId(context, ordinal).slice('fc_'.length)}`,
        name: delta.function?.name ?? '',
        arguments: '',
      };
      functionCalls.set(delta.index, item);
      items.push(item);
      events.push({
        type: 'response.output_item.added',
        output_index: item.outputIndex,
        item: outputItemOf(item, 'in_progress'),
      });
    } else if (item.name === '' && delta.function?.name) {
      item.name = delta.function.name;
    }
    const piece = delta.function?.arguments;
    if (piece) {
      item.arguments += piece;
      events.push({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index: item.outputIndex,
        delta: piece,
      });
    }
    return events;
  }

  /** Every item's closing events, in output order, once the upstream said how the answer ended. */
  function closeItems(status: ResponsesStatus): UnsequencedEvent[] {
    return items.flatMap((item): UnsequencedEvent[] => {
      const done = outputItemOf(item, status);
      const closing: UnsequencedEvent[] = [];
      if (item.kind === 'function_call') {
        closing.push({
          type: 'response.function_call_arguments.done',
          item_id: item.id,
          output_index: item.outputIndex,
          name: item.name,
          arguments: item.arguments,
        });
      } else {
        for (const part of item.parts) {
          const at = { item_id: item.id, output_index: item.outputIndex, content_index: part.contentIndex };
          if (part.type === 'output_text') {
            closing.push(
              { type: 'response.output_text.done', ...at, text: part.text, logprobs: [] },
              {
                type: 'response.content_part.done',
                ...at,
                part: { type: 'output_text', text: part.text, annotations: [] },
              },
            );
          } else {
            closing.push(
              { type: 'response.refusal.done', ...at, refusal: part.text },
              { type: 'response.content_part.done', ...at, part: { type: 'refusal', refusal: part.text } },
            );
          }
        }
      }
      closing.push({ type: 'response.output_item.done', output_index: item.outputIndex, item: done });
      return closing;
    });
  }

  function fail(upstreamError: ResponsesUpstreamError, withErrorEvent: boolean): ResponsesStreamEvent[] {
    const events = start();
    if (withErrorEvent) {
      events.push({ type: 'error', code: upstreamError.code ?? null, message: upstreamError.message, param: null });
    }
    final = snapshot({ status: 'failed', incompleteDetails: null, error: responsesErrorOf(upstreamError) });
    events.push({ type: 'response.failed', response: final });
    return sequenced(events);
  }

  return {
    push(chunk) {
      if (final !== null) return [];
      if ('error' in chunk) return fail(chunk.error, true);
      const events = start();
      if (chunk.usage) usage = chunk.usage;
      // The gateway never asks for several choices: only the first is read.
      const choice = (chunk.choices ?? []).find((candidate) => (candidate.index ?? 0) === 0);
      // After the finish reason the items are closed: only the usage chunk is still expected.
      if (choice === undefined || finishReason !== null) return sequenced(events);
      const { delta } = choice;
      if (delta?.content) events.push(...partDelta('output_text', delta.content));
      if (delta?.refusal) events.push(...partDelta('refusal', delta.refusal));
      for (const call of delta?.tool_calls ?? []) events.push(...functionCallDelta(call));
      if (choice.finish_reason) {
        finishReason = choice.finish_reason;
        events.push(...closeItems(currentStatus()));
      }
      return sequenced(events);
    },

    finish() {
      if (final !== null) return [];
      if (finishReason === null) {
        return fail({ message: 'The upstream stream ended before the response did.', code: 'server_error' }, false);
      }
      const events = start();
      const ending = responsesEndingOf(finishReason);
      final = snapshot({ ...ending, error: null });
      events.push({
        type: ending.status === 'completed' ? 'response.completed' : 'response.incomplete',
        response: final,
      });
      return sequenced(events);
    },

    error(upstreamError) {
      if (final !== null) return [];
      return fail(upstreamError, true);
    },

    response() {
      if (final !== null) return final;
      if (finishReason === null) return snapshot({ status: 'in_progress', incompleteDetails: null, error: null });
      return snapshot({ ...responsesEndingOf(finishReason), error: null });
    },
  };
}

/** A Response's `error.code` has a fixed set of values: an upstream failure is a rate limit or a server error. */
function responsesErrorOf(upstreamError: ResponsesUpstreamError): ResponsesError {
  const rateLimited = [upstreamError.code, upstreamError.type].some(
    (value) => value === 'rate_limit_exceeded' || value === 'rate_limit_error' || value === 'requests',
  );
  return { code: rateLimited ? 'rate_limit_exceeded' : 'server_error', message: upstreamError.message };
}

/** The SSE frame for one event: `event: <type>` and `data: <json>`, as OpenAI sends them. */
export function responsesSseFrame(event: ResponsesStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
