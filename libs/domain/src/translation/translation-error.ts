/**
 * A client request that cannot be expressed in the upstream's API. The gateway answers 400 with
 * `{ error: { message, type: 'invalid_request_error', param, code: 'unsupported_parameter' } }` (or Anthropic's shape
 * on /v1/messages); `param` is a path into the client's body, e.g. `messages[2].content[0].type`.
 */
export class TranslationError extends Error {
  override readonly name = 'TranslationError';

  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

const ANTHROPIC_ERROR_TYPES: ReadonlySet<string> = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
]);

export type UpstreamTranslationFailure =
  /** The upstream sent an error event inside the stream. */
  | 'error_event'
  /** The upstream sent something the translator cannot read (bad JSON arguments, an event out of order). */
  | 'malformed'
  /** The upstream stream ended before its terminating event: there is no honest finish reason to emit. */
  | 'incomplete';

/**
 * The upstream's answer cannot be translated. The gateway maps it to 502 before headers are sent; mid-stream it
 * writes the error in the client's stream format (`openAiError` / `anthropicError` are those bodies) and ends it.
 */
export class UpstreamTranslationError extends Error {
  override readonly name = 'UpstreamTranslationError';

  constructor(
    readonly failure: UpstreamTranslationFailure,
    /** The upstream's error type when it sent one (e.g. `overloaded_error`), else `api_error`/`server_error`. */
    readonly upstreamType: string,
    message: string,
  ) {
    super(message);
  }

  /** The body of OpenAI's in-stream error event (`data: {"error":{...}}`). */
  get openAiError(): { error: { message: string; type: string; param: null; code: string | null } } {
    const type = this.upstreamType === 'rate_limit_error' ? 'requests' : 'server_error';
    const code = this.upstreamType === 'rate_limit_error' ? 'rate_limit_exceeded' : null;
    return { error: { message: this.message, type, param: null, code } };
  }

  /** The body of Anthropic's `error` event. */
  get anthropicError(): { type: 'error'; error: { type: string; message: string } } {
    // An Anthropic upstream's type passes through; OpenAI's (`server_error`, `requests`) are mapped.
    const type = ANTHROPIC_ERROR_TYPES.has(this.upstreamType)
      ? this.upstreamType
      : this.upstreamType === 'requests' || this.upstreamType === 'rate_limit_exceeded'
        ? 'rate_limit_error'
        : 'api_error';
    return { type: 'error', error: { type, message: this.message } };
  }
}
