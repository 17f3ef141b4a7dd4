import { type PolicyResponse, type PolicyVersionRefResponse } from '@gatehouse/contracts';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminApiHarness } from '../../admin-api/test/admin-api-harness';
import { LOCK_FILE_NAME } from './lock-file';
import { runCli } from './run-cli';

const BIN = path.resolve(__dirname, '../../../node_modules/.bin/gatehouse');

/** A tenant document that denies `models`, with `extra` lines at its end. */
function tenantDocument(tenantId: string, models = ['demo-embed'], extra = ''): string {
  return `apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: "tenant:${tenantId}"
spec:
  access:
    denyModels: { models: [${models.join(', ')}] }
${extra}`;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('gatehouse policy (against the admin API)', () => {
  let harness: AdminApiHarness;
  let adminToken: string;
  let root: string;
  /** Everything the CLI printed in this suite: the token must never be in it. */
  let printed = '';

  beforeAll(async () => {
    harness = await AdminApiHarness.start('cli_policy');
    adminToken = (await harness.admin()).token;
  });

  afterAll(async () => {
    expect(printed).not.toContain(adminToken);
    await harness.close();
  });

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'gatehouse-cli-int-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** The CLI in this process, in `root`, as a platform admin unless `env` says otherwise. */
  async function run(argv: string[], env: Record<string, string> = {}): Promise<Result> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      env: { GATEHOUSE_ADMIN_URL: harness.url, GATEHOUSE_TOKEN: adminToken, ...env },
      cwd: root,
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    printed += stdout + stderr;
    return { code, stdout, stderr };
  }

  const policy = (...argv: string[]) => run(['policy', ...argv]);
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  const lock = (dir = 'policies') =>
    (JSON.parse(read(`${dir}/${LOCK_FILE_NAME}`)) as { policies: Record<string, number> }).policies;
  const inForce = async (name: string) =>
    (await harness.request<PolicyResponse>('GET', `/admin/policies/${name}`, { token: adminToken })).body;
  const putOnServer = async (name: string, yaml: string) => {
    const response = await harness.request<PolicyVersionRefResponse>('PUT', `/admin/policies/${name}`, {
      token: adminToken,
      body: { yaml },
    });
    expect(response.status).toBe(200);
    return response.body.version;
  };
  const newTenant = async () => (await harness.tenantUser('OWNER')).tenantId;

  it('validates the files: the schema here, references with the admin API; exit 1 naming file, line and path', async () => {
    const tenant = await newTenant();
    write('policies/tenant.yaml', tenantDocument(tenant));
    expect(await policy('validate')).toEqual({ code: 0, stdout: '1 policy document valid.\n', stderr: '' });

    write('policies/tenant.yaml', tenantDocument(tenant, ['demo-embed', 'no-such-model']));
    write('policies/product.yaml', tenantDocument(tenant).replace(`tenant:${tenant}`, 'product:no-such-product'));
    const invalid = await policy('validate');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toBe(
      [
        'policies/product.yaml:4: metadata.name: no product has the slug "no-such-product"',
        'policies/tenant.yaml:7: spec.access.denyModels.models[1]: "no-such-model" is not a public model name of the catalog',
        '2 problems (2 policy files checked).',
        '',
      ].join('\n'),
    );
  });

  it('applies new documents, records them in the lock file, and then finds no changes', async () => {
    const tenant = await newTenant();
    write('policies/tenant.yaml', tenantDocument(tenant));

    const before = await policy('diff');
    expect(before.code).toBe(2);
    expect(before.stdout).toContain(`--- tenant:${tenant} (not in force)\n+++ policies/tenant.yaml\n@@ -0,0 +1,7 @@\n`);
    expect(before.stdout).toContain(`  new      tenant:${tenant} (policies/tenant.yaml)`);

    const applied = await policy('apply', '--message', 'From the repository');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`tenant:${tenant}: version 1 in force (policies/tenant.yaml)`);
    expect(lock()[`tenant:${tenant}`]).toBe(1);
    const document = await inForce(`tenant:${tenant}`);
    expect(document).toMatchObject({ activeVersion: 1, yaml: tenantDocument(tenant) });
    expect(document.versions[0]?.message).toBe('From the repository');

    const after = await policy('diff');
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^No changes: the files in policies are what is in force\./);
  });

  it('pull then apply then diff: the exact text in force, no new version, no diff', async () => {
    const tenant = await newTenant();
    // Comments, flow style, no mode (its default) and no newline at the end: all kept as saved.
    const saved = `# Written in the portal
apiVersion: gatehouse/v1
kind: Policy
metadata: { name: "tenant:${tenant}" }   # this tenant
spec:
  access:
    denyModels:
      models: [demo-embed]  # embeddings cost too much`;
    const version = await putOnServer(`tenant:${tenant}`, saved);

    const pulled = await policy('pull', `tenant:${tenant}`);
    expect(pulled.code).toBe(0);
    expect(read(`policies/tenant-${tenant}.yaml`)).toBe(saved);
    expect(lock()).toEqual({ [`tenant:${tenant}`]: version });

    const versions = await harness.db.policyVersion.count();
    const applied = await policy('apply');
    expect(applied).toMatchObject({ code: 0, stdout: 'No changes: the files in policies are what is in force.\n' });
    expect(await harness.db.policyVersion.count()).toBe(versions);
    expect((await policy('diff')).code).toBe(0);

    // Pulling every document writes each into the file that already holds it, not a second one.
    write(`policies/mine.yaml`, read(`policies/tenant-${tenant}.yaml`));
    unlinkSync(path.join(root, `policies/tenant-${tenant}.yaml`));
    expect((await policy('pull')).code).toBe(0);
    expect(read('policies/mine.yaml')).toBe(saved);
    expect(() => read(`policies/tenant-${tenant}.yaml`)).toThrow();
  });

  it('an edited file is a change (exit 2, a unified diff), apply makes one version, then no changes', async () => {
    const tenant = await newTenant();
    const name = `tenant:${tenant}`;
    await putOnServer(name, tenantDocument(tenant));
    expect((await policy('pull', name)).code).toBe(0);
    const file = `policies/tenant-${tenant}.yaml`;

    write(file, tenantDocument(tenant, ['demo-embed', 'demo-chat']));
    const changed = await policy('diff');
    expect(changed.code).toBe(2);
    expect(changed.stdout).toContain(
      [
        `--- ${name} (in force, version 1)`,
        `+++ ${file}`,
        '@@ -4,4 +4,4 @@',
        `   name: "${name}"`,
        ' spec:',
        '   access:',
        '-    denyModels: { models: [demo-embed] }',
        '+    denyModels: { models: [demo-embed, demo-chat] }',
      ].join('\n'),
    );
    expect(changed.stdout).toContain(`  changed  ${name} (${file})`);

    // A comment is part of the text kept in force: it is a change too.
    write(file, `${tenantDocument(tenant, ['demo-embed', 'demo-chat'])}# no chat either\n`);
    const applied = await policy('apply', '-m', 'No chat');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`${name}: version 2 in force`);
    expect(lock()[name]).toBe(2);
    expect((await inForce(name)).yaml).toBe(read(file));
    expect((await policy('diff')).code).toBe(0);
  });

  it('a change made outside the files is drift (exit 3, even with changes); apply refuses it without --force', async () => {
    const tenant = await newTenant();
    const name = `tenant:${tenant}`;
    const file = `policies/tenant-${tenant}.yaml`;
    await putOnServer(name, tenantDocument(tenant));
    expect((await policy('pull', name)).code).toBe(0);
    const other = await newTenant();
    write('policies/other.yaml', tenantDocument(other));
    expect((await policy('apply')).code).toBe(0);

    // Someone changes the document in the portal (the same admin API).
    await putOnServer(name, tenantDocument(tenant, ['demo-chat']));
    const drift = await policy('diff');
    expect(drift.code).toBe(3);
    expect(drift.stdout).toContain(
      `  drift    ${name}: version 2 is in force, the lock file records 1: it was changed outside these files`,
    );
    // The diff shows what apply would do: put the file's text back over the outside change.
    expect(drift.stdout).toContain(
      '-    denyModels: { models: [demo-chat] }\n+    denyModels: { models: [demo-embed] }',
    );

    // Drift wins over changes in other documents.
    write('policies/other.yaml', tenantDocument(other, ['demo-chat']));
    expect((await policy('diff')).code).toBe(3);

    const versions = await harness.db.policyVersion.count();
    const refused = await policy('apply');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${name}: version 2 is in force, the lock file records 1`);
    expect(refused.stderr).toContain('gatehouse: refusing to overwrite 1 document changed outside these files');
    expect(await harness.db.policyVersion.count()).toBe(versions);

    const forced = await policy('apply', '--force');
    expect(forced.code).toBe(0);
    expect(lock()).toEqual({ [name]: 3, [`tenant:${other}`]: 2 });
    expect((await inForce(name)).yaml).toBe(read(file));
    expect((await policy('diff')).code).toBe(0);

    // Drift whose text is the file's own (made elsewhere from the same files): apply just records it.
    await putOnServer(name, read(file));
    expect((await policy('diff')).code).toBe(3);
    const recorded = await policy('apply');
    expect(recorded).toMatchObject({ code: 0, stdout: 'No changes: the files in policies are what is in force.\n' });
    expect(lock()[name]).toBe(4);
    expect((await policy('diff')).code).toBe(0);
  });

  it('rolls back to an earlier version: a new version in force, then drift until pulled', async () => {
    const tenant = await newTenant();
    const name = `tenant:${tenant}`;
    write('policies/tenant.yaml', tenantDocument(tenant));
    expect((await policy('apply')).code).toBe(0);
    write('policies/tenant.yaml', tenantDocument(tenant, ['demo-chat']));
    expect((await policy('apply')).code).toBe(0);

    const rolledBack = await policy('rollback', name, '--to', '1');
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toContain(`${name}: version 3 in force, with the content of version 1.`);
    const document = await inForce(name);
    expect(document).toMatchObject({ activeVersion: 3, yaml: tenantDocument(tenant) });
    expect(document.versions[0]?.message).toBe('Rollback to version 1');

    expect((await policy('diff')).code).toBe(3);
    expect((await policy('pull', name)).code).toBe(0);
    expect(read('policies/tenant.yaml')).toBe(tenantDocument(tenant));
    expect((await policy('diff')).code).toBe(0);

    const unknown = await policy('rollback', name, '--to', '99');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^gatehouse: the admin API refused POST \/admin\/policies\/.+\/rollback \(404 [a-z_]+\): .+\n$/,
    );
  });

  it('refuses, with nothing saved, a document the admin API finds invalid', async () => {
    const tenant = await newTenant();
    write('policies/tenant.yaml', tenantDocument(tenant, ['no-such-model']));
    const versions = await harness.db.policyVersion.count();
    const refused = await policy('apply');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'policies/tenant.yaml:7: spec.access.denyModels.models[0]: "no-such-model" is not a public model name of the catalog\n' +
        'gatehouse: 1 problem in the policy files: nothing was applied\n',
    );
    expect(await harness.db.policyVersion.count()).toBe(versions);
    expect(() => read(`policies/${LOCK_FILE_NAME}`)).toThrow();
  });

  it('reports a document the lock file names but no file holds, and documents the files do not manage', async () => {
    const tenant = await newTenant();
    const name = `tenant:${tenant}`;
    write('policies/tenant.yaml', tenantDocument(tenant));
    expect((await policy('apply')).code).toBe(0);
    unlinkSync(path.join(root, 'policies/tenant.yaml'));
    const unmanaged = await newTenant();
    await putOnServer(`tenant:${unmanaged}`, tenantDocument(unmanaged));

    const diff = await policy('diff');
    expect(diff.code).toBe(2);
    expect(diff.stdout).toContain(`  no file  ${name}: the lock file names it but no file in policies holds it`);
    expect(diff.stdout).toContain(`  not in the files  tenant:${unmanaged} (version 1 is in force; pull adds it)`);
    const apply = await policy('apply');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`gatehouse: ${name}: named by ${LOCK_FILE_NAME} but no file holds it`);
  });

  it('fails in one line, never with the token or a stack trace, when the admin API refuses or is not there', async () => {
    write('policies/tenant.yaml', tenantDocument(await newTenant()));

    const refused = await run(['policy', 'diff'], { GATEHOUSE_TOKEN: 'not-a-session-token' });
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'gatehouse: the admin API refused the token (401 unauthenticated): set GATEHOUSE_TOKEN to a valid session ' +
        'token of a platform admin (it may have expired)\n',
    });

    const member = await harness.tenantUser('OWNER');
    const forbidden = await run(['policy', 'diff'], { GATEHOUSE_TOKEN: member.token });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(
      /^gatehouse: .*\(403 [a-z_]+\): policy documents need a platform admin's token\n$/,
    );
    expect(forbidden.stderr).not.toContain(member.token);

    const port = await closedPort();
    const down = await run(['policy', 'diff'], { GATEHOUSE_ADMIN_URL: `http://127.0.0.1:${port}` });
    expect(down).toEqual({
      code: 1,
      stdout: '',
      stderr: `gatehouse: cannot reach the admin API at http://127.0.0.1:${port}/api/v1: connection refused (is it running? set GATEHOUSE_ADMIN_URL)\n`,
    });

    const badUrl = await run(['policy', 'diff'], { GATEHOUSE_ADMIN_URL: 'admin.example.com' });
    expect(badUrl.stderr).toBe('gatehouse: GATEHOUSE_ADMIN_URL: must be an http:// or https:// URL\n');
  });

  it('runs as `gatehouse` from node_modules/.bin, with the same exit codes', async () => {
    const tenant = await newTenant();
    write('policies/tenant.yaml', tenantDocument(tenant));
    const env = { ...process.env, GATEHOUSE_ADMIN_URL: harness.url, GATEHOUSE_TOKEN: adminToken };
    const changes = await runBin(['policy', 'diff'], env);
    expect(changes.code).toBe(2);
    expect((await runBin(['policy', 'apply'], env)).code).toBe(0);
    expect((await runBin(['policy', 'diff'], env)).code).toBe(0);
    await putOnServer(`tenant:${tenant}`, tenantDocument(tenant, ['demo-chat']));
    const drift = await runBin(['policy', 'diff'], env);
    expect(drift.code).toBe(3);
    expect(drift.stdout).toContain(`drift    tenant:${tenant}`);
  });

  /** The installed bin in a child process (asynchronously: the admin API answers from this process). */
  function runBin(argv: string[], env: NodeJS.ProcessEnv): Promise<Result> {
    return new Promise((resolve) => {
      execFile(BIN, argv, { cwd: root, env, timeout: 30_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        printed += stdout + stderr;
        resolve({ code, stdout, stderr });
      });
    });
  }
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
