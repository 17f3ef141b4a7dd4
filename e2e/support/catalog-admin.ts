import {
  type AdminProductResponse,
  type ModelPriceInput,
  type ModelTargetInput,
  type PlanResponse,
  type ProviderListResponse,
  type ProviderResponse,
} from '@gatehouse/contracts';
import { adminApi, uniqueSuffix } from './admin-api-client';

/** The seeded provider that routes to the stack's mock-provider. */
export const MOCK_PROVIDER_NAME = 'mock';

async function expectStatus<Body>(
  call: Promise<{ status: number; body: Body }>,
  status: number,
  what: string,
): Promise<Body> {
  const response = await call;
  if (response.status !== status)
    throw new Error(`${what} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** The id of the seeded `mock` provider, read through the admin API. */
export async function mockProviderId(adminToken: string): Promise<string> {
  const providers = await expectStatus(
    adminApi<ProviderListResponse>('GET', '/admin/providers?limit=200', { token: adminToken }),
    200,
    'provider list',
  );
  const mock = providers.items.find((provider) => provider.name === MOCK_PROVIDER_NAME);
  if (!mock) throw new Error('the seeded mock provider is missing');
  return mock.id;
}

/**
 * A provider at `baseUrl` (loopback http is allowed), OpenAI-compatible unless `type` says otherwise, under a unique
 * name; marked internal, since the tests' upstreams listen on loopback, which a provider that is not internal may
 * not reach.
 */
export function createProvider(
  adminToken: string,
  label: string,
  baseUrl: string,
  type: 'openai-compatible' | 'anthropic' = 'openai-compatible',
): Promise<ProviderResponse> {
  return expectStatus(
    adminApi<ProviderResponse>('POST', '/admin/providers', {
      token: adminToken,
      body: { name: `e2e-${label}-${uniqueSuffix()}`, type, baseUrl, internal: true },
    }),
    201,
    'provider creation',
  );
}

/** What a test's model costs unless it says otherwise: cheap, like a small hosted model. */
const DEFAULT_MODEL_PRICE: ModelPriceInput = { inputPer1M: '0.1', outputPer1M: '0.2' };

export interface LlmProductSpec {
  /** Part of the slug; a unique suffix is added. */
  label: string;
  /** Public model aliases (made unique by the caller), their targets and price (DEFAULT_MODEL_PRICE if absent). */
  models: { name: string; targets: Partial<ModelTargetInput>[]; price?: ModelPriceInput }[];
}

export interface PublishedProduct {
  product: AdminProductResponse;
  /** An auto-approved plan without limits, so that a tenant can subscribe without an admin. */
  plan: PlanResponse;
}

/** A published LLM product with an auto-approved plan, built as an admin would: draft, models, plan, publish. */
export async function createPublishedLlmProduct(adminToken: string, spec: LlmProductSpec): Promise<PublishedProduct> {
  const slug = `e2e-${spec.label}-${uniqueSuffix()}`;
  const draft = await expectStatus(
    adminApi<AdminProductResponse>('POST', '/admin/products', {
      token: adminToken,
      body: { slug, name: `E2E ${spec.label}`, kind: 'LLM' },
    }),
    201,
    'product creation',
  );
  for (const model of spec.models) {
    await expectStatus(
      adminApi('POST', `/admin/products/${draft.id}/models`, {
        token: adminToken,
        body: { name: model.name, targets: model.targets, price: model.price ?? DEFAULT_MODEL_PRICE },
      }),
      201,
      `model ${model.name} creation`,
    );
  }
  const plan = await expectStatus(
    adminApi<PlanResponse>('POST', '/admin/plans', {
      token: adminToken,
      body: { productId: draft.id, name: 'e2e-open', autoApprove: true },
    }),
    201,
    'plan creation',
  );
  const product = await expectStatus(
    adminApi<AdminProductResponse>('POST', `/admin/products/${draft.id}/publish`, { token: adminToken }),
    200,
    'publication',
  );
  return { product, plan };
}
