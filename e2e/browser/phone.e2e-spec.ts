import { signUpTenantOwner } from '../support/admin-api-client';
import { saveScreenshot, useBrowser, viewports } from '../support/browser';

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
});
