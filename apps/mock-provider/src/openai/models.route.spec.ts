import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test/mock-provider-testing';
import { MOCK_MODELS } from './models.route';

describe('GET /v1/models', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildTestApp();
    await app.ready();
  });
  afterAll(() => app.close());

  it('lists the models in OpenAI shape', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { authorization: 'Bearer anything' },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ object: string; data: { id: string; object: string; owned_by: string }[] }>();
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(MOCK_MODELS.length);
    expect(body.data[0]).toEqual({ id: 'mock-chat', object: 'model', created: 1735689600, owned_by: 'gatehouse' });
  });

  it('lists them in Anthropic shape for an Anthropic client', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(response.json()).toMatchObject({
      data: expect.arrayContaining([expect.objectContaining({ type: 'model', id: 'claude-sonnet-4-5' })]),
      has_more: false,
      first_id: 'mock-chat',
    });
  });

  it('finds one model by id, and answers an unknown id with a provider-shaped 404', async () => {
    const found = await app.inject({ method: 'GET', url: '/v1/models/gpt-4o' });
    expect(found.json()).toMatchObject({ id: 'gpt-4o', object: 'model', owned_by: 'openai' });
    const missing = await app.inject({ method: 'GET', url: '/v1/models/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: {
        message: "The model 'nope' does not exist",
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
    const anthropic = await app.inject({
      method: 'GET',
      url: '/v1/models/nope',
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(anthropic.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});
