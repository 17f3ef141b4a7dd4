import { Injectable } from '@nestjs/common';
import { GatewayErrorCode, type KeySnapshot } from '@gatehouse/contracts';
import { type CatalogModel } from '../catalog/catalog.types';
import { GatewayCatalog } from '../catalog/gateway-catalog.service';
import { GatewayError } from '../common/gateway-error';
import { EntitlementService } from '../entitlement/entitlement.service';

/** OpenAI's model object. */
export interface OpenAiModel {
  id: string;
  object: 'model';
  /** Unix seconds: when the alias was added to the catalog. */
  created: number;
  owned_by: string;
}

export interface OpenAiModelList {
  object: 'list';
  data: OpenAiModel[];
}

/** Anthropic's model object (`GET /v1/models` with `anthropic-version`). */
export interface AnthropicModel {
  type: 'model';
  id: string;
  /** The catalog has no display names: the alias. */
  display_name: string;
  /** RFC 3339: when the alias was added to the catalog. */
  created_at: string;
}

/** One page of Anthropic's model list, with its cursor ids (null on an empty page). */
export interface AnthropicModelPage {
  data: AnthropicModel[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** Anthropic's paging parameters: `limit` (1–1000, default 20) and one cursor, `after_id` or `before_id`. */
export interface AnthropicPageQuery {
  limit?: unknown;
  after_id?: unknown;
  before_id?: unknown;
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1000;

@Injectable()
export class ModelsService {
  constructor(
    private readonly entitlements: EntitlementService,
    private readonly catalog: GatewayCatalog,
  ) {}

  /** Only the models this key may call, sorted by id. */
  async list(key: KeySnapshot): Promise<OpenAiModelList> {
    const models = await this.entitlements.listModels(key);
    return { object: 'list', data: models.map(({ model, entry }) => toOpenAiModel(model, entry, key)) };
  }

  /** 404 `model_not_found` / 403 `model_not_allowed`, as a call to the model would answer. */
  async get(key: KeySnapshot, id: string): Promise<OpenAiModel> {
    await this.entitlements.resolve(key, id);
    return toOpenAiModel(id, (await this.catalog.current()).models.get(id), key);
  }

  /** `list` in Anthropic's shape, one page of it (the SDK pages with `after_id` while `has_more`). */
  async listAnthropic(key: KeySnapshot, query: AnthropicPageQuery): Promise<AnthropicModelPage> {
    const { data } = await this.list(key);
    return pageOf(data.map(toAnthropicModel), query);
  }

  /** `get` in Anthropic's shape. */
  async getAnthropic(key: KeySnapshot, id: string): Promise<AnthropicModel> {
    return toAnthropicModel(await this.get(key, id));
  }
}

/** A model's Anthropic object, from its OpenAI one (the same facts: id and catalog time). */
function toAnthropicModel(model: OpenAiModel): AnthropicModel {
  return {
    type: 'model',
    id: model.id,
    display_name: model.id,
    created_at: new Date(model.created * 1000).toISOString(),
  };
}

/**
 * The page of `models` (sorted by id) that the query asks for: `limit` of them after `after_id`, or the last `limit`
 * before `before_id`, or the first `limit`. A cursor id that is not in the list is a 400, as a stale cursor.
 */
function pageOf(models: readonly AnthropicModel[], query: AnthropicPageQuery): AnthropicModelPage {
  const limit = pageSize(query.limit);
  const cursor = (name: 'after_id' | 'before_id'): number | null => {
    const id = query[name];
    if (id === undefined) return null;
    const index = models.findIndex((model) => model.id === id);
    if (index < 0) throw GatewayError.of(GatewayErrorCode.InvalidRequest, `${name}: no model with this id`, name);
    return index;
  };
  const after = cursor('after_id');
  const before = cursor('before_id');
  let start = after === null ? 0 : after + 1;
  let end = Math.min(models.length, start + limit);
  if (before !== null && after === null) {
    end = before;
    start = Math.max(0, end - limit);
  }
  const data = models.slice(start, end);
  const hasMore = before !== null && after === null ? start > 0 : end < models.length;
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

function pageSize(limit: unknown): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  const size = typeof limit === 'string' && /^\d+$/.test(limit) ? Number(limit) : NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
    throw GatewayError.of(
      GatewayErrorCode.InvalidRequest,
      `limit: must be an integer from 1 to ${MAX_PAGE_SIZE}`,
      'limit',
    );
  }
  return size;
}

function toOpenAiModel(model: string, entry: CatalogModel | undefined, key: KeySnapshot): OpenAiModel {
  // A model the snapshot grants but the catalog does not know yet (published a moment ago): the
  // snapshot says which product offers it, and its load time is the best known bound of `created`.
  const granting = key.subscriptions.find((subscription) => subscription.models.includes(model));
  return {
    id: model,
    object: 'model',
    created: Math.floor((entry?.createdAt.getTime() ?? Date.parse(key.loadedAt)) / 1000),
    owned_by: entry?.productSlug ?? granting?.productSlug ?? 'gatehouse',
  };
}
