import {
  type AuditEventResponse,
  type AuditVerifyResult,
  type PolicyActivityResponse,
  type PolicyVersionRefResponse,
} from '@gatehouse/contracts';
import { adminApi } from '../support/admin-api-client';
import { adminSession, eventually, gatewayClient, statusOf, subscribedKey } from '../support/gateway';
import { stackUrls } from '../support/stack';

/** A policy change is in force at every gateway instance within one second. */
const IN_FORCE_WITHIN_MS = 1_000;
/** How long to keep polling before calling it a failure: past the bound, so the report says by how much. */
const GIVE_UP_AFTER_MS = 5_000;
const POLL_INTERVAL_MS = 20;

const gateways = [
  ['gateway 1', stackUrls.gateway],
  ['gateway 2', stackUrls.secondGateway],
] as const;

function tenantDocument(tenantId: string, spec: string): string {
  return `apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: "tenant:${tenantId}"
  description: e2e acceptance of policies as code
spec:
${spec}`;
}

/** One embedding call of `apiKey` on a gateway: its status. */
function embed(apiKey: string, gatewayUrl: string): Promise<number> {
  return statusOf(gatewayClient(apiKey, gatewayUrl).embeddings.create({ model: 'demo-embed', input: 'policy' }));
}

/**
 * Polls one gateway until the key's embedding call answers `wanted`; resolves to the milliseconds from `since` to
 * that answer's arrival (Infinity after GIVE_UP_AFTER_MS). Any answer other than 200 and 403 fails at once.
 */
async function msUntil(apiKey: string, gatewayUrl: string, wanted: number, since: number): Promise<number> {
  while (Date.now() - since < GIVE_UP_AFTER_MS) {
    const status = await embed(apiKey, gatewayUrl);
    if (status === wanted) return Date.now() - since;
    if (status !== 200 && status !== 403) throw new Error(`expected 200 or 403, got ${status}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return Number.POSITIVE_INFINITY;
}

/** Starts the clock once `change` has answered (committed), then polls every gateway at once. */
async function expectOnEveryGateway(apiKey: string, wanted: number, change: () => Promise<void>): Promise<void> {
  await change();
  const changedAt = Date.now();
  const elapsed = await Promise.all(gateways.map(([, url]) => msUntil(apiKey, url, wanted, changedAt)));
  const late = gateways
    .map(([name], index) => [name, elapsed[index] ?? Number.POSITIVE_INFINITY] as const)
    .filter(([, ms]) => ms > IN_FORCE_WITHIN_MS);
  expect(late).toEqual([]);
}

describe('a policy document is in force on every gateway within one second, and so is its rollback', () => {
  beforeAll(async () => {
    for (const [name, url] of gateways) {
      const health = await fetch(`${url}/healthz`);
      if (health.status !== 200) throw new Error(`${name} at ${url} is not healthy (${health.status})`);
    }
  });

  it("denies one tenant's embeddings on both gateways, leaves other tenants alone, rolls back, and audits both", async () => {
    // demo-pro (admin-approved, higher limits): the polling must not run into demo-free's requests per minute.
    const governed = await subscribedKey('policy-governed', { plan: 'demo-pro' });
    const bystander = await subscribedKey('policy-bystander', { plan: 'demo-pro' });
    const adminToken = await adminSession();
    const name = `tenant:${governed.tenant.tenantId}`;
    const publish = async (yaml: string, message: string) => {
      const saved = await adminApi<PolicyVersionRefResponse>('PUT', `/admin/policies/${name}`, {
        token: adminToken,
        body: { yaml, message },
      });
      expect(saved.status).toBe(200);
      return saved.body.version;
    };

    // Version 1 allows everything; both gateways have both keys warm.
    const open = await publish(tenantDocument(governed.tenant.tenantId, '  {}\n'), 'Nothing denied');
    for (const [, url] of gateways) {
      for (const { apiKey } of [governed, bystander]) expect(await embed(apiKey, url)).toBe(200);
    }

    const deny = tenantDocument(governed.tenant.tenantId, '  access:\n    denyModels: { models: [demo-embed] }\n');
    await expectOnEveryGateway(governed.apiKey, 403, async () => {
      expect(await publish(deny, 'No embeddings')).toBe(open + 1);
    });
    for (const [, url] of gateways) {
      const refused = await fetch(`${url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${governed.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo-embed', input: 'policy' }),
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('x-gatehouse-policy')).toBe('access.denyModels=block');
      expect(await refused.json()).toEqual({
        error: {
          type: 'permission_error',
          code: 'policy_access_denied',
          param: null,
          message: `Refused by policy '${name}' (access.denyModels): the model 'demo-embed' may not be called.`,
        },
      });
      // Its chat calls and the other tenant's embeddings go on.
      const chat = gatewayClient(governed.apiKey, url).chat.completions.create({
        model: 'demo-chat',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(await statusOf(chat)).toBe(200);
      expect(await embed(bystander.apiKey, url)).toBe(200);
    }

    await expectOnEveryGateway(governed.apiKey, 200, async () => {
      const back = await adminApi<PolicyVersionRefResponse>('POST', `/admin/policies/${name}/rollback`, {
        token: adminToken,
        body: { version: open },
      });
      expect(back.status).toBe(200);
      expect(back.body).toEqual({ name, version: open + 2 });
    });

    const audit = await adminApi<{ items: AuditEventResponse[] }>(
      'GET',
      `/admin/audit?tenantId=${governed.tenant.tenantId}&limit=100`,
      { token: adminToken },
    );
    expect(audit.status).toBe(200);
    const changes = audit.body.items
      .filter((event) => event.targetType === 'policy')
      .map((event) => [event.action, (event.after as { activeVersion?: number } | null)?.activeVersion]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['policy.publish', open + 1],
        ['policy.rollback', open + 2],
      ]),
    );
    const verify = await adminApi<AuditVerifyResult>('GET', '/admin/audit/verify', { token: adminToken });
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
  });

  it('a deny rule in monitor mode admits every call, says so on the answer, and the policy report counts them', async () => {
    const { tenant, apiKey } = await subscribedKey('policy-monitored', { plan: 'demo-pro' });
    const name = `tenant:${tenant.tenantId}`;
    const since = new Date(Date.now() - 1_000).toISOString();
    const saved = await adminApi<PolicyVersionRefResponse>('PUT', `/tenants/${tenant.tenantId}/policy`, {
      token: tenant.token,
      body: {
        yaml: tenantDocument(tenant.tenantId, '  access:\n    denyModels: { models: [demo-embed], mode: monitor }\n'),
        message: 'Watch embeddings before denying them',
      },
    });
    expect(saved.status).toBe(200);

    const calls = 3;
    for (const [, url] of gateways) {
      for (let i = 0; i < calls; i++) {
        const answer = await fetch(`${url}/v1/embeddings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'demo-embed', input: 'monitored' }),
        });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('x-gatehouse-policy')).toBe('access.denyModels=monitor');
      }
    }
    // The worker ingests the usage events; the tenant's own report then counts every monitored call.
    const report = await eventually(
      async () => {
        const activity = await adminApi<PolicyActivityResponse>(
          'GET',
          `/tenants/${tenant.tenantId}/policy/activity?from=${since}`,
          { token: tenant.token },
        );
        expect(activity.status).toBe(200);
        expect(activity.body.items).toEqual([
          {
            tenantId: tenant.tenantId,
            policy: name,
            rule: 'access.denyModels',
            detail: null,
            decision: 'monitor',
            count: 2 * calls,
          },
        ]);
        return activity.body;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(report.items).toHaveLength(1);
  });
});
