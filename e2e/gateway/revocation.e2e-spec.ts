import { type OpenAI } from 'openai';
import { adminApi } from '../support/admin-api-client';
import { adminSession, chatRequest, gatewayClient, statusOf, subscribedKey } from '../support/gateway';
import { stackUrls } from '../support/stack';

/** Revoking a key or a subscription stops every key that used it within one second. */
const STOP_WITHIN_MS = 1_000;
/** How long to keep polling before calling it a failure: past the bound, so the report says by how much. */
const GIVE_UP_AFTER_MS = 5_000;
const POLL_INTERVAL_MS = 20;

const gateways = [
  ['gateway 1', stackUrls.gateway],
  ['gateway 2', stackUrls.secondGateway],
] as const;

/**
 * Calls the model on one gateway until it is refused with `refusedWith`; resolves to the milliseconds from
 * `since` to the refusal's arrival (or to Infinity after GIVE_UP_AFTER_MS). Any other answer than 200 or the
 * expected refusal fails at once.
 */
async function msUntilRefused(openai: OpenAI, refusedWith: number, since: number): Promise<number> {
  while (Date.now() - since < GIVE_UP_AFTER_MS) {
    const status = await statusOf(openai.chat.completions.create(chatRequest('demo-chat')));
    if (status === refusedWith) return Date.now() - since;
    if (status !== 200) throw new Error(`expected 200 or ${refusedWith}, got ${status}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Both gateways have the key cached (a successful call each); `revoke` runs; then both are polled at once. The
 * clock starts when the admin API has answered the revocation (it is committed then).
 */
async function expectStoppedOnEveryGateway(apiKey: string, refusedWith: number, revoke: () => Promise<void>) {
  const clients = gateways.map(([, url]) => gatewayClient(apiKey, url));
  for (const openai of clients) {
    await expect(statusOf(openai.chat.completions.create(chatRequest('demo-chat')))).resolves.toBe(200);
  }

  await revoke();
  const revokedAt = Date.now();
  const elapsed = await Promise.all(clients.map((openai) => msUntilRefused(openai, refusedWith, revokedAt)));

  // Named, so that a failure says which instance was late and by how much.
  const late = gateways
    .map(([name], index) => [name, elapsed[index] ?? Number.POSITIVE_INFINITY] as const)
    .filter(([, ms]) => ms > STOP_WITHIN_MS);
  expect(late).toEqual([]);
  // And it stays stopped.
  for (const openai of clients) {
    await expect(statusOf(openai.chat.completions.create(chatRequest('demo-chat')))).resolves.toBe(refusedWith);
  }
}

describe('revocation reaches every gateway instance within one second', () => {
  beforeAll(async () => {
    // Both instances must be up; global setup waits for them, this says which one is missing if not.
    for (const [name, url] of gateways) {
      const health = await fetch(`${url}/healthz`);
      if (health.status !== 200) throw new Error(`${name} at ${url} is not healthy (${health.status})`);
    }
  });

  // demo-pro (admin-approved, higher limits): the polling must not run into demo-free's requests per minute.
  it('a revoked key is refused (401) by both gateways', async () => {
    const { tenant, apiKey, keyId } = await subscribedKey('revoke-key', { plan: 'demo-pro' });

    await expectStoppedOnEveryGateway(apiKey, 401, async () => {
      const revoked = await adminApi('DELETE', `/tenants/${tenant.tenantId}/keys/${keyId}`, { token: tenant.token });
      expect(revoked.status).toBe(204);
    });
  });

  it('a revoked subscription stops its key (403) on both gateways', async () => {
    const { apiKey, subscription } = await subscribedKey('revoke-subscription', { plan: 'demo-pro' });
    const adminToken = await adminSession();

    await expectStoppedOnEveryGateway(apiKey, 403, async () => {
      const revoked = await adminApi<{ status: string }>('POST', `/admin/subscriptions/${subscription.id}/revoke`, {
        token: adminToken,
        body: { reason: 'e2e: revocation must reach every gateway' },
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body.status).toBe('REVOKED');
    });
  });
});
