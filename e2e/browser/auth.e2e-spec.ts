import { type MeResponse, type SessionResponse } from '@gatehouse/contracts';
import { type Locator, type Page } from 'playwright-core';
import { signUpTenantOwner, uniqueSuffix } from '../support/admin-api-client';
import { fetchInPage, saveScreenshot, useBrowser } from '../support/browser';

const SESSION_COOKIE = 'gatehouse_session';

/** Whether `locator`'s element has the keyboard focus. */
function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === element.ownerDocument.activeElement);
}

/**
 * Presses Tab from wherever the focus is until `target` has it, as a keyboard user would reach a field. Bounded:
 * a field the Tab order never reaches fails the test instead of looping.
 */
async function tabTo(page: Page, target: Locator, maxPresses = 40): Promise<number> {
  for (let presses = 1; presses <= maxPresses; presses++) {
    await page.keyboard.press('Tab');
    if (await isFocused(target)) return presses;
  }
  throw new Error(`${maxPresses} presses of Tab never focused ${target.toString()}`);
}

/** The path of the signed-in app for the user's first tenant: where sign-up and sign-in send them. */
function tenantHome(tenantId: string): RegExp {
  return new RegExp(`^/t/${tenantId}(/|$)`);
}

async function waitForTenantHome(page: Page, tenantId: string): Promise<void> {
  const home = tenantHome(tenantId);
  await page.waitForURL((url) => home.test(url.pathname));
}

describe('portal sign-up and sign-in in a browser', () => {
  const browser = useBrowser();

  it('signs up a new user through the form and lands signed in on their tenant', async () => {
    const { page } = browser;
    const suffix = uniqueSuffix();
    const email = `browser-signup-${suffix}@example.com`;

    await page.goto('/signup');
    await saveScreenshot(page, 'auth/signup');
    await page.getByLabel('Your name').fill('Browser Signup');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(`correct horse battery ${suffix}`);
    await page.getByLabel('Organisation').fill(`Browser ${suffix}`);
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL((url) => url.pathname !== '/signup');
    const me = await fetchInPage<MeResponse>(page, 'GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email, name: 'Browser Signup' });
    const membership = me.body.user.memberships[0];
    expect(membership).toMatchObject({ tenantName: `Browser ${suffix}`, role: 'OWNER' });
    expect(new URL(page.url()).pathname).toMatch(tenantHome(membership?.tenantId ?? '(no membership)'));
    // The overview streams in behind a skeleton; its heading means the page itself is there to be kept.
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await saveScreenshot(page, 'auth/first-tenant-overview');
  });

  it('shows the error and stays on /login when the password is wrong', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('browser-wrong-password');

    await page.goto('/login');
    await saveScreenshot(page, 'auth/login');
    await page.getByLabel('Email', { exact: true }).fill(owner.email);
    await page.getByLabel('Password').fill(`${owner.password} but wrong`);
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    expect((await answered).status()).toBe(401);
    // Next's route announcer is an alert too: the form's own is the one with the title.
    const error = page.getByRole('alert').filter({ hasText: 'Could not sign you in' });
    await error.waitFor();
    expect(await error.textContent()).toContain('The email or password is not correct.');
    await saveScreenshot(page, 'auth/login-wrong-password');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await browser.context.cookies()).map((cookie) => cookie.name)).not.toContain(SESSION_COOKIE);
    expect((await fetchInPage(page, 'GET', '/auth/me')).status).toBe(401);
    // The form stays usable for a second attempt.
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(owner.email);
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).isEnabled()).toBe(true);
  });

  it('can be filled and submitted with the keyboard only', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('browser-keyboard');

    await page.goto('/login');
    const email = page.getByLabel('Email', { exact: true });
    const password = page.getByLabel('Password');
    await tabTo(page, email);
    await page.keyboard.type(owner.email);
    await page.keyboard.press('Tab');
    expect(await isFocused(password)).toBe(true);
    await page.keyboard.type(owner.password);
    expect(await email.inputValue()).toBe(owner.email);
    expect(await password.inputValue()).toBe(owner.password);

    const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
    await page.keyboard.press('Enter');
    expect((await answered).status()).toBe(200);
    await waitForTenantHome(page, owner.tenantId);
    expect((await fetchInPage<MeResponse>(page, 'GET', '/auth/me')).body.user.email).toBe(owner.email);
  });

  it('keeps the session in an httpOnly cookie, never in web storage or the URL', async () => {
    const { page } = browser;
    const owner = await signUpTenantOwner('browser-session');
    const visited: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(frame.url());
    });

    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const signedIn = (await (await answered).json()) as SessionResponse;
    await waitForTenantHome(page, owner.tenantId);

    const cookie = (await browser.context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const tokens = [cookie?.value ?? '(no session cookie)', signedIn.token];

    // What the page's scripts can reach: document.cookie, both storages, and every URL the tab went through.
    const reachable = await page.evaluate(() => {
      const dump = (storage: Storage) =>
        Array.from({ length: storage.length }, (_, index) => {
          const key = storage.key(index) ?? '';
          return `${key}=${storage.getItem(key) ?? ''}`;
        });
      return { cookie: document.cookie, local: dump(localStorage), session: dump(sessionStorage) };
    });
    expect(visited.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect(reachable.cookie).not.toContain(token);
      expect(reachable.local.filter((entry) => entry.includes(token))).toEqual([]);
      expect(reachable.session.filter((entry) => entry.includes(token))).toEqual([]);
      expect(visited.filter((url) => url.includes(token))).toEqual([]);
    }
    // Nor the password: a form that submitted before its script ran would have put it in the query string.
    expect(visited.filter((url) => new URL(url).searchParams.has('password'))).toEqual([]);
  });
});
