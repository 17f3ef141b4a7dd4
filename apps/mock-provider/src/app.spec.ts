import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../test/mock-provider-testing';

describe('buildMockProvider', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildTestApp();
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers GET /healthz', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers an unknown path with an OpenAI-shaped 404', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { message: 'Invalid URL (POST /v1/nothing)', type: 'invalid_request_error', param: null, code: null },
    });
  });

  it('answers an unknown path in Anthropic shape for an Anthropic client', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/nothing',
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ type: 'error', error: { type: 'not_found_error', message: 'Not Found' } });
  });

  it('answers a body that is not JSON with a provider-shaped 4xx, not a 500', async () => {
    const text = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({ error: { message: 'The request body must be a JSON object.' } });
    const xml = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'content-type': 'application/xml' },
      payload: '<hello/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
