import { anthropicErrorTypeOf } from '@gatehouse/domain';
import type { ProviderError } from './provider-error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export function toAnthropicErrorBody(error: ProviderError): AnthropicErrorBody {
  // OpenAI-only types (e.g. `requests`) mean nothing to an Anthropic client: always derive from the status.
  return { type: 'error', error: { type: anthropicErrorTypeOf(error.status), message: error.message } };
}
