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

    // A provider on loopback is refused at the base URL until it is marked internal (private network).
    const name = `e2e-internal-${Date.now().toString(36)}`;
    await page.getByRole('button', { name: 'Add provider' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Type').selectOption('openai-compatible');
    const baseUrl = dialog.getByLabel('Base URL');
    await baseUrl.fill('http://127.0.0.1:18099');
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await dialog
      .getByText(/loopback address; a provider on a loopback or private network must be marked internal/)
      .waitFor();
    expect(await baseUrl.getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Internal (private network)').check();
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await page.getByRole('cell', { name: new RegExp(`^${name}`) }).waitFor();

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
