import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type SubscriptionResponse } from '@gatehouse/contracts';
import { type Page } from 'playwright-core';
import { adminApi, SEED_ADMIN, signInAdmin, signUpTenantOwner } from '../support/admin-api-client';
import { useBrowser } from '../support/browser';
import { catalogProduct } from '../support/gateway';
import { stackUrls } from '../support/stack';

async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(SEED_ADMIN.email);
  await page.getByLabel('Password').fill(SEED_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** A tenant's request for demo-pro, which waits for an admin's approval. */
async function pendingSubscription(): Promise<string> {
  const owner = await signUpTenantOwner('csrf');
  const demo = await catalogProduct(owner.token, 'demo');
  const pro = demo.plans.find((plan) => plan.name === 'demo-pro');
  if (!pro) throw new Error('the seeded demo catalog has no demo-pro plan');
  const requested = await adminApi<SubscriptionResponse>('POST', `/tenants/${owner.tenantId}/subscriptions`, {
    token: owner.token,
    body: { productId: demo.id, planId: pro.id, justification: 'a request a forged form tries to approve' },
  });
  expect(requested.body.status).toBe('PENDING');
  return requested.body.id;
}

/**
 * Serves one page on another loopback port (same site as the portal, so the SameSite=Lax session cookie rides along)
 * that submits a form to the portal as soon as it loads.
 */
async function serveAttackerPage(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const autoSubmit = (action: string, enctype: string, fields: string) => `<!doctype html>
<html><body onload="document.forms[0].submit()">
<form method="POST" action="${action}" enctype="${enctype}">${fields}</form>
</body></html>`;

describe('cross-site request forgery and the content security policy', () => {
  const browser = useBrowser();

  it('refuses a form on another port that posts an approval with the admin cookie; it stays pending', async () => {
    const { page } = browser;
    await signInAsAdmin(page);
    const subscriptionId = await pendingSubscription();
    const action = `${stackUrls.portal}/api/v1/admin/subscriptions/${subscriptionId}/approve`;

    for (const [enctype, fields] of [
      ['application/x-www-form-urlencoded', '<input name="limits" value="">'],
      // text/plain can make a body that looks like JSON; it still is not labelled as JSON.
      ['text/plain', `<input name='{"x":"' value='"}'>`],
    ] as const) {
      const attacker = await serveAttackerPage(autoSubmit(action, enctype, fields));
      try {
        const [response] = await Promise.all([
          page.waitForResponse((candidate) => candidate.url() === action),
          // The page navigates away to the portal as it loads, which may cut its own navigation short.
          page.goto(attacker.url, { waitUntil: 'commit' }).catch((error: unknown) => {
            if (!/interrupted by another navigation/.test(String(error))) throw error;
          }),
        ]);
        // The attack is real: the browser did send the admin's session cookie with the forged form.
        expect((await response.request().allHeaders())['cookie']).toContain('gatehouse_session=');
        expect(response.status()).toBe(415);
      } finally {
        await attacker.close();
      }
    }

    const after = await adminApi<{ status: string }>('GET', `/admin/subscriptions/${subscriptionId}`, {
      token: await signInAdmin(),
    });
    expect(after.body.status).toBe('PENDING');
  });

  it('serves every page with a nonce-based Content-Security-Policy that its own scripts satisfy', async () => {
    const { page } = browser;
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto('/login');
    const policy = response?.headers()['content-security-policy'] ?? '';
    for (const directive of [
      "default-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "frame-ancestors 'none'",
      "form-action 'self'",
    ]) {
      expect(policy).toContain(directive);
    }
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    // A fresh nonce per response.
    const again = await page.request.get('/login');
    expect(again.headers()['content-security-policy']).not.toBe(policy);

    // The page's scripts run (the form is interactive: signing in works) and nothing was refused.
    await signInAsAdmin(page);
    await page.goto('/admin');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    expect(violations).toEqual([]);
  });
});
