import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ProviderError } from '../errors/provider-error';
import { parseBody } from '../errors/validation';
import { defaultDimensions, encodeEmbeddingBase64, generateEmbedding } from '../simulation/embedding-generator';
import { countTextTokens } from '../simulation/token-counter';

/** OpenAI's own limits: 2048 inputs per request, at most 3072 dimensions (text-embedding-3-large). */
const MAX_INPUTS = 2048;
const MAX_DIMENSIONS = 3072;

const tokenArray = z.array(z.number().int().min(0)).min(1);

export const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1).max(MAX_INPUTS),
    tokenArray,
    z.array(tokenArray).min(1).max(MAX_INPUTS),
  ]),
  dimensions: z.number().int().min(1).max(MAX_DIMENSIONS).nullish(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
});

export type EmbeddingRequest = z.output<typeof embeddingRequestSchema>;

interface EmbeddingInput {
  key: string;
  tokens: number;
}

function embeddingInputs(input: EmbeddingRequest['input']): EmbeddingInput[] {
  if (typeof input === 'string') return [{ key: input, tokens: countTextTokens(input) }];
  if (input.every((item) => typeof item === 'number')) {
    return [{ key: `tokens:${input.join(',')}`, tokens: input.length }];
  }
  return input.map((item) =>
    typeof item === 'string'
      ? { key: item, tokens: countTextTokens(item) }
      : { key: `tokens:${item.join(',')}`, tokens: item.length },
  );
}

export function registerEmbeddingsRoute(app: FastifyInstance): void {
  app.post('/v1/embeddings', async (request) => {
    const body = parseBody(embeddingRequestSchema, request.body, 'openai');
    const dimensions = body.dimensions ?? defaultDimensions(body.model);
    if (body.model === 'text-embedding-ada-002' && body.dimensions != null && body.dimensions !== 1536) {
      // What OpenAI answers too: only the v3 models can shorten their vectors.
      throw new ProviderError(400, 'This model does not support specifying dimensions.', { param: 'dimensions' });
    }
    const base64 = body.encoding_format === 'base64';
    let promptTokens = 0;
    const data = embeddingInputs(body.input).map((item, index) => {
      promptTokens += item.tokens;
      const vector = generateEmbedding(body.model, item.key, dimensions);
      return { object: 'embedding', index, embedding: base64 ? encodeEmbeddingBase64(vector) : Array.from(vector) };
    });
    return {
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
  });
}
