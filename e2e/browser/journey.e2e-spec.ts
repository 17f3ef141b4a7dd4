import { type MeResponse } from '@gatehouse/contracts';
import { type Page } from 'playwright-core';
import { adminApi, SEED_ADMIN, signUpTenantOwner, uniqueSuffix } from '../support/admin-api-client';
import { fetchInPage, saveScreenshot, useBrowser, signIn } from '../support/browser';
import { eventually, gatewayClient } from '../support/gateway';
import { stackUrls } from '../support/stack';

interface UsageSummary {
  totals: { requests: number; costUsd: number };
}

/** As the portal shows money (apps/portal/src/lib/format.ts): 4 decimals under a dollar. */
function usd(amount: number): string {
  const digits = amount !== 0 && Math.abs(amount) < 1 ? 4 : 2;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: digits,
  }).format(amount);
}

/** The value of a headline number (libs/ui StatCard: a `dt` label and its `dd` value). */
async function statValue(page: Page, label: string): Promise<string> {
  const card = page.locator('dl').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) });
  return ((await card.locator('dd').first().textContent()) ?? '').trim();
}

/** Waits for the page's own heading, so that a screenshot shows the page rather than its loading skeleton. */
async function pageHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/**
 * The portal's journey in a real browser, as the product promises it: a new user signs up and is told what to do
 * next, creates a key and copies it, requests `demo-pro`; an admin approves it with a lower budget; the tenant sees
 * it approved; a call with the key (made by the test, as the tenant's code would) shows up on the tenant's overview
 * and usage explorer and on the admin's cost dashboard. Screenshots of the main pages are kept.
 */
describe('the portal journey in a browser', () => {
  const browser = useBrowser();

  it('signs up, creates a key, requests demo-pro, gets it approved with a lower budget, and sees a call priced', async () => {
    const { page, context } = browser;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stackUrls.portal });
    const suffix = uniqueSuffix();
    const tenantName = `Journey ${suffix}`;

    // A new user signs up and lands on an empty overview that says what to do next.
    await page.goto('/signup');
    await page.getByLabel('Your name').fill('Journey Owner');
    await page.getByLabel('Work email').fill(`journey-${suffix}@example.com`);
    await page.getByLabel('Password').fill(`correct horse battery ${suffix}`);
    await page.getByLabel('Organisation').fill(tenantName);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/t/'));
    const me = await fetchInPage<MeResponse>(page, 'GET', '/auth/me');
    const tenantId = me.body.user.memberships[0]?.tenantId ?? '';
    expect(tenantId).not.toBe('');
    await page.getByRole('heading', { name: 'Get started with Gatehouse' }).waitFor();
    expect(await page.getByText('0 of 3 done').isVisible()).toBe(true);
    await saveScreenshot(page, 'journey/overview-new-tenant');

    // Creates a key and copies it: the secret is shown once, and the copy button puts it on the clipboard.
    await page.goto(`/t/${tenantId}/keys`);
    await pageHeading(page, 'API keys');
    await page.getByRole('button', { name: 'Create key' }).first().click();
    const createDialog = page.getByRole('dialog', { name: 'Create an API key' });
    await createDialog.getByLabel('Name').fill('journey key');
    await createDialog.getByRole('button', { name: 'Create key' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Copy your new API key' });
    await secretDialog.getByRole('button', { name: 'Copy secret key' }).click();
    const secret = await page.evaluate(() => navigator.clipboard.readText());
    expect(secret).toMatch(/^gh_live_/);
    await saveScreenshot(page, 'journey/keys-secret-once');
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    await page
      .getByRole('cell', { name: /journey key/ })
      .first()
      .waitFor();
    await saveScreenshot(page, 'journey/keys');

    // Requests demo-pro from the catalog, with a justification.
    await page.goto(`/t/${tenantId}/catalog`);
    await page.getByRole('button', { name: /Request demo-pro/ }).click();
    const requestDialog = page.getByRole('dialog', { name: /Request access to/ });
    await requestDialog
      .getByLabel(/Why does your team need it/)
      .fill('Our assistant needs the higher limits for the launch.');
    const requested = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' && response.url().endsWith(`/tenants/${tenantId}/subscriptions`),
    );
    await requestDialog
      .getByRole('button', { name: /request|send/i })
      .last()
      .click();
    expect((await requested).status()).toBe(201);
    await page
      .getByText(/pending|waiting for approval/i)
      .first()
      .waitFor();
    await saveScreenshot(page, 'journey/catalog-requested');

    // An admin signs in (another browser context), sees the request in the queue and approves it with a lower budget.
    const adminPage = await browser.newPage();
    await signIn(adminPage, SEED_ADMIN.email, SEED_ADMIN.password);
    await adminPage.goto('/admin/approvals');
    const request = adminPage.getByRole('article').filter({ hasText: tenantName });
    await request.waitFor();
    expect(await request.textContent()).toContain('Our assistant needs the higher limits');
    await saveScreenshot(adminPage, 'journey/admin-approval-queue');
    await request.getByRole('button', { name: 'Approve' }).click();
    const approveDialog = adminPage.getByRole('dialog', { name: 'Approve this request' });
    await approveDialog.getByLabel('Monthly budget (USD)').fill('25');
    const approved = adminPage.waitForResponse((response) =>
      /\/admin\/subscriptions\/[^/]+\/approve$/.test(response.url()),
    );
    await approveDialog.getByRole('button', { name: 'Approve request' }).click();
    expect((await approved).status()).toBe(200);
    await request.waitFor({ state: 'detached' });

    // The tenant sees it approved, with the lower budget.
    await page.goto(`/t/${tenantId}/subscriptions`);
    await pageHeading(page, 'Subscriptions');
    await page
      .getByText(/approved/i)
      .first()
      .waitFor();
    expect(await page.locator('main').textContent()).toContain('$25');
    await saveScreenshot(page, 'journey/subscriptions-approved');

    // The platform's request count before the call: the e2e specs run one at a time, so the call adds exactly one.
    const before = await fetchInPage<UsageSummary>(adminPage, 'GET', '/admin/usage/summary');
    expect(before.status).toBe(200);

    // A call with the key through the gateway, as the tenant's code would make it.
    const completion = await gatewayClient(secret).chat.completions.create({
      model: 'demo-chat',
      messages: [{ role: 'user', content: 'Hello from the journey' }],
    });
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    const summary = await eventually(
      async () => {
        const answer = await fetchInPage<UsageSummary>(page, 'GET', `/tenants/${tenantId}/usage/summary`);
        if (answer.body.totals.requests < 1) throw new Error('the call is not in the usage summary yet');
        return answer.body;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(summary.totals.requests).toBe(1);
    expect(summary.totals.costUsd).toBeGreaterThan(0);

    // It shows on the tenant's overview and usage explorer...
    await page.goto(`/t/${tenantId}`);
    await page.getByText('Spend this month').waitFor();
    expect(await statValue(page, 'Spend this month')).toBe(usd(summary.totals.costUsd));
    expect(await statValue(page, 'Requests')).toBe('1');
    await saveScreenshot(page, 'journey/overview-with-usage');
    await page.goto(`/t/${tenantId}/usage`);
    await pageHeading(page, /Usage/);
    await page.getByRole('cell', { name: 'demo-chat' }).first().waitFor();
    // No policy acted on this tenant's call: the guardrail panel says so.
    const decisions = page.getByRole('region', { name: 'Guardrail decisions', exact: true });
    await decisions.getByText('No policy rule acted on a call in this window.').waitFor();
    await saveScreenshot(page, 'journey/usage-explorer');

    // ...and on the admin's cost dashboard.
    await adminPage.goto('/admin/usage');
    await pageHeading(adminPage, 'Costs');
    await adminPage.getByRole('region', { name: 'Policy decisions', exact: true }).waitFor();
    expect(await statValue(adminPage, 'Requests')).toBe(
      new Intl.NumberFormat('en-US').format(before.body.totals.requests + 1),
    );
    await saveScreenshot(adminPage, 'journey/admin-cost-dashboard');
  });

  it('shows a viewer no create-key button, and the API refuses the viewer anyway', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('journey-viewer-team');
    const viewerSuffix = uniqueSuffix();
    const viewer = {
      email: `journey-viewer-${viewerSuffix}@example.com`,
      password: `correct horse battery ${viewerSuffix}`,
    };
    const signedUp = await adminApi<{ token: string }>('POST', '/auth/signup', {
      body: { ...viewer, name: 'Journey Viewer', tenantName: `Viewer's own ${viewerSuffix}` },
    });
    expect(signedUp.status).toBe(201);
    const invitation = await adminApi<{ token: string }>('POST', `/tenants/${owner.tenantId}/invitations`, {
      token: owner.token,
      body: { email: viewer.email, role: 'VIEWER' },
    });
    expect(invitation.status).toBe(201);
    const accepted = await adminApi('POST', '/invitations/accept', {
      token: signedUp.body.token,
      body: { token: invitation.body.token },
    });
    expect(accepted.status).toBe(200);

    await signIn(page, viewer.email, viewer.password);
    await page.goto(`/t/${owner.tenantId}/keys`);
    await pageHeading(page, 'API keys');
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await saveScreenshot(page, 'journey/keys-as-viewer');

    const refused = await fetchInPage<{ code: string }>(page, 'POST', `/tenants/${owner.tenantId}/keys`, {
      name: 'not allowed',
    });
    expect(refused.status).toBe(403);
  });
});
