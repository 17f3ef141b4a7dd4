import { BadRequestException, NotFoundException } from '@nestjs/common';
import { GatewayError } from './gateway-error';
import { errorShapeOf, toAnthropicBody, toResponse } from './openai-exception.filter';

const request = { method: 'POST', url: '/v1/chat/completions?x=1' };

describe('toResponse', () => {
  it('writes a gateway error with its status, code, type and param', () => {
    const response = toResponse(GatewayError.of('model_not_allowed', 'no', 'model'), request);
    expect(response).toEqual({
      status: 403,
      body: { error: { message: 'no', type: 'permission_error', param: 'model', code: 'model_not_allowed' } },
      headers: {},
    });
    expect(toResponse(GatewayError.invalidApiKey('bad key'), request).status).toBe(401);
    expect(toResponse(GatewayError.serviceUnavailable('down'), request)).toMatchObject({
      status: 503,
      body: { error: { type: 'api_error', code: 'service_unavailable' } },
    });
  });

  it('answers an unknown route like OpenAI', () => {
    expect(toResponse(new NotFoundException(), request).body.error).toEqual({
      message: 'Invalid URL (POST /v1/chat/completions)',
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
  });

  it('keeps the message of other HTTP exceptions', () => {
    expect(toResponse(new BadRequestException('Body is not JSON'), request)).toMatchObject({
      status: 400,
      body: { error: { message: 'Body is not JSON', type: 'invalid_request_error' } },
    });
  });

  it('never shows the cause of an unexpected error', () => {
    const response = toResponse(new Error('secret connection string'), request);
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain('secret');
  });
});

describe('the error shape of a route', () => {
  it("is Anthropic's on a route marked for it, and on unserved paths under /v1/messages/", () => {
    const messages = {
      url: '/v1/messages',
      routeOptions: { url: '/v1/messages', config: { errorShape: 'anthropic' as const } },
    };
    expect(errorShapeOf(messages)).toBe('anthropic');
    expect(errorShapeOf({ url: '/v1/messages/count_tokens', routeOptions: { config: {} } })).toBe('anthropic');
    expect(errorShapeOf({ url: '/v1/messages?beta=true', routeOptions: { config: {} } })).toBe('anthropic');
    expect(errorShapeOf({ url: '/v1/messages' })).toBe('anthropic');
  });

  it("is OpenAI's everywhere else", () => {
    const chat = { url: '/v1/chat/completions', routeOptions: { url: '/v1/chat/completions', config: {} } };
    expect(errorShapeOf(chat)).toBe('openai');
    expect(errorShapeOf({ url: '/v1/nothing', routeOptions: {} })).toBe('openai');
    expect(errorShapeOf({ url: '/v1/messagesx', routeOptions: {} })).toBe('openai');
    // A served route decides by its marker alone.
    expect(errorShapeOf({ url: '/v1/messages', routeOptions: { url: '/v1/messages', config: {} } })).toBe('openai');
  });

  it("writes a gateway error in Anthropic's shape with the type its status calls for", () => {
    const cases: [GatewayError, string][] = [
      [GatewayError.invalidApiKey('bad key'), 'authentication_error'],
      [GatewayError.of('model_not_allowed', 'no'), 'permission_error'],
      [GatewayError.of('model_not_found', 'none'), 'not_found_error'],
      [GatewayError.of('rate_limit_exceeded', 'slow down'), 'rate_limit_error'],
      [GatewayError.of('invalid_request_error', 'bad'), 'invalid_request_error'],
      [GatewayError.of('upstream_error', 'failed'), 'api_error'],
      [GatewayError.serviceUnavailable('down'), 'overloaded_error'],
    ];
    for (const [error, type] of cases) {
      const { status, body } = toResponse(error, request);
      expect(toAnthropicBody(status, body)).toEqual({ type: 'error', error: { type, message: error.message } });
    }
  });
});
