import { adminApi, signUpTenantOwner, uniqueSuffix } from '../support/admin-api-client';
import { saveScreenshot, useBrowser, signIn } from '../support/browser';
import { createApiKey } from '../support/gateway';

/** The owner's destructive actions, each confirmed in a dialog before it is sent, as a person would do them. */
describe('keys and members in a browser', () => {
  const browser = useBrowser();

  it('revokes a key after confirming, and the API lists it as revoked', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('browser-revoke');
    const key = await createApiKey(owner, 'doomed key');
    await signIn(page, owner.email, owner.password);

    await page.goto(`/t/${owner.tenantId}/keys`);
    await page.getByRole('button', { name: 'Revoke doomed key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this key?' });
    await saveScreenshot(page, 'keys/revoke-confirm');
    const revoked = page.waitForResponse((response) => response.request().method() === 'DELETE');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    expect((await revoked).status()).toBe(204);
    await dialog.waitFor({ state: 'detached' });

    const keys = await adminApi<{ items: { id: string; status: string }[] }>('GET', `/tenants/${owner.tenantId}/keys`, {
      token: owner.token,
    });
    expect(keys.body.items.find((item) => item.id === key.id)?.status).toBe('REVOKED');
  });

  it('invites a member with a one-time link, then revokes the invitation after confirming', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('browser-invite');
    const invitee = `invitee-${uniqueSuffix()}@example.com`;
    await signIn(page, owner.email, owner.password);

    await page.goto(`/t/${owner.tenantId}/members`);
    await page.getByRole('button', { name: 'Invite member' }).click();
    const invite = page.getByRole('dialog');
    await invite.getByLabel('Email').fill(invitee);
    await invite.getByLabel('Role').selectOption('VIEWER');
    await invite.getByRole('button', { name: 'Create invitation' }).click();
    const link = page.getByRole('dialog', { name: 'Send this invitation link' });
    await link.waitFor();
    expect(await link.textContent()).toContain('/invitations/accept#token=');
    await saveScreenshot(page, 'members/invitation-link');
    await link.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: `Revoke the invitation for ${invitee}` }).click();
    await page
      .getByRole('dialog', { name: 'Revoke this invitation?' })
      .getByRole('button', { name: 'Revoke invitation' })
      .click();
    await page.getByRole('button', { name: `Revoke the invitation for ${invitee}` }).waitFor({ state: 'detached' });

    const pending = await adminApi<{ items: { email: string }[] }>('GET', `/tenants/${owner.tenantId}/invitations`, {
      token: owner.token,
    });
    expect(pending.body.items.map((item) => item.email)).not.toContain(invitee);
  });
});
