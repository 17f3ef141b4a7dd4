import { type SseEvent } from './sse-event-splitter';

export type StreamProtocol = 'openai' | 'anthropic';

/** How a stream ended, from the gateway's point of view. */
export type StreamEnding = 'completed' | 'upstream_error' | 'cut' | 'client_aborted';

export interface StreamUsageReport {
  ending: StreamEnding;
  /** Input tokens as the upstream reported them (OpenAI: final usage chunk; Anthropic: message_start), or null. */
  inputTokens: number | null;
  /** Of which served from the provider's prompt cache, when reported. */
  cachedInputTokens: number | null;
  /** The upstream's final count when the stream completed with one, otherwise the estimate of what was sent. */
  outputTokens: number;
  outputTokensSource: 'upstream' | 'estimate';
  /** Lower-bound estimate from the content actually streamed: max(ceil(characters / 4), content deltas). */
  estimatedOutputTokens: number;
  contentCharacters: number;
  contentDeltas: number;
  /** The provider's mid-stream error event, if one came. */
  upstreamError: { type: string | null; message: string | null } | null;
}

/**
 * Reads usage out of OpenAI and Anthropic SSE events as they pass:
 * - OpenAI: the final chunk (`choices: []` + `usage`) that `stream_options.include_usage` adds, then `[DONE]`;
 * - Anthropic: `message_start` (input tokens), `message_delta` (final output tokens), `message_stop`.
 * It counts streamed content too, so a cut stream still yields an output estimate (each content delta is at
 * least one token; ~4 characters a token otherwise).
 */
export class StreamUsageObserver {
  private inputTokens: number | null = null;
  private cachedInputTokens: number | null = null;
  private reportedOutputTokens: number | null = null;
  private contentCharacters = 0;
  private contentDeltas = 0;
  private terminated = false;
  private upstreamError: StreamUsageReport['upstreamError'] = null;

  constructor(private readonly protocol: StreamProtocol) {}

  /** Observes one event; true when it is OpenAI's usage-only chunk (the one a client that did not ask drops). */
  observe(event: SseEvent): boolean {
    if (event.data === null) return false;
    if (this.protocol === 'openai' && event.data.trim() === '[DONE]') {
      this.terminated = true;
      return false;
    }
    const payload = parseJson(event.data);
    if (payload === undefined) return false;
    return this.protocol === 'openai' ? this.observeOpenAi(payload) : this.observeAnthropic(event.event, payload);
  }

  report(ending?: StreamEnding): StreamUsageReport {
    const estimatedOutputTokens = Math.max(Math.ceil(this.contentCharacters / 4), this.contentDeltas);
    const resolvedEnding = ending ?? (this.terminated ? 'completed' : this.upstreamError ? 'upstream_error' : 'cut');
    const trustUpstream = resolvedEnding === 'completed' && this.reportedOutputTokens !== null;
    return {
      ending: resolvedEnding,
      inputTokens: this.inputTokens,
      cachedInputTokens: this.cachedInputTokens,
      outputTokens: trustUpstream
        ? (this.reportedOutputTokens as number)
        : Math.max(this.reportedOutputTokens ?? 0, estimatedOutputTokens),
      outputTokensSource: trustUpstream ? 'upstream' : 'estimate',
      estimatedOutputTokens,
      contentCharacters: this.contentCharacters,
      contentDeltas: this.contentDeltas,
      upstreamError: this.upstreamError,
    };
  }

  get completed(): boolean {
    return this.terminated;
  }

  /** True once an event carried output (text, reasoning, a refusal or tool-call arguments): the first token came. */
  get sawContent(): boolean {
    return this.contentDeltas > 0;
  }

  private observeOpenAi(payload: Record<string, unknown>): boolean {
    if (isObject(payload.error)) this.upstreamError = errorOf(payload.error);
    const usage = payload.usage;
    if (isObject(usage)) {
      this.inputTokens = numberOr(usage.prompt_tokens, this.inputTokens);
      this.reportedOutputTokens = numberOr(usage.completion_tokens, this.reportedOutputTokens);
      const details = usage.prompt_tokens_details;
      if (isObject(details)) this.cachedInputTokens = numberOr(details.cached_tokens, this.cachedInputTokens);
    }
    const choices = payload.choices;
    if (!Array.isArray(choices)) return false;
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      let characters = 0;
      if (typeof choice.text === 'string') characters += choice.text.length;
      const delta = choice.delta;
      if (isObject(delta)) {
        if (typeof delta.content === 'string') characters += delta.content.length;
        if (typeof delta.reasoning_content === 'string') characters += delta.reasoning_content.length;
        if (typeof delta.refusal === 'string') characters += delta.refusal.length;
        if (Array.isArray(delta.tool_calls)) {
          for (const call of delta.tool_calls) {
            if (isObject(call) && isObject(call.function) && typeof call.function.arguments === 'string') {
              characters += call.function.arguments.length;
            }
          }
        }
      }
      if (characters > 0) {
        this.contentCharacters += characters;
        this.contentDeltas += 1;
      }
    }
    return choices.length === 0 && isObject(usage);
  }

  private observeAnthropic(eventName: string | null, payload: Record<string, unknown>): boolean {
    const type = typeof payload.type === 'string' ? payload.type : eventName;
    switch (type) {
      case 'message_start': {
        const message = payload.message;
        if (isObject(message) && isObject(message.usage)) this.readAnthropicUsage(message.usage);
        break;
      }
      case 'message_delta':
        if (isObject(payload.usage)) this.readAnthropicUsage(payload.usage);
        break;
      case 'content_block_delta': {
        const delta = payload.delta;
        if (!isObject(delta)) break;
        const text = [delta.text, delta.partial_json, delta.thinking].find((value) => typeof value === 'string');
        if (typeof text === 'string' && text.length > 0) {
          this.contentCharacters += text.length;
          this.contentDeltas += 1;
        }
        break;
      }
      case 'message_stop':
        this.terminated = true;
        break;
      case 'error':
        this.upstreamError = isObject(payload.error) ? errorOf(payload.error) : { type: null, message: null };
        break;
    }
    return false;
  }

  /** Anthropic's `input_tokens` excludes cache reads and writes; the gateway's input count includes them. */
  private readAnthropicUsage(usage: Record<string, unknown>): void {
    if (typeof usage.input_tokens === 'number') {
      const cacheRead = typeof usage.cache_read_input_tokens === 'number' ? usage.cache_read_input_tokens : 0;
      const cacheWrite = typeof usage.cache_creation_input_tokens === 'number' ? usage.cache_creation_input_tokens : 0;
      this.inputTokens = usage.input_tokens + cacheRead + cacheWrite;
      this.cachedInputTokens = cacheRead;
    }
    this.reportedOutputTokens = numberOr(usage.output_tokens, this.reportedOutputTokens);
  }
}

function parseJson(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown, fallback: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function errorOf(error: Record<string, unknown>): { type: string | null; message: string | null } {
  return {
    type: typeof error.type === 'string' ? error.type : null,
    message: typeof error.message === 'string' ? error.message : null,
  };
}
