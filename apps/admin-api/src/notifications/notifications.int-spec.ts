import { type NotificationResponse } from '@gatehouse/contracts';
import { verifyWebhookSignature } from '@gatehouse/domain';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { AdminApiHarness, type TestUser } from '../../test/admin-api-harness';
import { SubscriptionExpirySweeper } from '../subscriptions/subscription-expiry.sweeper';

/** The value, or a test failure naming what was missing. */
function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}

type ErrorBody = { statusCode: number; code: string };
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function waitFor<T>(
  probe: () => Promise<T | null | undefined> | T | null | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('notifications and webhooks', () => {
  let api: AdminApiHarness;
  let admin: { id: string; token: string };
  let proPlanId: string;
  let productId: string;
  let server: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  /** What the receiver answers next. */
  let answer = 204;

  beforeAll(async () => {
    api = await AdminApiHarness.start('notifications', { WEBHOOK_ALLOW_LOOPBACK: 'true' });
    admin = await api.admin();
    const product = await api.db.product.findUniqueOrThrow({ where: { slug: 'demo' }, include: { plans: true } });
    productId = product.id;
    proPlanId = must(product.plans.find((plan) => plan.name === 'demo-pro')).id;
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = answer;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/gatehouse`;
  });

  afterAll(async () => {
    await api.close();
    await new Promise((resolve) => server.close(resolve));
  });

  async function pendingPro(owner: TestUser): Promise<string> {
    const created = await api.request<{ id: string }>('POST', `/tenants/${owner.tenantId}/subscriptions`, {
      token: owner.token,
      body: { productId, planId: proPlanId },
    });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  it('tells every member in the app when a request is decided, and lets them mark it read', async () => {
    const owner = await api.tenantUser('OWNER');
    const viewer = await api.tenantUser('VIEWER', owner.tenantId);
    const id = await pendingPro(owner);
    await api.request('POST', `/admin/subscriptions/${id}/reject`, {
      token: admin.token,
      body: { reason: 'Not now.' },
    });

    const list = await api.request<{ items: NotificationResponse[]; nextCursor: string | null }>(
      'GET',
      `/tenants/${owner.tenantId}/notifications`,
      { token: viewer.token },
    );
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items).toHaveLength(1);
    const [notification] = list.body.items;
    expect(notification).toMatchObject({
      kind: 'subscription.rejected',
      title: expect.stringContaining('rejected'),
      body: expect.stringContaining('Not now.'),
      data: { subscriptionId: id, status: 'REJECTED' },
      readAt: null,
    });

    const read = await api.request<NotificationResponse>(
      'POST',
      `/tenants/${owner.tenantId}/notifications/${must(notification).id}/read`,
      { token: viewer.token },
    );
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const unread = await api.request<{ items: NotificationResponse[] }>(
      'GET',
      `/tenants/${owner.tenantId}/notifications?unread=true`,
      { token: owner.token },
    );
    expect(unread.body.items).toEqual([]);

    const stranger = await api.tenantUser('OWNER');
    const foreign = await api.request<ErrorBody>(
      'POST',
      `/tenants/${stranger.tenantId}/notifications/${must(notification).id}/read`,
      { token: stranger.token },
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('notification_not_found');
  });

  it('posts a signed webhook on approval without making the approval wait, and records the delivery', async () => {
    const owner = await api.tenantUser('OWNER');
    const member = await api.tenantUser('MEMBER', owner.tenantId);
    const refused = await api.request<ErrorBody>('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: member.token,
      body: { url: receiverUrl, secret: 'whsec_0123456789abcdef' },
    });
    expect(refused.status).toBe(403);
    const secret = 'whsec_0123456789abcdef';
    const saved = await api.request<{ url: string; secret?: string }>('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
      body: { url: receiverUrl, secret },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ url: receiverUrl, updatedAt: expect.any(String) });
    // The secret is stored encrypted, never in the clear.
    const rule = await api.db.alertRule.findFirstOrThrow({
      where: { tenantId: owner.tenantId },
      omit: { webhookSecretCiphertext: false },
    });
    expect(Buffer.from(must(rule.webhookSecretCiphertext)).toString('utf8')).not.toContain(secret);

    const id = await pendingPro(owner);
    received.length = 0;
    answer = 204;
    const approved = await api.request('POST', `/admin/subscriptions/${id}/approve`, { token: admin.token, body: {} });
    expect(approved.status).toBe(200);

    const delivery = await waitFor(() => received.find((request) => request.body.includes(id)));
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-gatehouse-event']).toBe('subscription.approved');
    const signature = delivery.headers['x-gatehouse-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, delivery.body, signature)).toBe(true);
    expect(verifyWebhookSignature('another-secret-123', delivery.body, signature)).toBe(false);
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: 'subscription.approved',
      tenantId: owner.tenantId,
      data: { subscriptionId: id, status: 'APPROVED' },
    });

    const row = await waitFor(() =>
      api.db.webhookDelivery.findFirst({ where: { tenantId: owner.tenantId, status: { not: 'PENDING' } } }),
    );
    expect(row).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 204, url: receiverUrl });
    expect(row.deliveredAt).not.toBeNull();
  });

  it('keeps a failed delivery for a retry by the sweep, and generates a secret when none is given', async () => {
    const owner = await api.tenantUser('OWNER');
    const saved = await api.request<{ url: string; secret?: string }>('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
      body: { url: receiverUrl },
    });
    expect(saved.body.secret).toMatch(/^whsec_/);
    const current = await api.request<{ url: string; secret?: string }>('GET', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
    });
    expect(current.body).toEqual({ url: receiverUrl, updatedAt: expect.any(String) });

    const id = await pendingPro(owner);
    answer = 500;
    await api.request('POST', `/admin/subscriptions/${id}/approve`, { token: admin.token, body: {} });
    const failed = await waitFor(() =>
      api.db.webhookDelivery.findFirst({ where: { tenantId: owner.tenantId, attempts: { gte: 1 } } }),
    );
    expect(failed).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 500 });
    expect(must(failed.nextAttemptAt).getTime()).toBeGreaterThan(Date.now());

    // The retry is due: the sweep sends it again, signed with the generated secret.
    answer = 200;
    received.length = 0;
    await api.db.webhookDelivery.update({
      where: { id: failed.id },
      data: { nextAttemptAt: new Date(Date.now() - 1) },
    });
    const result = await api.app.get(SubscriptionExpirySweeper).runOnce();
    expect(result.webhookAttempts).toBeGreaterThanOrEqual(1);
    const retried = await api.db.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } });
    expect(retried).toMatchObject({ status: 'DELIVERED', attempts: 2, lastStatusCode: 200 });
    const request = received.find((candidate) => candidate.body.includes(id));
    expect(
      verifyWebhookSignature(
        must(saved.body.secret),
        must(request).body,
        must(request).headers['x-gatehouse-signature'] as string,
      ),
    ).toBe(true);
  });

  it('turns the webhook off (owners only, audited): nothing more is posted to it', async () => {
    const owner = await api.tenantUser('OWNER');
    const member = await api.tenantUser('MEMBER', owner.tenantId);
    const path = `/tenants/${owner.tenantId}/webhook`;
    expect((await api.request('DELETE', path, { token: owner.token })).status).toBe(404);
    await api.request('PUT', path, { token: owner.token, body: { url: receiverUrl } });
    expect((await api.request('DELETE', path, { token: member.token })).status).toBe(403);

    const removed = await api.request('DELETE', path, { token: owner.token });
    expect(removed.status).toBe(204);
    expect((await api.request<ErrorBody>('GET', path, { token: owner.token })).body).toMatchObject({
      code: 'webhook_not_found',
    });
    const audit = await api.db.auditEvent.findFirstOrThrow({
      where: { action: 'webhook.delete', tenantId: owner.tenantId },
    });
    expect(audit).toMatchObject({ before: { webhookUrl: receiverUrl }, after: { webhookUrl: null } });

    const id = await pendingPro(owner);
    await api.request('POST', `/admin/subscriptions/${id}/approve`, { token: admin.token, body: {} });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await api.db.webhookDelivery.count({ where: { tenantId: owner.tenantId } })).toBe(0);
    expect((await api.request('DELETE', path, { token: owner.token })).status).toBe(404);
  });

  it('refuses a webhook URL that is not http(s)', async () => {
    const owner = await api.tenantUser('OWNER');
    const response = await api.request<ErrorBody>('PUT', `/tenants/${owner.tenantId}/webhook`, {
      token: owner.token,
      body: { url: 'file:///etc/passwd' },
    });
    expect(response.status).toBe(400);
  });
});
