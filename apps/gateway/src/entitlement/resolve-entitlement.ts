import {
  type EffectiveLimitsSnapshot,
  GatewayErrorCode,
  type KeySnapshot,
  type KeySnapshotSubscription,
} from '@gatehouse/contracts';
import { type CatalogModel, type CatalogModelPrice } from '../catalog/catalog.types';
import { type ModelKind } from '../catalog/model-kind';
import { type UpstreamTarget } from '../upstream';

export interface Entitlement {
  model: string;
  subscription: KeySnapshotSubscription;
  productId: string;
  /** The product's slug from the catalog (policy documents name products by it); null when not in the catalog. */
  productSlug: string | null;
  limits: EffectiveLimitsSnapshot;
  /** The model's price in force now, from the catalog; null when it has none (or is not in the catalog yet). */
  price: CatalogModelPrice | null;
  /** The model's routing targets, from the same catalog snapshot as `price`; empty when it has none. */
  targets: readonly UpstreamTarget[];
  /** What the model serves (chat or embedding), from the catalog; null when unknown. */
  kind: ModelKind | null;
}

export type EntitlementDecision =
  | { granted: true; entitlement: Entitlement }
  | {
      granted: false;
      code: typeof GatewayErrorCode.ModelNotFound | typeof GatewayErrorCode.ModelNotAllowed;
      message: string;
    };

/**
 * The subscriptions a key may use at `now`: in force (the snapshot holds approved ones; expiry is checked
 * here, because a snapshot outlives the moment it was read) and within the key's scope (empty = all).
 */
export function usableSubscriptions(snapshot: KeySnapshot, now: Date): KeySnapshotSubscription[] {
  const scope = snapshot.scope.length === 0 ? null : new Set(snapshot.scope);
  return snapshot.subscriptions.filter(
    (subscription) =>
      (scope === null || scope.has(subscription.subscriptionId)) &&
      (subscription.expiresAt === null || Date.parse(subscription.expiresAt) > now.getTime()),
  );
}

/** Every model the key may call at `now`, sorted, each once. */
export function allowedModels(snapshot: KeySnapshot, now: Date): string[] {
  return [...new Set(usableSubscriptions(snapshot, now).flatMap((subscription) => subscription.models))].sort();
}

/**
 * Which subscription (and so which limits) a call to `model` runs under, or why it may not run: 404
 * `model_not_found` when no published product offers the model, 403 `model_not_allowed` when one does but no
 * usable subscription of the key grants it. Model aliases are unique across the platform and a tenant holds
 * at most one approved subscription per product, so at most one subscription grants a model; should two
 * ever do, the oldest (the snapshot's order) wins.
 */
export function resolveEntitlement(
  snapshot: KeySnapshot,
  model: string,
  models: ReadonlyMap<string, CatalogModel>,
  now: Date,
): EntitlementDecision {
  const usable = usableSubscriptions(snapshot, now);
  const offered = models.get(model);
  const granting = usable.find((subscription) => subscription.models.includes(model));
  if (granting !== undefined) {
    return {
      granted: true,
      entitlement: {
        model,
        subscription: granting,
        productId: granting.productId,
        productSlug: offered?.productSlug ?? null,
        limits: granting.limits,
        price: offered?.price ?? null,
        targets: offered?.targets ?? [],
        kind: offered?.kind ?? null,
      },
    };
  }
  if (offered === undefined) {
    return {
      granted: false,
      code: GatewayErrorCode.ModelNotFound,
      message: `The model '${model}' does not exist or you do not have access to it.`,
    };
  }
  return {
    granted: false,
    code: GatewayErrorCode.ModelNotAllowed,
    message: notAllowedMessage(snapshot, usable, offered, now),
  };
}

function notAllowedMessage(
  snapshot: KeySnapshot,
  usable: KeySnapshotSubscription[],
  offered: CatalogModel,
  now: Date,
): string {
  const model = offered.alias;
  const onProduct = snapshot.subscriptions.filter((subscription) => subscription.productId === offered.productId);
  if (onProduct.length === 0) {
    return `Your organisation has no approved subscription to '${offered.productSlug}', which offers the model '${model}'.`;
  }
  const inForce = onProduct.filter(
    (subscription) => subscription.expiresAt === null || Date.parse(subscription.expiresAt) > now.getTime(),
  );
  if (inForce.length === 0) {
    return `Your organisation's subscription to '${offered.productSlug}' has expired.`;
  }
  if (!usable.some((subscription) => subscription.productId === offered.productId)) {
    return `This API key is not scoped to your organisation's subscription to '${offered.productSlug}'.`;
  }
  return `Your plan on '${offered.productSlug}' does not include the model '${model}'.`;
}
