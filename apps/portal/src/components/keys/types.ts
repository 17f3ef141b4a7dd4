import type { ApiKeyResponse, SubscriptionResponse } from '@gatehouse/contracts';

/** What the key forms need to know of a subscription: enough to name it in a scope choice. */
export type ScopeOption = Pick<SubscriptionResponse, 'id' | 'productName' | 'planName' | 'status'>;

export type KeyRow = ApiKeyResponse;

/** A secret to show once: after creating a key, or after rotating one. */
export interface RevealedSecret {
  name: string;
  secret: string;
  expiresAt: string | null;
  /** Set after a rotation: until when the replaced secret keeps working. */
  previousSecretValidUntil?: string;
}
