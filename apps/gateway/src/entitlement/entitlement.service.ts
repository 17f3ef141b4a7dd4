import { Injectable } from '@nestjs/common';
import { type KeySnapshot } from '@gatehouse/contracts';
import { type CatalogModel } from '../catalog/catalog.types';
import { GatewayCatalog } from '../catalog/gateway-catalog.service';
import { GatewayError } from '../common/gateway-error';
import { allowedModels, type Entitlement, resolveEntitlement } from './resolve-entitlement';

/** Entitlement on the request path: `resolveEntitlement` with the catalog's models, as errors the filter knows. */
@Injectable()
export class EntitlementService {
  constructor(private readonly catalog: GatewayCatalog) {}

  /** The subscription a call to `model` runs under; throws 404 `model_not_found` or 403 `model_not_allowed`. */
  async resolve(snapshot: KeySnapshot, model: string, now: Date = new Date()): Promise<Entitlement> {
    const decision = resolveEntitlement(snapshot, model, (await this.catalog.current()).models, now);
    if (!decision.granted) throw GatewayError.of(decision.code, decision.message, 'model');
    return decision.entitlement;
  }

  /** The models the key may call, with their catalog entry when the catalog has one. */
  async listModels(
    snapshot: KeySnapshot,
    now: Date = new Date(),
  ): Promise<{ model: string; entry: CatalogModel | undefined }[]> {
    const { models } = await this.catalog.current();
    return allowedModels(snapshot, now).map((model) => ({ model, entry: models.get(model) }));
  }
}
