import type { FastifyInstance } from 'fastify';
import { dialectOf } from '../errors/error-handler';
import { ProviderError } from '../errors/provider-error';

export interface MockModel {
  id: string;
  ownedBy: 'openai' | 'anthropic' | 'gatehouse';
  displayName: string;
  /** Unix seconds; fixed so the listing is deterministic. */
  created: number;
}

/**
 * What `GET /v1/models` lists. The completion endpoints accept any model name (the seed routes aliases such as
 * `demo-chat` to whatever upstream name it likes); only the lookup by id is limited to this list.
 */
export const MOCK_MODELS: readonly MockModel[] = [
  { id: 'mock-chat', ownedBy: 'gatehouse', displayName: 'Mock Chat', created: 1735689600 },
  { id: 'mock-embed', ownedBy: 'gatehouse', displayName: 'Mock Embed', created: 1735689600 },
  { id: 'gpt-4o', ownedBy: 'openai', displayName: 'GPT-4o', created: 1715367049 },
  { id: 'gpt-4o-mini', ownedBy: 'openai', displayName: 'GPT-4o mini', created: 1721172741 },
  { id: 'gpt-4.1', ownedBy: 'openai', displayName: 'GPT-4.1', created: 1744316542 },
  { id: 'gpt-4.1-mini', ownedBy: 'openai', displayName: 'GPT-4.1 mini', created: 1744318173 },
  { id: 'gpt-3.5-turbo-instruct', ownedBy: 'openai', displayName: 'GPT-3.5 Turbo Instruct', created: 1692901427 },
  { id: 'text-embedding-3-small', ownedBy: 'openai', displayName: 'Embedding 3 small', created: 1705948997 },
  { id: 'text-embedding-3-large', ownedBy: 'openai', displayName: 'Embedding 3 large', created: 1705953180 },
  { id: 'text-embedding-ada-002', ownedBy: 'openai', displayName: 'Embedding Ada 002', created: 1671217299 },
  { id: 'claude-sonnet-4-5', ownedBy: 'anthropic', displayName: 'Claude Sonnet 4.5', created: 1759104000 },
  { id: 'claude-haiku-4-5', ownedBy: 'anthropic', displayName: 'Claude Haiku 4.5', created: 1760486400 },
  { id: 'claude-opus-4-1', ownedBy: 'anthropic', displayName: 'Claude Opus 4.1', created: 1754352000 },
];

const modelsById = new Map(MOCK_MODELS.map((model) => [model.id, model]));

const toOpenAiModel = (model: MockModel) => ({
  id: model.id,
  object: 'model',
  created: model.created,
  owned_by: model.ownedBy,
});

const toAnthropicModel = (model: MockModel) => ({
  type: 'model',
  id: model.id,
  display_name: model.displayName,
  created_at: new Date(model.created * 1000).toISOString(),
});

/** Both SDKs call `GET /v1/models`; an Anthropic client (it sends `anthropic-version`) gets Anthropic's shape. */
export function registerModelsRoute(app: FastifyInstance): void {
  app.get('/v1/models', async (request) => {
    if (dialectOf(request) === 'openai') return { object: 'list', data: MOCK_MODELS.map(toOpenAiModel) };
    return {
      data: MOCK_MODELS.map(toAnthropicModel),
      has_more: false,
      first_id: MOCK_MODELS[0]?.id ?? null,
      last_id: MOCK_MODELS.at(-1)?.id ?? null,
    };
  });

  app.get<{ Params: { id: string } }>('/v1/models/:id', async (request) => {
    const model = modelsById.get(request.params.id);
    const dialect = dialectOf(request);
    if (model === undefined) {
      throw new ProviderError(404, `The model '${request.params.id}' does not exist`, {
        param: 'model',
        code: 'model_not_found',
      });
    }
    return dialect === 'openai' ? toOpenAiModel(model) : toAnthropicModel(model);
  });
}
