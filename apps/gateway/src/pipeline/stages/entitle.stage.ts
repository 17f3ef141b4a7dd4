import { Injectable } from '@nestjs/common';
import { GatewayErrorCode, type KeySnapshot } from '@gatehouse/contracts';
import { wrongKindReason } from '../../catalog/model-kind';
import { GatewayError } from '../../common/gateway-error';
import { EntitlementService } from '../../entitlement/entitlement.service';
import { resolveProductEntitlement } from '../../entitlement/resolve-product-entitlement';
import { type HttpProductEntry } from '../../catalog/catalog.types';
import { type ModelCall } from '../protocols/model-call';
import { type RequestContext, type RequestEntitlement } from '../request-context';

/**
 * Stage 2: which approved, unexpired subscription of the key grants the call, from the key's snapshot and the
 * catalog in memory: 404 `model_not_found` for a model (or product) nobody offers, 403 `model_not_allowed` for one
 * the key may not call, 400 (`param: model`) for a model of the wrong kind for the endpoint (an embedding model on
 * chat completions), which no upstream should be asked.
 */
@Injectable()
export class EntitleStage {
  constructor(private readonly entitlements: EntitlementService) {}

  /** The call's model, for its endpoint (a token count checks the model as a call to it would). */
  async model(
    _context: RequestContext,
    key: KeySnapshot,
    call: Pick<ModelCall, 'model' | 'endpoint'>,
  ): Promise<RequestEntitlement> {
    const { model } = call;
    const entitlement = await this.entitlements.resolve(key, model);
    const wrongKind = wrongKindReason(model, entitlement.kind, call.endpoint);
    if (wrongKind !== null) throw GatewayError.of(GatewayErrorCode.InvalidRequest, wrongKind, 'model');
    return {
      subscription: entitlement.subscription,
      productId: entitlement.productId,
      productSlug: entitlement.productSlug,
      model,
      price: entitlement.price,
      targets: entitlement.targets,
    };
  }

  product(_context: RequestContext, key: KeySnapshot, product: HttpProductEntry): RequestEntitlement {
    const decision = resolveProductEntitlement(key, product, new Date());
    if (!decision.granted) throw GatewayError.of(decision.code, decision.message);
    return {
      subscription: decision.subscription,
      productId: product.productId,
      productSlug: product.slug,
      model: null,
      price: null,
      targets: [],
    };
  }
}
