import { BadRequestException, NotFoundException } from '@nestjs/common';
import { GatewayError } from './gateway-error';
import { toResponse } from './openai-exception.filter';

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
