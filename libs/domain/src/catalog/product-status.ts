/**
 * A product's life: built as a DRAFT (invisible to tenants), PUBLISHED to the catalog, RETIRED from it
 * (no new subscriptions; the gateway stops serving it). Both moves are one way.
 */
export type ProductStatus = 'DRAFT' | 'PUBLISHED' | 'RETIRED';

const transitions: Record<ProductStatus, readonly ProductStatus[]> = {
  DRAFT: ['PUBLISHED'],
  PUBLISHED: ['RETIRED'],
  RETIRED: [],
};

export function canTransitionProduct(from: ProductStatus, to: ProductStatus): boolean {
  return transitions[from].includes(to);
}

export interface PublishCandidate {
  kind: 'LLM' | 'HTTP';
  modelCount: number;
  httpProviderId: string | null;
}

/** Why the product cannot be published yet, or null when it can. */
export function publishBlocker(product: PublishCandidate): string | null {
  if (product.kind === 'LLM' && product.modelCount === 0) {
    return 'An LLM product needs at least one model before it can be published.';
  }
  if (product.kind === 'HTTP' && product.httpProviderId === null) {
    return 'An HTTP product needs an upstream provider before it can be published.';
  }
  return null;
}
