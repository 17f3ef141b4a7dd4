import { type CallLogDetailResponse } from '@gatehouse/contracts';
import { APIError } from 'openai';
import { adminApi, SEED_ADMIN, uniqueSuffix } from '../support/admin-api-client';
import { saveScreenshot, signIn, useBrowser } from '../support/browser';
import { createPublishedLlmProduct, mockProviderId } from '../support/catalog-admin';
import {
  adminSession,
  chatRequest,
  eventually,
  gatewayClient,
  putTenantPolicy,
  subscribedKey,
  type SubscribedKey,
} from '../support/gateway';

/**
 * The log explorer: a tenant finds its call by request id and opens it; an admin lists every tenant's refusals by
 * their code. Calls reach the log through the worker, a moment after they end: the test waits on the API first.
 */
describe('the call log in a browser', () => {
  const browser = useBrowser();
  let subscribed: SubscribedKey;
  /** A published model of another product, which this tenant is not subscribed to. */
  let otherModel: string;

  beforeAll(async () => {
    otherModel = `e2e-logs-unsubscribed-${uniqueSuffix()}`;
    const adminToken = await adminSession();
    [subscribed] = await Promise.all([
      subscribedKey('logs'),
      createPublishedLlmProduct(adminToken, {
        label: 'logs-unsubscribed',
        models: [
          { name: otherModel, targets: [{ providerId: await mockProviderId(adminToken), upstreamModel: 'mock-chat' }] },
        ],
      }),
    ]);
  });

  /** The call as the log API shows it to the tenant, once the worker has recorded it. */
  function recorded(requestId: string): Promise<CallLogDetailResponse> {
    const { tenant } = subscribed;
    return eventually(
      async () => {
        const answer = await adminApi<CallLogDetailResponse>(
          'GET',
          `/tenants/${tenant.tenantId}/logs/${encodeURIComponent(requestId)}`,
          { token: tenant.token },
        );
        if (answer.status !== 200) throw new Error(`call ${requestId} is not in the log yet (${answer.status})`);
        return answer.body;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
  }

  it('a tenant finds a call by its request id and opens its detail', async () => {
    const { page } = browser;
    const { tenant } = subscribed;
    const { data: completion, response } = await gatewayClient(subscribed.apiKey)
      .chat.completions.create(chatRequest('demo-chat'))
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    if (requestId === null) throw new Error('the gateway sent no x-request-id');
    const call = await recorded(requestId);
    expect(call).toMatchObject({ model: 'demo-chat', status: 200, keyId: subscribed.keyId });
    expect(call.inputTokens).toBe(completion.usage?.prompt_tokens);
    expect(call.outputTokens).toBe(completion.usage?.completion_tokens);

    await signIn(page, tenant.email, tenant.password);
    await page.goto(`/t/${tenant.tenantId}/logs`);
    await page.getByRole('heading', { level: 1, name: 'Logs' }).waitFor();
    const search = page.getByRole('search', { name: 'Find a call by request id' });
    await search.getByLabel('Request ID').fill(requestId);
    await search.getByRole('button', { name: 'Find call' }).click();
    await page.waitForURL((url) => url.searchParams.get('requestId') === requestId);
    const calls = page.getByRole('region', { name: 'Calls, newest first' });
    const row = calls.getByRole('row').filter({ hasText: requestId });
    // The URL changes as the navigation commits, with the page's skeleton in place until the list streams in.
    await row.waitFor();
    expect(await calls.locator('tbody tr').count()).toBe(1);
    expect(await row.textContent()).toContain('demo-chat');
    expect(await row.textContent()).toContain('200');
    await saveScreenshot(page, 'logs/found-by-request-id');

    await row.getByRole('link', { name: requestId }).click();
    await page.waitForURL(`**/t/${tenant.tenantId}/logs/${requestId}`);
    await page.getByRole('heading', { level: 1, name: 'Call' }).waitFor();
    const request = page.getByRole('region', { name: 'Request' });
    const outcome = page.getByRole('region', { name: 'Outcome' });
    const requestText = await request.textContent();
    expect(requestText).toContain(requestId);
    expect(requestText).toContain('logs key');
    expect(requestText).toContain('chat.completions');
    expect(requestText).toContain('mock');
    expect(await outcome.textContent()).toContain('200');
    expect(await outcome.textContent()).toContain(String(call.outputTokens));
    await request.getByRole('button', { name: /Copy\s+request id/ }).waitFor();
    expect(await page.getByRole('region', { name: 'Bodies' }).textContent()).toContain(
      'Bodies are not stored for this call',
    );
    await saveScreenshot(page, 'logs/call-detail');
  });

  it("shows a call's stored bodies, redacted, once the tenant's policy stores them", async () => {
    const { page } = browser;
    const { tenant } = subscribed;
    const email = `logs-${uniqueSuffix()}@example.com`;
    await putTenantPolicy(subscribed, '  logging: { bodies: true }\n', 'store bodies');
    // The gateways pick a new document up within a second: until then a call is not stored.
    const requestId = await eventually(
      async () => {
        const { response } = await gatewayClient(subscribed.apiKey)
          .chat.completions.create({
            model: 'demo-chat',
            messages: [{ role: 'user', content: `echo: write to ${email}` }],
          })
          .withResponse();
        const id = response.headers.get('x-request-id') ?? '';
        if ((await recorded(id)).bodies === null) throw new Error('the call was recorded without its bodies');
        return id;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );

    await signIn(page, tenant.email, tenant.password);
    await page.goto(`/t/${tenant.tenantId}/logs/${requestId}`);
    const bodies = page.getByRole('region', { name: 'Bodies' });
    await bodies.getByText('[EMAIL_1]').first().waitFor();
    const text = (await bodies.textContent()) ?? '';
    expect(text).toContain('Request');
    expect(text).toContain('Response');
    expect(text).toContain('echo: write to [EMAIL_1]');
    expect(text).not.toContain(email);
    await saveScreenshot(page, 'logs/call-bodies');
  });

  it('an admin filters every tenant’s calls by a refusal code', async () => {
    const { tenant } = subscribed;
    let refusedId: string | null | undefined;
    try {
      await gatewayClient(subscribed.apiKey).chat.completions.create(chatRequest(otherModel));
      throw new Error('a model outside the subscription was answered');
    } catch (error) {
      if (!(error instanceof APIError)) throw error;
      expect(error.status).toBe(403);
      expect(error.code).toBe('model_not_allowed');
      refusedId = error.requestID;
    }
    if (!refusedId) throw new Error('the refusal carried no x-request-id');
    expect(await recorded(refusedId)).toMatchObject({ status: 403, errorCode: 'model_not_allowed' });

    const adminPage = await browser.newPage();
    await signIn(adminPage, SEED_ADMIN.email, SEED_ADMIN.password);
    await adminPage.goto('/admin/logs');
    await adminPage.getByRole('heading', { level: 1, name: 'Call log' }).waitFor();
    const filters = adminPage.getByRole('search', { name: 'Filter calls' });
    await filters.getByLabel('Error code').fill('model_not_allowed');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await adminPage.waitForURL((url) => url.searchParams.get('errorCode') === 'model_not_allowed');

    // The newest refusal is this one (the specs run one at a time), and every row listed is such a refusal.
    const calls = adminPage.getByRole('region', { name: 'Calls, newest first' });
    const rows = calls.locator('tbody tr');
    const row = rows.filter({ hasText: refusedId });
    await row.waitFor();
    expect(await row.textContent()).toContain(tenant.tenantId);
    // The refusal is also the newest call of the unfiltered list: wait until the filtered list has replaced it.
    const statuses = await eventually(
      async () => {
        const texts = await rows.evaluateAll((cells) => cells.map((cell) => cell.textContent ?? ''));
        if (texts.length === 0 || texts.some((text) => !/403\s*model_not_allowed/.test(text))) {
          throw new Error(`the list still shows other calls: ${texts.join(' | ')}`);
        }
        return texts;
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(statuses.length).toBeGreaterThan(0);
    for (const text of statuses) expect(text).toMatch(/403\s*model_not_allowed/);
    await saveScreenshot(adminPage, 'logs/admin-refusals');

    // Its request id opens the call in its tenant.
    await row.getByRole('link', { name: refusedId }).click();
    await adminPage.waitForURL(`**/t/${tenant.tenantId}/logs/${refusedId}`);
    expect(await adminPage.getByRole('region', { name: 'Outcome' }).textContent()).toContain('model_not_allowed');
  });
});
