import { type Page } from 'playwright-core';
import { adminApi, SEED_ADMIN, signInAdmin, signUpTenantOwner } from '../support/admin-api-client';
import { saveScreenshot, signIn, useBrowser, viewports } from '../support/browser';

/** A tenant document allowing calls from the office network only; `extra` is written inside `sourceIps`. */
function officeOnly(tenantId: string, options: { mode?: 'enforce' | 'monitor'; extra?: string } = {}): string {
  return [
    'apiVersion: gatehouse/v1',
    'kind: Policy',
    'metadata:',
    `  name: tenant:${tenantId}`,
    '  description: Office network only',
    `mode: ${options.mode ?? 'enforce'}`,
    'spec:',
    '  access:',
    '    sourceIps:',
    '      ranges: [10.0.0.0/8]',
    ...(options.extra ? [`      ${options.extra}`] : []),
    '',
  ].join('\n');
}

const lineOf = (text: string, fragment: string) => text.split('\n').findIndex((line) => line.includes(fragment)) + 1;

/** The version history's row of one version. */
const versionRow = (page: Page, version: number) =>
  page.getByRole('region', { name: 'Versions, newest first' }).locator(`tr[data-version="${version}"]`);

/**
 * Policy documents in the portal: a platform admin writes a tenant's document (problems shown at their lines, a dry
 * run, save, a second version, a diff, a rollback), and a tenant's owner reads the effective policy on a phone.
 */
describe('policy documents in a browser', () => {
  const browser = useBrowser();

  it('an admin writes a tenant document, fixes the problem at its line, dry-runs, saves and rolls back', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('policy-admin');
    const name = `tenant:${owner.tenantId}`;

    await signIn(page, SEED_ADMIN.email, SEED_ADMIN.password);
    await page.goto('/admin/policies');
    await page.getByRole('heading', { level: 1, name: 'Policies' }).waitFor();
    await page.getByRole('button', { name: 'New document' }).first().click();
    const create = page.getByRole('dialog', { name: 'New policy document' });
    await create.getByLabel('Scope').selectOption('tenant');
    await create.getByLabel('Tenant id').fill(owner.tenantId);
    await create.getByRole('button', { name: 'Open the editor' }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();

    // An unknown field: the problem names its path and line, the gutter marks the line, and the line button goes there.
    const editor = page.getByLabel('Policy YAML');
    const withTypo = officeOnly(owner.tenantId, { extra: 'severity: high' });
    const typoLine = lineOf(withTypo, 'severity');
    await editor.fill(withTypo);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const problems = page.getByRole('list', { name: 'Problems in the document' });
    const problem = problems.getByRole('listitem').filter({ hasText: 'spec.access.sourceIps.severity' });
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/Unrecognized key/i);
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    expect(
      await page.locator('[data-problem-line]').evaluateAll((marks) => marks.map((mark) => mark.textContent)),
    ).toEqual([`!${typoLine}`]);
    await problem.getByRole('button', { name: `Line ${typoLine}` }).click();
    const selected = await editor.evaluate((area: HTMLTextAreaElement) =>
      area.value.slice(area.selectionStart, area.selectionEnd),
    );
    expect(selected).toBe('      severity: high');
    await saveScreenshot(page, 'policies/problem-at-line');

    // Fixed: the check passes.
    const v1 = officeOnly(owner.tenantId);
    await editor.fill(v1);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'No problems found' }).waitFor();
    expect(await page.locator('[data-problem-line]').count()).toBe(0);

    // A dry run of the unsaved text: a call from outside the office is denied by its rule; nothing is in force yet.
    const call = page.getByRole('group', { name: 'Call 1' });
    expect(await call.getByLabel('Tenant id').inputValue()).toBe(owner.tenantId);
    await call.getByLabel('Model').fill('demo-chat');
    await call.getByLabel('Client IP').fill('192.0.2.7');
    await page.getByLabel('Recorded calls').selectOption({ label: 'Last 24 hours' });
    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    const result = page.getByRole('region', { name: /^Dry run: each call/ }).locator('tr[data-call="1"]');
    const [candidate, current] = [result.getByRole('cell').nth(1), result.getByRole('cell').nth(2)];
    await candidate.getByText('Denied').waitFor();
    expect(await candidate.textContent()).toContain('access.sourceIps');
    expect(await candidate.textContent()).toContain(name);
    expect(await current.textContent()).not.toContain(name);
    // The recorded calls of the last day (every tenant's, on the admin route) have no client address: the rule is
    // not tried on them, and the panel says so.
    const recorded = page.getByRole('region', { name: /^Recorded calls, / });
    expect(await recorded.textContent()).toMatch(/[\d,]+ calls evaluated.*Not evaluated.*access\.sourceIps/);
    await saveScreenshot(page, 'policies/dry-run');

    // Saved with a message: version 1 is in force.
    await page.getByRole('button', { name: 'Create…' }).click();
    const save = page.getByRole('dialog', { name: `Create ${name}` });
    await save.getByLabel('Message').fill('Office network only');
    await save.getByRole('button', { name: 'Save version' }).click();
    await versionRow(page, 1).getByText('In force').waitFor();
    expect(await versionRow(page, 1).textContent()).toContain('Office network only');

    // A second version, in monitor mode, shown against version 2's predecessor.
    const v2 = officeOnly(owner.tenantId, { mode: 'monitor' });
    await editor.fill(v2);
    await page.getByRole('button', { name: 'Save…' }).click();
    const saveAgain = page.getByRole('dialog', { name: `Save ${name}` });
    expect(await saveAgain.getByRole('region', { name: 'Changes against version 1' }).textContent()).toContain(
      'mode: monitor',
    );
    await saveAgain.getByLabel('Message').fill('Watch before enforcing');
    await saveAgain.getByRole('button', { name: 'Save version' }).click();
    await versionRow(page, 2).getByText('In force').waitFor();
    await page.getByRole('button', { name: 'Compare version 1 with the version in force' }).click();
    const diff = page.getByRole('region', { name: 'From version 1 to version 2' });
    await diff.waitFor();
    expect(await diff.locator('[data-diff="removed"]').allTextContents()).toEqual([
      expect.stringContaining('mode: enforce'),
    ]);
    expect(await diff.locator('[data-diff="added"]').allTextContents()).toEqual([
      expect.stringContaining('mode: monitor'),
    ]);

    // Rolled back to version 1, confirmed first: version 3 has version 1's text and says so.
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    const confirm = page.getByRole('dialog', { name: 'Roll back to version 1?' });
    await confirm.getByRole('button', { name: 'Roll back to version 1' }).click();
    await versionRow(page, 3).getByText('In force').waitFor();
    expect(await versionRow(page, 3).textContent()).toContain('Rollback to version 1');
    expect(await editor.inputValue()).toBe(v1);
    await saveScreenshot(page, 'policies/rolled-back');

    const token = await signInAdmin();
    const stored = await adminApi<{ activeVersion: number; yaml: string }>(
      'GET',
      `/admin/policies/${encodeURIComponent(name)}`,
      { token },
    );
    expect(stored.body).toMatchObject({ activeVersion: 3, yaml: v1 });
  });

  it("a tenant's owner sees the effective policy of a product, on a phone", async () => {
    const owner = await signUpTenantOwner('policy-owner');
    const saved = await adminApi('PUT', `/tenants/${owner.tenantId}/policy`, {
      token: owner.token,
      body: { yaml: officeOnly(owner.tenantId), message: 'Office network only' },
    });
    expect(saved.status).toBe(200);

    const page = await browser.newPage('phone');
    await signIn(page, owner.email, owner.password);
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('dialog', { name: 'Navigation' }).getByRole('link', { name: 'Policy', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Policy' }).waitFor();
    // The page streams its sections in after the heading; a form submitted while the navigation that brought it is
    // still streaming can be lost, so act once the page has settled, as a person reading it would.
    await page.waitForLoadState('networkidle');

    const effective = page.getByRole('region', { name: 'Effective policy' });
    await effective.getByLabel('Product').selectOption('demo');
    await effective.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('product') === 'demo');
    const rules = effective.getByRole('region', { name: 'Effective rules for demo' });
    const rule = rules.getByRole('row').filter({ hasText: 'access.sourceIps' });
    await rule.waitFor();
    expect(await rule.textContent()).toContain(`tenant:${owner.tenantId}`);
    expect(await rule.textContent()).toContain('ranges: [10.0.0.0/8]');
    // The owner's own document is in the editor below, at version 1.
    expect(await page.getByLabel('Policy YAML').inputValue()).toBe(officeOnly(owner.tenantId));

    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await saveScreenshot(page, 'policies/effective-phone');
    expect(width).toBeLessThanOrEqual(viewports.phone.width);
  });
});
