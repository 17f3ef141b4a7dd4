import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test/mock-provider-testing';

interface EmbeddingList {
  object: string;
  model: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  usage: { prompt_tokens: number; total_tokens: number };
}

const norm = (vector: number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

describe('POST /v1/embeddings', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildTestApp();
    await app.ready();
  });
  afterAll(() => app.close());

  const embed = async (payload: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/v1/embeddings', payload });
    return { status: response.statusCode, body: response.json<EmbeddingList>() };
  };

  it('embeds a string as a unit-length float vector of the default size', async () => {
    const { status, body } = await embed({ model: 'text-embedding-3-small', input: 'hello world' });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      object: 'list',
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    const vector = body.data[0]?.embedding as number[];
    expect(body.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(vector).toHaveLength(1536);
    expect(norm(vector)).toBeCloseTo(1, 5);
  });

  it('embeds an array, honours dimensions and is deterministic per input', async () => {
    const { body } = await embed({ model: 'm', input: ['a', 'b', 'a'], dimensions: 256 });
    expect(body.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(body.data.every((item) => (item.embedding as number[]).length === 256)).toBe(true);
    expect(body.data[0]?.embedding).toEqual(body.data[2]?.embedding);
    expect(body.data[0]?.embedding).not.toEqual(body.data[1]?.embedding);
    const again = await embed({ model: 'm', input: 'a', dimensions: 256 });
    expect(again.body.data[0]?.embedding).toEqual(body.data[0]?.embedding);
  });

  it('encodes base64 as little-endian float32 when asked', async () => {
    const floats = (await embed({ model: 'm', input: 'x', dimensions: 32 })).body.data[0]?.embedding as number[];
    const encoded = (await embed({ model: 'm', input: 'x', dimensions: 32, encoding_format: 'base64' })).body.data[0]
      ?.embedding as string;
    const bytes = Buffer.from(encoded, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 32))).toEqual(floats);
  });

  it('counts token-id inputs by their length', async () => {
    const { body } = await embed({ model: 'm', input: [[1, 2, 3], [4]], dimensions: 4 });
    expect(body.usage.prompt_tokens).toBe(4);
    expect(body.data).toHaveLength(2);
  });

  it.each([
    ['a missing input', { model: 'm' }, 'input'],
    ['an empty string', { model: 'm', input: '' }, 'input'],
    ['an empty array', { model: 'm', input: [] }, 'input'],
    ['zero dimensions', { model: 'm', input: 'x', dimensions: 0 }, 'dimensions'],
    ['an unknown encoding', { model: 'm', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
    ['dimensions on ada-002', { model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }, 'dimensions'],
  ])('answers %s with an OpenAI-shaped 400', async (_, payload, param) => {
    const response = await app.inject({ method: 'POST', url: '/v1/embeddings', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { type: 'invalid_request_error', param } });
  });
});
