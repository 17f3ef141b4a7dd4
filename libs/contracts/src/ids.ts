/**
 * Branded identifiers. A `TenantId` is a string that has been through tenant resolution (a membership
 * check or a key lookup), so a repository method that asks for one cannot be called with any string.
 */
declare const brand: unique symbol;
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

export type TenantId = Brand<string, 'TenantId'>;
export type UserId = Brand<string, 'UserId'>;
export type ApiKeyId = Brand<string, 'ApiKeyId'>;
export type SubscriptionId = Brand<string, 'SubscriptionId'>;
export type ProductId = Brand<string, 'ProductId'>;
export type PlanId = Brand<string, 'PlanId'>;
export type ProviderId = Brand<string, 'ProviderId'>;

/** Marks a tenant id as resolved. Call it only where the caller's right to the tenant was checked. */
export const asTenantId = (id: string): TenantId => id as TenantId;
export const asUserId = (id: string): UserId => id as UserId;
