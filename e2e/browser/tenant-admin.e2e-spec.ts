import { type SubscriptionResponse, type WebhookResponse } from '@gatehouse/contracts';
import { type Page } from 'playwright-core';
import { adminApi, SEED_ADMIN, signUpTenantOwner, type TenantOwner } from '../support/admin-api-client';
import { saveScreenshot, useBrowser, signIn } from '../support/browser';
import { catalogProduct, subscribedKey } from '../support/gateway';
import { stackUrls } from '../support/stack';

/** The status every e2e gateway answers a key with, as a client would see it. */
async function gatewayStatuses(apiKey: string): Promise<number[]> {
  return Promise.all(
    [stackUrls.gateway, stackUrls.secondGateway].map(async (gateway) => {
      const response = await fetch(`${gateway}/v1/models`, {
        headers: { authorization: `Bearer ${apiKey}` },
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

/** Polls until every gateway answers `status`, for at most `withinMs`; returns how long it took. */
async function untilGatewaysAnswer(apiKey: string, status: number, withinMs: number): Promise<number> {
  const started = Date.now();
  let last: number[] = [];
  while (Date.now() - started <= withinMs) {
    last = await gatewayStatuses(apiKey);
    if (last.every((answer) => answer === status)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the gateways answered ${last.join(', ')} instead of ${status} after ${withinMs} ms`);
}

/** The platform admin's controls of one tenant, the approval dialog's limits and a tenant's webhook, in a browser. */
describe('tenant administration in a browser', () => {
  const browser = useBrowser();

  it("sets a tenant's budget, suspends it (its keys get 403 within a second) and reactivates it", async () => {
    const { page } = browser;
    const { tenant, apiKey } = await subscribedKey('suspend');
    expect(await gatewayStatuses(apiKey)).toEqual([200, 200]);
    const tenantName = (await adminApi<{ name: string }>('GET', `/tenants/${tenant.tenantId}`, { token: tenant.token }))
      .body.name;

    await signIn(page, SEED_ADMIN.email, SEED_ADMIN.password);
    await page.goto(`/admin/tenants/${tenant.tenantId}`);
    await page.getByRole('heading', { level: 2, name: 'Budget and access' }).waitFor();

    // The tenant-wide budget, as the admin types it; a bad amount is refused at the field first.
    const budget = page.getByLabel('Tenant-wide monthly budget (USD)');
    await budget.fill('25.5.0');
    await page.getByRole('button', { name: 'Save budget' }).click();
    await page.getByText('Enter an amount in US dollars').waitFor();
    await budget.fill('25.50');
    const saved = page.waitForResponse((response) => response.url().endsWith(`/admin/tenants/${tenant.tenantId}`));
    await page.getByRole('button', { name: 'Save budget' }).click();
    expect((await saved).status()).toBe(200);
    const detail = await adminApi<{ monthlyBudgetUsd: string | null }>('GET', `/tenants/${tenant.tenantId}`, {
      token: tenant.token,
    });
    expect(detail.body.monthlyBudgetUsd).toBe('25.5');
    // The save refreshes the page: act once the refreshed page shows the budget (a dialog opened while the refresh
    // still streamed in was sometimes lost with the old page).
    await page.getByText('of $25.50').waitFor();

    await page.getByRole('button', { name: 'Suspend tenant' }).click();
    const confirm = page.getByRole('dialog', { name: /^Suspend / });
    const suspended = page.waitForResponse((response) => response.url().endsWith('/suspend'));
    await confirm.getByRole('button', { name: 'Suspend', exact: true }).click();
    expect((await suspended).status()).toBe(200);
    await untilGatewaysAnswer(apiKey, 403, 1_000);
    await page.getByRole('button', { name: 'Reactivate tenant' }).waitFor();
    await saveScreenshot(page, 'admin/tenant-suspended');

    // The owner still signs in, and every page of the workspace says it is suspended.
    const ownerPage = await browser.newPage();
    await signIn(ownerPage, tenant.email, tenant.password);
    await ownerPage.getByText('This workspace is suspended').waitFor();

    await page.getByRole('button', { name: 'Reactivate tenant' }).click();
    const reactivated = page.waitForResponse((response) => response.url().endsWith('/reactivate'));
    await page
      .getByRole('dialog', { name: /^Reactivate / })
      .getByRole('button', { name: 'Reactivate', exact: true })
      .click();
    expect((await reactivated).status()).toBe(200);
    await untilGatewaysAnswer(apiKey, 200, 1_000);
    await page.getByRole('button', { name: 'Suspend tenant' }).waitFor();

    // The audit log names who did it and to which tenant, with the raw ids on hover.
    await page.goto(`/admin/audit?tenantId=${tenant.tenantId}&action=tenant.suspend`);
    const event = page.getByRole('listitem').filter({ hasText: 'tenant.suspend' });
    await event.getByText(SEED_ADMIN.email).waitFor();
    const tenantLink = event.getByRole('link', { name: tenantName });
    expect(await tenantLink.getAttribute('title')).toBe(`Tenant ${tenant.tenantId}`);
  });

  it('approves a request with every limit set in the dialog, prefilled from the plan', async () => {
    const { page } = browser;
    const owner: TenantOwner = await signUpTenantOwner('approve-all');
    const demo = await catalogProduct(owner.token, 'demo');
    const pro = demo.plans.find((plan) => plan.name === 'demo-pro');
    if (!pro) throw new Error('the seeded demo-pro plan is missing');
    const requested = await adminApi<SubscriptionResponse>('POST', `/tenants/${owner.tenantId}/subscriptions`, {
      token: owner.token,
      body: { productId: demo.id, planId: pro.id, justification: 'Every limit, please' },
    });
    expect(requested.status).toBe(201);

    await signIn(page, SEED_ADMIN.email, SEED_ADMIN.password);
    await page.goto('/admin/approvals');
    const request = page.getByRole('article').filter({ hasText: 'Every limit, please' });
    await request.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog', { name: 'Approve this request' });

    // Prefilled from the plan: the plan's budget is in its field.
    const planBudget = pro.limits.monthlyBudgetUsd;
    expect(await dialog.getByLabel('Monthly budget (USD)').inputValue()).toBe(planBudget ?? '');

    const typed: Record<string, string> = {
      'Requests per minute': '120',
      'Request burst': '10',
      'Tokens per minute': '50,000',
      'Token burst': '0',
      'Concurrent requests': '4',
      'Daily tokens': '200000',
      'Monthly tokens': '3000000',
      'Monthly calls': '9000',
      'Monthly budget (USD)': '$42.50',
      'Allowed models': 'demo-chat',
    };
    // A mistake is shown at its own field, and nothing is sent.
    await dialog.getByLabel('Concurrent requests').fill('1.5');
    await dialog.getByRole('button', { name: 'Approve request' }).click();
    await dialog.getByText('Enter a whole number, without decimals.').waitFor();
    // The dialog takes the keyboard to the field to fix (a frame later); typing elsewhere before that would be lost.
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'concurrency');
    for (const [label, value] of Object.entries(typed)) await dialog.getByLabel(label, { exact: true }).fill(value);
    await saveScreenshot(page, 'admin/approve-every-limit');
    const approved = page.waitForResponse((response) => /\/admin\/subscriptions\/[^/]+\/approve$/.test(response.url()));
    await dialog.getByRole('button', { name: 'Approve request' }).click();
    expect((await approved).status()).toBe(200);

    const subscription = await adminApi<SubscriptionResponse>(
      'GET',
      `/tenants/${owner.tenantId}/subscriptions/${requested.body.id}`,
      { token: owner.token },
    );
    expect(subscription.body).toMatchObject({ status: 'APPROVED' });
    expect(subscription.body.limits).toEqual({
      rpm: 120,
      rpmBurst: 10,
      tpm: 50_000,
      tpmBurst: 0,
      concurrency: 4,
      dailyTokens: 200_000,
      monthlyTokens: 3_000_000,
      monthlyCalls: 9_000,
      // Overrides are kept as the admin typed them (the separators and the currency sign aside).
      monthlyBudgetUsd: '42.50',
      allowedModels: ['demo-chat'],
    });
  });

  it('lets a tenant owner set the webhook, shows the signing secret once, rotates it and turns it off', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('webhook');
    await signIn(page, owner.email, owner.password);
    await page.goto(`/t/${owner.tenantId}/notifications`);
    await page.getByRole('heading', { level: 2, name: 'Webhook' }).waitFor();

    const url = page.getByLabel('Webhook URL');
    await url.fill('not a url');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText(/Webhook URL must be an http\(s\) URL/).waitFor();

    // A receiver on this machine is refused (the stack does not allow loopback webhooks), at the field.
    await url.fill('http://127.0.0.1:18099/hooks/gatehouse');
    await page.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText(/loopback/).waitFor();

    await url.fill('https://hooks.example.com/gatehouse');
    const saved = page.waitForResponse((response) => response.url().endsWith('/webhook'));
    await page.getByRole('button', { name: 'Save webhook' }).click();
    const answer = await saved;
    expect(answer.status()).toBe(200);
    const first = ((await answer.json()) as WebhookResponse).secret;
    expect(first).toEqual(expect.any(String));
    await page.getByText(first as string).waitFor();

    const stored = await adminApi<WebhookResponse>('GET', `/tenants/${owner.tenantId}/webhook`, { token: owner.token });
    expect(stored.body.url).toBe('https://hooks.example.com/gatehouse');
    expect(stored.body.secret).toBeUndefined();

    // The toast sits over the form's button row, and under the pointer it stays: move away and let it close.
    await toastClosed(page, 'Webhook saved');
    const rotated = page.waitForResponse((response) => response.url().endsWith('/webhook'));
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const second = ((await (await rotated).json()) as WebhookResponse).secret;
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
    await page.getByText(second as string).waitFor();

    await toastClosed(page, 'Webhook secret rotated');
    await page.getByRole('button', { name: 'Turn off' }).click();
    const removed = page.waitForResponse((response) => response.url().endsWith('/webhook'));
    await page
      .getByRole('dialog', { name: 'Turn the webhook off?' })
      .getByRole('button', { name: 'Turn off', exact: true })
      .click();
    expect((await removed).status()).toBe(204);
    await page.getByRole('button', { name: 'Rotate secret' }).waitFor({ state: 'detached' });
    expect((await adminApi('GET', `/tenants/${owner.tenantId}/webhook`, { token: owner.token })).status).toBe(404);
  });
});

/** Moves the pointer off a toast (hovering keeps it open) and waits until it has closed. */
async function toastClosed(page: Page, text: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.getByText(text, { exact: true }).waitFor({ state: 'hidden' });
}
