import { loadConfig, stackConfigSchema } from '@gatehouse/config';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { adminApi, signInAdmin, signUpTenantOwner } from '../support/admin-api-client';
import { E2E_DATABASE } from '../support/stack';

const run = promisify(execFile);

/**
 * After creating key secrets and a provider credential, none of them appears in plaintext anywhere they
 * could leak from: any API response after creation, a dump of the whole database, or the apps' logs.
 */
describe('secrets are never stored, logged or returned in plaintext', () => {
  it('keeps key secrets and provider credentials out of responses, the database dump and the logs', async () => {
    const tenant = await signUpTenantOwner('secrets');
    const adminToken = await signInAdmin();

    const key = await adminApi<{ id: string; secret: string }>('POST', `/tenants/${tenant.tenantId}/keys`, {
      token: tenant.token,
      body: { name: 'scanned key' },
    });
    expect(key.status).toBe(201);
    const rotated = await adminApi<{ secret: string }>(
      'POST',
      `/tenants/${tenant.tenantId}/keys/${key.body.id}/rotate`,
      {
        token: tenant.token,
        body: { gracePeriodSeconds: 60 },
      },
    );
    expect(rotated.status).toBe(200);

    const credential = `sk-e2e-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    const provider = await adminApi<Record<string, unknown> & { id: string }>('POST', '/admin/providers', {
      token: adminToken,
      body: {
        name: `scan-${Date.now()}`,
        type: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:18090',
        internal: true,
        credential,
      },
    });
    expect(provider.status).toBe(201);

    const secrets = [key.body.secret, rotated.body.secret, credential];
    const leaksIn = (text: string) => secrets.filter((secret) => text.includes(secret));

    // Responses after creation.
    const reads = await Promise.all([
      adminApi('GET', `/tenants/${tenant.tenantId}/keys`, { token: tenant.token }),
      adminApi('GET', '/admin/providers', { token: adminToken }),
      adminApi('GET', `/admin/providers/${provider.body.id}`, { token: adminToken }),
      adminApi('GET', `/admin/audit?limit=100`, { token: adminToken }),
    ]);
    for (const read of reads) {
      expect(read.status).toBe(200);
      expect(leaksIn(JSON.stringify(read.body))).toEqual([]);
    }
    expect(leaksIn(JSON.stringify(provider.body))).toEqual([]);

    // The whole database, as a dump.
    const config = loadConfig('e2e', stackConfigSchema);
    const databaseUrl = new URL(config.database.url);
    databaseUrl.pathname = `/${E2E_DATABASE}`;
    const dump = await run('pg_dump', ['--data-only', '--no-owner', databaseUrl.toString()], {
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(dump.stdout).toContain('api_keys');
    expect(leaksIn(dump.stdout)).toEqual([]);

    // The apps' logs (request logs included: the e2e stack logs at info).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const logs = readFileSync(path.join(__dirname, '..', 'artifacts', 'stack.log'), 'utf8');
    expect(logs).toContain('/api/v1/auth/signup');
    expect(leaksIn(logs)).toEqual([]);
  });
});
