import { adminApi, signUpTenantOwner } from '../support/admin-api-client';
import { saveScreenshot, useBrowser, viewports } from '../support/browser';
import { chatRequest, eventually, gatewayClient, subscribedKey } from '../support/gateway';

/** The signed-in portal on a phone: the sidebar folds into a menu, and pages fit the screen's width. */
describe('the portal on a phone', () => {
  const browser = useBrowser();

  it('signs in, opens the menu, goes to API keys, and the page does not scroll sideways', async () => {
    const owner = await signUpTenantOwner('phone');
    const page = await browser.newPage('phone');
    expect(page.viewportSize()).toEqual(viewports.phone);

    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname.startsWith(`/t/${owner.tenantId}`));

    await page.getByRole('button', { name: 'Open navigation' }).click();
    const menu = page.getByRole('dialog', { name: 'Navigation' });
    await menu.getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL((url) => url.pathname === `/t/${owner.tenantId}/keys`);
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();

    const width = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(width.scroll).toBeLessThanOrEqual(width.client);
    await saveScreenshot(page, 'phone/api-keys');
  });

  it('shows the overview with usage data without scrolling sideways', async () => {
    const { tenant, apiKey } = await subscribedKey('phone-overview');
    await gatewayClient(apiKey).chat.completions.create(chatRequest('demo-chat'));
    await eventually(
      async () => {
        const summary = await adminApi<{ totals: { requests: number } }>(
          'GET',
          `/tenants/${tenant.tenantId}/usage/summary`,
          { token: tenant.token },
        );
        if (summary.body.totals.requests < 1) throw new Error('the call is not in the usage summary yet');
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );

    const page = await browser.newPage('phone');
    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill(tenant.email);
    await page.getByLabel('Password').fill(tenant.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/t/${tenant.tenantId}`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByText('Spend this month').waitFor();
    // The charts size themselves after the first paint.
    await page.locator('.recharts-surface').first().waitFor();

    const measured = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      // The innermost elements that stick out past the phone's width, to say where to look when this fails.
      wide: [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > 390.5)
        .filter((element) => ![...element.children].some((child) => child.getBoundingClientRect().right > 390.5))
        .slice(0, 8)
        .map((element) => `${element.tagName.toLowerCase()}.${String(element.className).slice(0, 120)}`),
    }));
    await saveScreenshot(page, 'phone/overview');
    if (measured.scrollWidth > viewports.phone.width) throw new Error(`too wide: ${JSON.stringify(measured)}`);
    expect(measured.scrollWidth).toBeLessThanOrEqual(390);
  });
});
