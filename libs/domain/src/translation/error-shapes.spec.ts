import {
  anthropicErrorBody,
  anthropicErrorToOpenAi,
  anthropicErrorTypeOf,
  openAiErrorToAnthropic,
} from './error-shapes';
import { anthropicSseFrame } from './openai-to-anthropic-stream';

describe('error shapes', () => {
  it("names Anthropic's error type by status, as its API does", () => {
    const types = [400, 401, 402, 403, 404, 413, 422, 429, 500, 502, 503, 504, 529].map(anthropicErrorTypeOf);
    expect(types).toEqual([
      'invalid_request_error',
      'authentication_error',
      'billing_error',
      'permission_error',
      'not_found_error',
      'request_too_large',
      'invalid_request_error',
      'rate_limit_error',
      'api_error',
      'api_error',
      'overloaded_error',
      'timeout_error',
      'overloaded_error',
    ]);
    expect(anthropicErrorBody(403, 'no')).toEqual({
      type: 'error',
      error: { type: 'permission_error', message: 'no' },
    });
  });

  it("rewrites an OpenAI upstream's error for an Anthropic client, keeping its message", () => {
    const openAi = { error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: null } };
    expect(openAiErrorToAnthropic(400, openAi)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens is too large' },
    });
    expect(openAiErrorToAnthropic(422, 'not json')).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'The upstream provider answered 422.' },
    });
  });

  it("rewrites an Anthropic upstream's error for an OpenAI client, keeping its message", () => {
    const anthropic = { type: 'error', error: { type: 'invalid_request_error', message: 'messages: too long' } };
    expect(anthropicErrorToOpenAi(400, anthropic)).toEqual({
      error: { message: 'messages: too long', type: 'invalid_request_error', param: null, code: null },
    });
    expect(anthropicErrorToOpenAi(413, { type: 'error', error: { type: 'request_too_large' } }).error).toEqual({
      message: 'The upstream provider answered 413.',
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
  });

  it('frames an Anthropic event with its name and JSON data', () => {
    expect(anthropicSseFrame({ event: 'ping', data: { type: 'ping' } })).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });
});
