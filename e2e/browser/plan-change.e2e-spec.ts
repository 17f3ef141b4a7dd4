import { type CreatedApiKeyResponse, type MeResponse } from '@gatehouse/contracts';
import { type Page } from 'playwright-core';
import { adminApi, SEED_ADMIN, signUpTenantOwner } from '../support/admin-api-client';
import { saveScreenshot, useBrowser, signIn } from '../support/browser';
import { chatRequest, eventually, subscribe } from '../support/gateway';
import { stackUrls } from '../support/stack';

/** A plan's card in the catalog: the list item under its heading. */
function planCard(page: Page, plan: string) {
  return page.locator('li').filter({ has: page.getByRole('heading', { level: 4, name: plan, exact: true }) });
}

interface Call {
  at: number;
  status: number;
  /** `x-ratelimit-limit-requests`: the RPM of the plan the call ran under (demo-free 60, demo-pro 600). */
  rpm: string | null;
}

/**
 * Calls the gateway with the key every `intervalMs` until stopped, one call at a time, recording each outcome.
 * Two calls a second stay inside demo-free's 60 requests a minute for as long as the test runs.
 */
function keepCalling(apiKey: string, intervalMs = 500) {
  const calls: Call[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      const response = await fetch(`${stackUrls.gateway}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatRequest('demo-chat')),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      calls.push({ at: Date.now(), status: response.status, rpm: response.headers.get('x-ratelimit-limit-requests') });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - started))));
    }
  })();
  return {
    calls,
    async stop(): Promise<void> {
      running = false;
      await loop;
    },
  };
}

/**
 * A plan change in a real browser: a tenant on demo-free asks for demo-pro from the catalog (offered as an upgrade),
 * sees it pending (not "Your plan"), an admin approves it in the queue (shown as a change from demo-free), and the
 * tenant's key, scoped to the demo-free grant, keeps working through all of it and then runs under demo-pro's limits.
 */
describe('changing plans in a browser', () => {
  const browser = useBrowser();

  it('upgrades demo-free to demo-pro with no gap in service, then runs under the new limits', async () => {
    const { page } = browser;
    const tenant = await signUpTenantOwner('plan-change');
    const free = await subscribe(tenant);
    expect(free.planName).toBe('demo-free');
    const key = await adminApi<CreatedApiKeyResponse>('POST', `/tenants/${tenant.tenantId}/keys`, {
      token: tenant.token,
      body: { name: 'scoped to demo-free', subscriptionIds: [free.id] },
    });
    expect(key.status).toBe(201);
    const me = await adminApi<MeResponse>('GET', '/auth/me', { token: tenant.token });
    const tenantName = me.body.user.memberships[0]?.tenantName ?? '';

    const traffic = keepCalling(key.body.secret);
    try {
      await eventually(async () => {
        if (traffic.calls.length < 2) throw new Error('no calls yet');
      });

      // The catalog: demo-free is the workspace's plan, demo-pro is offered as an upgrade.
      await signIn(page, tenant.email, tenant.password);
      await page.goto(`/t/${tenant.tenantId}/catalog`);
      await planCard(page, 'demo-free').getByText('Your plan').waitFor();
      await page.getByRole('button', { name: 'Upgrade to demo-pro' }).click();
      const dialog = page.getByRole('dialog', { name: /Change your plan of/ });
      expect(await dialog.textContent()).toContain('instead of demo-free');
      await dialog.getByLabel(/Why does your team need it/).fill('Our launch needs the higher limits.');
      const requested = page.waitForResponse(
        (response) =>
          response.request().method() === 'POST' &&
          response.url().endsWith(`/tenants/${tenant.tenantId}/subscriptions`),
      );
      await dialog
        .getByRole('button', { name: /request|send/i })
        .last()
        .click();
      expect((await requested).status()).toBe(201);

      // Pending is not "Your plan": demo-pro is marked requested, demo-free stays the workspace's plan.
      const pro = planCard(page, 'demo-pro');
      await pro.getByText('Requested, pending approval').waitFor();
      expect(await pro.getByText('Your plan').count()).toBe(0);
      expect(await planCard(page, 'demo-free').getByText('Your plan').count()).toBe(1);
      expect(await page.locator('main').textContent()).toContain('Your change to plan demo-pro is waiting');
      await saveScreenshot(page, 'plan-change/catalog-change-pending');

      // The admin approves it in the queue, where it reads as a change from demo-free.
      const adminPage = await browser.newPage();
      await signIn(adminPage, SEED_ADMIN.email, SEED_ADMIN.password);
      await adminPage.goto('/admin/approvals');
      const request = adminPage.getByRole('article').filter({ hasText: tenantName });
      await request.waitFor();
      expect(await request.textContent()).toContain('change from demo-free');
      await saveScreenshot(adminPage, 'plan-change/admin-queue');
      await request.getByRole('button', { name: 'Approve' }).click();
      const approveDialog = adminPage.getByRole('dialog', { name: 'Approve this request' });
      const approved = adminPage.waitForResponse((response) =>
        /\/admin\/subscriptions\/[^/]+\/approve$/.test(response.url()),
      );
      await approveDialog.getByRole('button', { name: 'Approve request' }).click();
      expect((await approved).status()).toBe(200);
      const approvedAt = Date.now();

      // The key moves to demo-pro within a second or two of the approval (the invalidation), and keeps working.
      await eventually(
        async () => {
          const last = traffic.calls.at(-1);
          if (!last || last.at <= approvedAt || last.rpm !== '600') throw new Error('not on demo-pro yet');
        },
        { timeoutMs: 5_000, intervalMs: 100 },
      );
      const firstOnPro = traffic.calls.find((call) => call.rpm === '600');
      expect(firstOnPro && firstOnPro.at - approvedAt).toBeLessThan(2_500);
      const settled = traffic.calls.length;
      await eventually(async () => {
        if (traffic.calls.length < settled + 3) throw new Error('fewer than 3 calls after the switch');
      });
    } finally {
      await traffic.stop();
    }

    // No gap: every call before, during and after the approval succeeded, first under demo-free then demo-pro.
    expect(traffic.calls.map((call) => call.status).filter((status) => status !== 200)).toEqual([]);
    const plans = traffic.calls.map((call) => call.rpm);
    expect(plans[0]).toBe('60');
    expect(plans.at(-1)).toBe('600');
    // One switch, never back.
    expect(plans.slice(plans.indexOf('600')).every((rpm) => rpm === '600')).toBe(true);

    // The catalog now says demo-pro is the plan, and offers demo-free as a downgrade.
    await page.goto(`/t/${tenant.tenantId}/catalog`);
    await planCard(page, 'demo-pro').getByText('Your plan').waitFor();
    expect(await planCard(page, 'demo-free').getByText('Your plan').count()).toBe(0);
    await page.getByRole('button', { name: 'Downgrade to demo-free' }).waitFor();
    await saveScreenshot(page, 'plan-change/catalog-upgraded');
    await page.goto(`/t/${tenant.tenantId}/subscriptions`);
    await page.getByText('Replaced by plan demo-pro.').waitFor();
    await saveScreenshot(page, 'plan-change/subscriptions');
  });
});
