import {
  type CallLogDetailResponse,
  type CatalogProductListResponse,
  type CatalogProductResponse,
  type CreatedApiKeyResponse,
  type PolicyVersionRefResponse,
  type SubscriptionResponse,
} from '@gatehouse/contracts';
import { APIError, OpenAI } from 'openai';
import { adminApi, signInAdmin, signUpTenantOwner, type TenantOwner } from './admin-api-client';
import { stackUrls } from './stack';

/**
 * The official OpenAI client, unchanged, pointed at a gateway of the e2e stack. Retries are off so that every
 * call is exactly one request and a test sees what the gateway answered; the timeout keeps a hung call bounded.
 */
export function gatewayClient(apiKey: string, gatewayUrl: string = stackUrls.gateway): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${gatewayUrl}/v1`, maxRetries: 0, timeout: 15_000 });
}

/** A small chat request: short answers keep the tier fast and budget reservations tiny. */
export function chatRequest(model: string) {
  return {
    model,
    max_tokens: 16,
    messages: [{ role: 'user' as const, content: 'Say something deterministic.' }],
  };
}

/** The status a gateway call ended with: 200 when it succeeded, the API error's status otherwise. */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

export async function createApiKey(tenant: TenantOwner, name = 'e2e key'): Promise<CreatedApiKeyResponse> {
  const created = await adminApi<CreatedApiKeyResponse>('POST', `/tenants/${tenant.tenantId}/keys`, {
    token: tenant.token,
    body: { name },
  });
  if (created.status !== 201) throw new Error(`key creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}

/** A published product of the catalog, by slug, as a signed-in user sees it (every page). */
export async function catalogProduct(token: string, slug: string): Promise<CatalogProductResponse> {
  let cursor: string | null = null;
  do {
    const page: { status: number; body: CatalogProductListResponse } = await adminApi<CatalogProductListResponse>(
      'GET',
      `/catalog/products?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      { token },
    );
    if (page.status !== 200) throw new Error(`catalog read failed: ${page.status}`);
    const found = page.body.items.find((product) => product.slug === slug);
    if (found) return found;
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  throw new Error(`no published product ${slug} in the catalog`);
}

let adminToken: Promise<string> | undefined;

/** The seeded platform admin's session, signed in once per test file. */
export function adminSession(): Promise<string> {
  adminToken ??= signInAdmin();
  return adminToken;
}

/**
 * Requests a plan of a published product as the tenant would; a plan that needs approval is then approved by
 * the seeded admin, as an admin would in the portal. Resolves to the approved subscription.
 */
export async function subscribe(
  tenant: TenantOwner,
  { product = 'demo', plan = 'demo-free' }: { product?: string; plan?: string } = {},
): Promise<SubscriptionResponse> {
  const offered = await catalogProduct(tenant.token, product);
  const chosen = offered.plans.find((candidate) => candidate.name === plan);
  if (!chosen) throw new Error(`product ${product} has no plan ${plan}`);
  const requested = await adminApi<SubscriptionResponse>('POST', `/tenants/${tenant.tenantId}/subscriptions`, {
    token: tenant.token,
    body: { productId: offered.id, planId: chosen.id, justification: 'e2e acceptance test of the gateway' },
  });
  if (requested.status !== 201) {
    throw new Error(`subscription request failed: ${requested.status} ${JSON.stringify(requested.body)}`);
  }
  if (requested.body.status === 'APPROVED') return requested.body;
  const approved = await adminApi<SubscriptionResponse>('POST', `/admin/subscriptions/${requested.body.id}/approve`, {
    token: await adminSession(),
    body: {},
  });
  if (approved.status !== 200 || approved.body.status !== 'APPROVED') {
    throw new Error(`approval failed: ${approved.status} ${JSON.stringify(approved.body)}`);
  }
  return approved.body;
}

export interface SubscribedKey {
  tenant: TenantOwner;
  /** The `gh_live_` secret, as the key's owner copied it once. */
  apiKey: string;
  keyId: string;
  subscription: SubscriptionResponse;
}

/** A fresh tenant with one key and one approved subscription (demo-free by default), all through the admin API. */
export async function subscribedKey(
  label: string,
  plan: { product?: string; plan?: string } = {},
): Promise<SubscribedKey> {
  const tenant = await signUpTenantOwner(label);
  const key = await createApiKey(tenant, `${label} key`);
  const subscription = await subscribe(tenant, plan);
  return { tenant, apiKey: key.secret, keyId: key.id, subscription };
}

/** Puts the tenant's own policy document in force (through the tenant owner's route), with `spec` as its rules. */
export async function putTenantPolicy(owner: SubscribedKey, spec: string, message = 'e2e'): Promise<void> {
  const { tenantId, token } = owner.tenant;
  const saved = await adminApi<PolicyVersionRefResponse>('PUT', `/tenants/${tenantId}/policy`, {
    token,
    body: {
      yaml: `apiVersion: gatehouse/v1\nkind: Policy\nmetadata:\n  name: "tenant:${tenantId}"\nspec:\n${spec}`,
      message,
    },
  });
  if (saved.status !== 200) throw new Error(`policy not saved: ${saved.status} ${JSON.stringify(saved.body)}`);
}

/** A call as the call log shows it to its tenant (usage, endpoint, bodies), once the worker has recorded it. */
export function recordedCall(owner: SubscribedKey, requestId: string): Promise<CallLogDetailResponse> {
  return eventually(
    async () => {
      const { tenantId, token } = owner.tenant;
      const answer = await adminApi<CallLogDetailResponse>('GET', `/tenants/${tenantId}/logs/${requestId}`, { token });
      if (answer.status !== 200) throw new Error(`call ${requestId} is not in the log yet (${answer.status})`);
      return answer.body;
    },
    { timeoutMs: 20_000, intervalMs: 250 },
  );
}

/**
 * Retries `check` until it stops throwing, for what becomes true asynchronously (an invalidation reaching a
 * gateway, a usage event reaching its queue). Throws the last failure once `timeoutMs` has passed.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  { timeoutMs = 5_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
