import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adminApi, signUpTenantOwner, uniqueSuffix } from '../support/admin-api-client';
import { fetchInPage, saveScreenshot, useBrowser, signIn } from '../support/browser';

const STACK_LOG = path.resolve(__dirname, '..', 'artifacts', 'stack.log');

/** The reset link the development mailer (`MAILER=log`) wrote to the stack's log for `email`. */
async function resetLinkFromLog(email: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const line = readFileSync(STACK_LOG, 'utf8')
      .split('\n')
      .filter((candidate) => candidate.includes(`Mail to ${email}`))
      .pop();
    const link = line && /(https?:\/\/[^\s"\\]+\/reset-password#token=[A-Za-z0-9_-]+)/.exec(line)?.[1];
    if (link) return link;
    if (Date.now() > deadline) throw new Error(`no reset link for ${email} in ${STACK_LOG}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('account: password reset, password change and sign out everywhere in a browser', () => {
  const browser = useBrowser();

  it('resets a forgotten password through the mailed link, and the old sessions end', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('browser-reset');
    const newPassword = `lantern orchard amber ${uniqueSuffix()}`;

    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL((url) => url.pathname === '/forgot-password');
    await page.getByLabel('Email', { exact: true }).fill(owner.email);
    const requested = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/password-reset'));
    await page.getByRole('button', { name: 'Send me a reset link' }).click();
    expect((await requested).status()).toBe(202);
    await page.getByText('Check your inbox').waitFor();
    await saveScreenshot(page, 'account/forgot-password-sent');

    const link = new URL(await resetLinkFromLog(owner.email));
    await page.goto(`${link.pathname}${link.hash}`);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    // The token is read from the fragment and leaves the address bar at once.
    expect(new URL(page.url()).hash).toBe('');
    const confirmed = page.waitForResponse((response) => response.url().endsWith('/auth/password-reset/confirm'));
    await page.getByRole('button', { name: 'Set new password' }).click();
    expect((await confirmed).status()).toBe(204);
    await page.getByText('Your password is changed').waitFor();
    await saveScreenshot(page, 'account/reset-done');

    expect((await adminApi('GET', '/auth/me', { token: owner.token })).status).toBe(401);
    await page.getByRole('link', { name: 'Sign in with your new password' }).click();
    await signIn(page, owner.email, newPassword);
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/t/${owner.tenantId}`));

    // The link works once.
    await page.goto(`${link.pathname}${link.hash}`);
    await page.getByLabel('New password', { exact: true }).fill(`${newPassword} again`);
    await page.getByLabel('Repeat the new password').fill(`${newPassword} again`);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('This link no longer works').waitFor();
  });

  it('changes the password from the account page, shows a wrong current password at its field, and signs out everywhere', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('browser-account');
    const newPassword = `harbour violet engine ${uniqueSuffix()}`;
    await signIn(page, owner.email, owner.password);

    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('link', { name: 'Your account' }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    const current = page.getByLabel('Current password');
    await current.fill(`${owner.password} but wrong`);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('This is not your current password.').waitFor();
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    await saveScreenshot(page, 'account/wrong-current-password');

    await current.fill(owner.password);
    const changed = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/password'));
    await page.getByRole('button', { name: 'Change password' }).click();
    expect((await changed).status()).toBe(204);
    await page.getByText('Password changed').waitFor();
    // The other session (the sign-up's) ended; this one goes on.
    expect((await adminApi('GET', '/auth/me', { token: owner.token })).status).toBe(401);
    expect((await fetchInPage(page, 'GET', '/auth/me')).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign out everywhere?' });
    const revoked = page.waitForResponse((response) => response.url().endsWith('/auth/sessions/revoke-all'));
    await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
    expect((await revoked).status()).toBe(204);
    await page.waitForURL((url) => url.pathname === '/login');
    expect((await fetchInPage(page, 'GET', '/auth/me')).status).toBe(401);
  });
});
