/**
 * Error bodies of the two APIs the gateway speaks, and the mapping between them: for the gateway's own errors on
 * `/v1/messages`, and for an upstream's error relayed to a client that speaks the other API.
 */

/** Anthropic's error body: `{ type: 'error', error: { type, message } }`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export interface OpenAiErrorBodyShape {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * Anthropic's documented error type for an HTTP status. The SDKs pick their exception class by status; the type is
 * what a client reads to tell a timeout from an overload.
 */
export function anthropicErrorTypeOf(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    // Temporarily unable to serve (every target's circuit open, a dependency down): Anthropic's 529 says the same.
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function anthropicErrorBody(status: number, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type: anthropicErrorTypeOf(status), message } };
}

/** OpenAI's error type for an HTTP status, for an Anthropic error relayed to an OpenAI client. */
function openAiErrorTypeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** The message of an error body in either shape, or null when it has none. */
function messageOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && message !== '' ? message : null;
}

/** An OpenAI-format upstream's error body (or anything unreadable), for an Anthropic client. */
export function openAiErrorToAnthropic(status: number, body: unknown): AnthropicErrorBody {
  return anthropicErrorBody(status, messageOf(body) ?? `The upstream provider answered ${status}.`);
}

/** An Anthropic upstream's error body (or anything unreadable), for an OpenAI client. */
export function anthropicErrorToOpenAi(status: number, body: unknown): OpenAiErrorBodyShape {
  return {
    error: {
      message: messageOf(body) ?? `The upstream provider answered ${status}.`,
      type: openAiErrorTypeOf(status),
      param: null,
      code: null,
    },
  };
}
