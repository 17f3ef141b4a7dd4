import type { ProviderError } from './provider-error';

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** OpenAI's `error.type` and default `error.code` for a status, as its API returns them. */
function openAiTypeAndCode(status: number): { type: string; code: string | null } {
  switch (status) {
    case 401:
      return { type: 'invalid_request_error', code: 'invalid_api_key' };
    case 403:
      return { type: 'permission_error', code: null };
    case 404:
      return { type: 'invalid_request_error', code: 'not_found' };
    case 429:
      return { type: 'requests', code: 'rate_limit_exceeded' };
    default:
      return status >= 500 ? { type: 'server_error', code: null } : { type: 'invalid_request_error', code: null };
  }
}

export function toOpenAiErrorBody(error: ProviderError): OpenAiErrorBody {
  const defaults = openAiTypeAndCode(error.status);
  return {
    error: {
      message: error.message,
      type: error.type ?? defaults.type,
      param: error.param,
      code: error.code === undefined ? defaults.code : error.code,
    },
  };
}
