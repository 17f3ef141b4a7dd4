/** Which provider's conventions a request follows: decides the error body shape and some response shapes. */
export type ProviderDialect = 'openai' | 'anthropic';

export interface ProviderErrorOptions {
  /** OpenAI's `error.param`: the request field at fault. */
  param?: string | null;
  /** OpenAI's `error.code`; undefined picks the default for the status, null sends null. */
  code?: string | null;
  /** Overrides the error type otherwise derived from the status (OpenAI `error.type`, Anthropic `error.type`). */
  type?: string;
  /** Extra response headers, e.g. `retry-after` on a 429. */
  headers?: Record<string, string>;
}

/**
 * An error the mock answers as a provider would. It carries the status and the fields of both dialects; the
 * error handler renders it in the shape of the endpoint that was called.
 */
export class ProviderError extends Error {
  readonly param: string | null;
  readonly code: string | null | undefined;
  readonly type: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    message: string,
    options: ProviderErrorOptions = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.param = options.param ?? null;
    this.code = options.code;
    this.type = options.type;
    this.headers = options.headers ?? {};
  }
}
