import { type GatewayCatalogModel, type GatewayModelPrice } from '@gatehouse/db';
import { decimalToString } from '@gatehouse/domain';
import { type CatalogModel, type CatalogModelPrice } from './catalog.types';
import { modelKindOf } from './model-kind';

/** The catalog's models at `now`, and when a price they hold next starts or ends (null: none does). */
export interface CatalogAtTime {
  models: ReadonlyMap<string, CatalogModel>;
  nextPriceChangeAt: Date | null;
}

/**
 * Each model with its targets and the price in force at `now`: the version with effectiveFrom <= now <
 * effectiveTo (null = open-ended); should two overlap, the later start wins, as the admin catalog shows it. A model
 * without one has no price (null). The caller reloads at `nextPriceChangeAt`, when a loaded version starts or ends.
 */
export function catalogAt(models: readonly GatewayCatalogModel[], now: Date): CatalogAtTime {
  const at = now.getTime();
  let next: number | null = null;
  const byAlias = new Map<string, CatalogModel>();
  for (const model of models) {
    let current: GatewayModelPrice | null = null;
    for (const version of model.prices) {
      const from = version.effectiveFrom.getTime();
      const to = version.effectiveTo?.getTime() ?? null;
      if (from <= at && (to === null || to > at)) {
        if (current === null || from >= current.effectiveFrom.getTime()) current = version;
      }
      for (const boundary of [from, to]) {
        if (boundary !== null && boundary > at && (next === null || boundary < next)) next = boundary;
      }
    }
    byAlias.set(model.alias, {
      alias: model.alias,
      productId: model.productId,
      productSlug: model.productSlug,
      createdAt: model.createdAt,
      price: current === null ? null : toCatalogPrice(current),
      targets: model.targets,
      kind: modelKindOf(
        model.alias,
        model.targets.map((target) => target.upstreamModel),
      ),
    });
  }
  return { models: byAlias, nextPriceChangeAt: next === null ? null : new Date(next) };
}

function toCatalogPrice(version: GatewayModelPrice): CatalogModelPrice {
  return {
    inputPer1M: decimalToString(version.inputPer1M),
    outputPer1M: decimalToString(version.outputPer1M),
    cachedInputPer1M: version.cachedInputPer1M === null ? null : decimalToString(version.cachedInputPer1M),
  };
}
