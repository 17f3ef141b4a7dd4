import { GatewayErrorCode } from '@gatehouse/contracts';
import {
  type AnthropicMessage,
  anthropicResponseToOpenAiChat,
  anthropicSseFrame,
  createAnthropicToOpenAiStreamTranslator,
  createOpenAiToAnthropicStreamTranslator,
  type OpenAiChatCompletion,
  openAiChatResponseToAnthropic,
  openAiSseFrame,
  UpstreamTranslationError,
} from '@gatehouse/domain';
import { GatewayError } from '../../common/gateway-error';
import { type SseEvent, type SseEventRewriter, type StreamProtocol } from '../../upstream';
import { type AnswerAdapter } from './model-call';

/** What an answer needs to be written for the client: its public model name and ids. */
export interface AnswerContext {
  /** The public model alias the client asked for; answers never name the upstream model. */
  alias: string;
  /** The gateway's request id, the id of a translated answer (so that it and `x-request-id` name one call). */
  requestId: string;
  /** An OpenAI client's `stream_options.include_usage`. */
  includeUsage: boolean;
  /** The last step of an answer in an API served through chat completions (Responses); null: the chat answer. */
  adapter?: AnswerAdapter | null;
}

/**
 * The upstream's JSON answer as the client's API writes it: `model` set to the public alias, and translated when
 * the upstream speaks the other API. 502 `upstream_error` when a translation finds no answer it can read.
 */
export function answerForClient(
  client: StreamProtocol,
  upstream: StreamProtocol,
  payload: Record<string, unknown>,
  context: AnswerContext,
): Record<string, unknown> {
  if (client === upstream) {
    if ('model' in payload) payload.model = context.alias;
    return payload;
  }
  try {
    if (client === 'openai') {
      if (!isListOfObjects(payload.content) || !isObject(payload.usage)) throw untranslatable();
      return {
        ...anthropicResponseToOpenAiChat(payload as unknown as AnthropicMessage, {
          model: context.alias,
          requestId: context.requestId,
          created: nowInSeconds(),
        }),
      };
    }
    const choices = payload.choices;
    if (!isListOfObjects(choices) || !choices.every((choice) => isObject(choice.message))) throw untranslatable();
    return {
      ...openAiChatResponseToAnthropic(payload as unknown as OpenAiChatCompletion, {
        model: context.alias,
        requestId: context.requestId,
      }),
    };
  } catch (error) {
    if (error instanceof UpstreamTranslationError) throw untranslatable();
    throw error;
  }
}

/**
 * How a stream is rewritten for the client: translated when the APIs differ; within one API only the model name
 * changes to the public alias (OpenAI names it in every chunk, Anthropic in `message_start` alone), so that the
 * client never learns which upstream model serves it.
 */
export function streamRewriterFor(
  client: StreamProtocol,
  upstream: StreamProtocol,
  context: AnswerContext,
): SseEventRewriter {
  if (client === 'openai')
    return upstream === 'openai' ? openAiAliasRewriter(context.alias) : anthropicToOpenAiRewriter(context);
  return upstream === 'anthropic' ? anthropicAliasRewriter(context.alias) : openAiToAnthropicRewriter(context);
}

/**
 * The first `"model": "..."` member of a chunk's JSON is the chunk's own (OpenAI writes `id`, `object`, `created`
 * and `model` before `choices`); a quote inside a string value is escaped, so content never matches.
 */
const OPENAI_CHUNK_MODEL = /"model"\s*:\s*"(?:[^"\\]|\\.)*"/;

/** OpenAI to OpenAI: each chunk as it came, with the upstream model's name replaced by the alias. */
function openAiAliasRewriter(alias: string): SseEventRewriter {
  const member = `"model":${JSON.stringify(alias)}`;
  return {
    rewrite: (event) => {
      if (event.data === null) return event.raw;
      const raw = event.raw.toString('utf8');
      return OPENAI_CHUNK_MODEL.test(raw) ? raw.replace(OPENAI_CHUNK_MODEL, member) : event.raw;
    },
    end: () => '',
  };
}

function anthropicToOpenAiRewriter(context: AnswerContext): SseEventRewriter {
  const translator = createAnthropicToOpenAiStreamTranslator({
    model: context.alias,
    id: context.requestId,
    created: nowInSeconds(),
    includeUsage: context.includeUsage,
  });
  return translatingRewriter({
    push: (event, data) =>
      translator
        .push({ event: event.event ?? '', data })
        .map(openAiSseFrame)
        .join(''),
    finish: () => translator.finish().map(openAiSseFrame).join(''),
    // OpenAI's in-stream error: the SDKs raise it as an API error.
    errorFrame: (error) => `data: ${JSON.stringify(error.openAiError)}\n\n`,
  });
}

function openAiToAnthropicRewriter(context: AnswerContext): SseEventRewriter {
  const translator = createOpenAiToAnthropicStreamTranslator({ model: context.alias, id: context.requestId });
  return translatingRewriter({
    push: (_event, data) => translator.push(data).map(anthropicSseFrame).join(''),
    finish: () => translator.finish().map(anthropicSseFrame).join(''),
    errorFrame: (error) => anthropicSseFrame({ event: 'error', data: error.anthropicError }),
    skip: (data) => data.trim() === '[DONE]',
  });
}

interface Translation {
  push(event: SseEvent, data: unknown): string;
  finish(): string;
  errorFrame(error: UpstreamTranslationError): string;
  /** Events that carry nothing to translate (OpenAI's `[DONE]`: the end of the stream says as much). */
  skip?(data: string): boolean;
}

/**
 * A translating rewriter: once the upstream sends an error event, or something the translator cannot read, the
 * client gets one error event in its own API's format and nothing after it; a stream that ends without saying how
 * the message ended gets the same, so that the client never takes a cut answer for a complete one.
 */
function translatingRewriter(translation: Translation): SseEventRewriter {
  let failed = false;
  const guarded = (step: () => string): string => {
    if (failed) return '';
    try {
      return step();
    } catch (error) {
      if (!(error instanceof UpstreamTranslationError)) throw error;
      failed = true;
      return translation.errorFrame(error);
    }
  };
  return {
    rewrite: (event) =>
      guarded(() => {
        if (event.data === null || translation.skip?.(event.data)) return '';
        return translation.push(event, parseEventData(event.data));
      }),
    end: () => guarded(() => translation.finish()),
  };
}

function anthropicAliasRewriter(alias: string): SseEventRewriter {
  return {
    rewrite: (event) => {
      if (event.event !== 'message_start' || event.data === null) return event.raw;
      const data = parseJsonObject(event.data);
      if (data === undefined || !isObject(data.message)) return event.raw;
      data.message.model = alias;
      return anthropicSseFrame({ event: 'message_start', data });
    },
    end: () => '',
  };
}

function parseEventData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    throw new UpstreamTranslationError('malformed', 'api_error', 'The upstream sent an event that is not JSON.');
  }
}

function parseJsonObject(data: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(data) as unknown;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function untranslatable(): GatewayError {
  return GatewayError.of(
    GatewayErrorCode.UpstreamError,
    'The upstream provider sent an answer the gateway cannot read.',
  );
}

function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function isListOfObjects(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.every(isObject);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
