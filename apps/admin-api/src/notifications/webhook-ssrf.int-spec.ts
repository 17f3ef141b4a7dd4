import { asTenantId } from '@gatehouse/contracts';
import { WebhookRepository } from '@gatehouse/db';
import { type HostResolver, systemResolver } from '@gatehouse/egress';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Made-up names (no DNS is asked for them); anything else goes to the system's resolver (`localhost`). */
const resolver: HostResolver = async (hostname) => {
  if (hostname === 'rebind.example.test') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'public.example.test') return [{ address: '93.184.216.34', family: 4 }];
  return systemResolver(hostname);
};

describe('webhook URLs and the outbound address guard (loopback not allowed)', () => {
  let api: AdminApiHarness;
  let server: Server;
  let port: number;
  let received = 0;

  beforeAll(async () => {
    api = await AdminApiHarness.start('webhook-ssrf', {}, { resolver });
    server = createServer((request, response) => {
      received += 1;
      response.statusCode = 204;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await api.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const forbidden = () => [
    `http://127.0.0.1:${port}/`,
    'http://127.0.0.1:5432/',
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://localhost:${port}/hooks`,
    `http://rebind.example.test:${port}/hooks`,
    'http://10.0.0.1/hooks',
    'http://[fd00:ec2::254]/latest',
  ];

  it('refuses every loopback, private, link-local, metadata and mapped URL at save time, naming the field', async () => {
    const owner = await api.tenantUser('OWNER');
    for (const url of forbidden()) {
      const response = await api.request<{ code: string; details: { field: string; reason: string }[] }>(
        'PUT',
        `/tenants/${owner.tenantId}/webhook`,
        { token: owner.token, body: { url } },
      );
      expect({ url, status: response.status, code: response.body.code }).toEqual({
        url,
        status: 400,
        code: 'invalid_webhook_url',
      });
      expect(response.body.details).toEqual([{ field: 'url', reason: expect.stringMatching(/^must not point at/) }]);
    }
    expect(await api.db.alertRule.count({ where: { tenantId: owner.tenantId, webhookUrl: { not: null } } })).toBe(0);

    const accepted = await api.request('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
      body: { url: 'https://public.example.test/hooks' },
    });
    expect(accepted.status).toBe(200);
  });

  it('refuses such an address at delivery time, for good, and the local receiver gets no request', async () => {
    const owner: TestUser = await api.tenantUser('OWNER');
    const saved = await api.request('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
      body: { url: 'https://public.example.test/hooks' },
    });
    expect(saved.status).toBe(200);
    const rule = await api.db.alertRule.findFirstOrThrow({ where: { tenantId: owner.tenantId } });
    const webhooks = new WebhookRepository(api.db);
    const sender = api.app.get(WebhookDeliveryService);
    received = 0;
    // Rows written as if the save check had been passed (an older row, or a name that resolved elsewhere then).
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://localhost:${port}/`,
      `http://rebind.example.test:${port}/`,
    ]) {
      const delivery = await webhooks.createDelivery(asTenantId(owner.tenantId), {
        alertRuleId: rule.id,
        url,
        event: 'subscription.approved',
        payload: { test: url },
        nextAttemptAt: new Date(Date.now() - 1),
      });
      expect(await sender.attempt(delivery.id)).toBe('FAILED');
      const row = await api.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
      expect(row).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: null, nextAttemptAt: null });
      expect(row.lastError).toMatch(/^the receiver is refused: .*a loopback address$/);
    }
    expect(received).toBe(0);
  });
});
