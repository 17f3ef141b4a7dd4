import { GatewayErrorCode, type KeySnapshot, type KeySnapshotSubscription } from '@gatehouse/contracts';
import { usableSubscriptions } from './resolve-entitlement';

/** The product a call is for, as the gateway's product index knows it. */
export interface EntitledProduct {
  productId: string;
  slug: string;
}

export type ProductEntitlementDecision =
  | { granted: true; subscription: KeySnapshotSubscription }
  | { granted: false; code: typeof GatewayErrorCode.ModelNotAllowed; message: string };

/**
 * Which subscription a call to a whole product (an HTTP product) runs under, or why it may not run: 403
 * `model_not_allowed` (the contract's one "not entitled" code) unless the key's tenant holds an approved
 * subscription to the product that is unexpired at `now` and within the key's scope. Plans name no models for
 * an HTTP product, so `allowedModels` plays no part. Whether the product exists (404) is the caller's question,
 * answered before this one. A tenant holds at most one approved subscription per product; should it hold two,
 * the oldest (the snapshot's order) wins, as for models.
 */
export function resolveProductEntitlement(
  snapshot: KeySnapshot,
  product: EntitledProduct,
  now: Date,
): ProductEntitlementDecision {
  const usable = usableSubscriptions(snapshot, now);
  const granting = usable.find((subscription) => subscription.productId === product.productId);
  if (granting !== undefined) return { granted: true, subscription: granting };
  return { granted: false, code: GatewayErrorCode.ModelNotAllowed, message: refusalMessage(snapshot, product, now) };
}

function refusalMessage(snapshot: KeySnapshot, product: EntitledProduct, now: Date): string {
  const onProduct = snapshot.subscriptions.filter((subscription) => subscription.productId === product.productId);
  if (onProduct.length === 0) {
    return `Your organisation has no approved subscription to the product '${product.slug}'.`;
  }
  const inForce = onProduct.some(
    (subscription) => subscription.expiresAt === null || Date.parse(subscription.expiresAt) > now.getTime(),
  );
  if (!inForce) return `Your organisation's subscription to the product '${product.slug}' has expired.`;
  return `This API key is not scoped to your organisation's subscription to the product '${product.slug}'.`;
}
