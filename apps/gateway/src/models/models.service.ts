import { Injectable } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type CatalogModel } from '../catalog/catalog.types';
import { GatewayCatalog } from '../catalog/gateway-catalog.service';
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
