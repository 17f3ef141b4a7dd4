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

  it('creates a labelled key (a bad label refused at its field first), lists its labels and edits them', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('browser-labels');
    await signIn(page, owner.email, owner.password);
    const keysPath = `/tenants/${owner.tenantId}/keys`;
    let posts = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith(keysPath)) posts++;
    });

    await page.goto(`/t/${owner.tenantId}/keys`);
    await page.getByRole('button', { name: 'Create key' }).first().click();
    const create = page.getByRole('dialog', { name: 'Create an API key' });
    await create.getByLabel('Name', { exact: true }).fill('labelled key');
    await create.getByRole('button', { name: 'Add label' }).click();
    await create.getByLabel('Label 1', { exact: true }).fill('Team');
    await create.getByLabel('Value of label 1').fill('search');
    await create.getByRole('button', { name: 'Add label' }).click();
    await create.getByLabel('Label 2', { exact: true }).fill('env');
    await create.getByLabel('Value of label 2').fill('prod');

    // An upper-case name is refused at its field, before anything is sent.
    await create.getByRole('button', { name: 'Create key' }).click();
    await create.getByText(/^Start with a lower-case letter/).waitFor();
    expect(await create.getByLabel('Label 1', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await create.getByLabel('Label 2', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(posts).toBe(0);
    await saveScreenshot(page, 'keys/label-refused');

    await create.getByLabel('Label 1', { exact: true }).fill('team');
    const created = page.waitForResponse(
      (response) => response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith(keysPath),
    );
    await create.getByRole('button', { name: 'Create key' }).click();
    expect((await created).status()).toBe(201);
    await page
      .getByRole('dialog', { name: 'Copy your new API key' })
      .getByRole('button', { name: 'I have copied it' })
      .click();

    const labels = page.getByRole('list', { name: 'Labels of labelled key' });
    await labels.waitFor();
    expect(await labels.getByRole('listitem').allTextContents()).toEqual(['env: prod', 'team: search']);
    await saveScreenshot(page, 'keys/labels-listed');

    // Edits them from the list: removes one, changes the other.
    await page.getByRole('button', { name: 'Edit the labels of labelled key' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit labels' });
    expect(await edit.getByLabel('Label 1', { exact: true }).inputValue()).toBe('env');
    await edit.getByRole('button', { name: 'Remove label 1' }).click();
    expect(await edit.getByLabel('Label 1', { exact: true }).inputValue()).toBe('team');
    await edit.getByLabel('Value of label 1').fill('ads');
    const patched = page.waitForResponse((response) => response.request().method() === 'PATCH');
    await edit.getByRole('button', { name: 'Save labels' }).click();
    expect((await patched).status()).toBe(200);
    await edit.waitFor({ state: 'detached' });
    await labels.getByText('team: ads').waitFor();
    expect(await labels.getByRole('listitem').allTextContents()).toEqual(['team: ads']);

    const keys = await adminApi<{ items: { name: string; metadata: Record<string, string> }[] }>('GET', keysPath, {
      token: owner.token,
    });
    expect(keys.body.items.find((item) => item.name === 'labelled key')?.metadata).toEqual({ team: 'ads' });
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
