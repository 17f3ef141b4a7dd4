import type { ProviderError } from './provider-error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** Anthropic's documented error types by HTTP status. */
export function anthropicErrorType(status: number): string {
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
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function toAnthropicErrorBody(error: ProviderError): AnthropicErrorBody {
  // OpenAI-only types (e.g. `requests`) mean nothing to an Anthropic client: always derive from the status.
  return { type: 'error', error: { type: anthropicErrorType(error.status), message: error.message } };
}
