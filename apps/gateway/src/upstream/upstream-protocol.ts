import { type StreamProtocol } from './stream-usage';
import { type UpstreamProviderType } from './upstream.types';

/**
 * The API a provider speaks, which decides the path, body and answer format of a call to it: Anthropic's
 * Messages API for `ANTHROPIC`, OpenAI's for OpenAI itself and every OpenAI-compatible server (`HTTP` providers
 * are never model targets).
 */
export function protocolOfProvider(type: UpstreamProviderType): StreamProtocol {
  return type === 'ANTHROPIC' ? 'anthropic' : 'openai';
}
