import { type Page } from 'playwright-core';
import { SEED_ADMIN } from '../support/admin-api-client';
import { saveScreenshot, useBrowser } from '../support/browser';

async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(SEED_ADMIN.email);
  await page.getByLabel('Password').fill(SEED_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/**
 * The platform admin's control pages in a browser: the seeded provider and product are listed, and the audit log's
 * chain verifies. (The approval queue and cost dashboard are part of the journey spec.)
 */
describe('the admin console in a browser', () => {
  const browser = useBrowser();

  it('lists the seeded provider and product, and verifies the audit chain', async () => {
    const { page } = browser;
    await signInAsAdmin(page);

    await page.goto('/admin/providers');
    await page.getByRole('heading', { level: 1, name: 'Providers' }).waitFor();
    await page
      .getByRole('cell', { name: /^mock\b/ })
      .first()
      .waitFor();
    await saveScreenshot(page, 'admin/providers');

    await page.goto('/admin/catalog');
    await page.getByRole('heading', { level: 1, name: 'Catalog' }).waitFor();
    await page.getByRole('link', { name: 'Demo', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Demo/ }).waitFor();
    expect(await page.locator('main').textContent()).toContain('demo-pro');
    await saveScreenshot(page, 'admin/catalog-product');

    await page.goto('/admin/audit');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    const verdict = page.getByRole('status').filter({ hasText: /chain intact/ });
    await verdict.waitFor();
    await saveScreenshot(page, 'admin/audit-verified');
  });
});
