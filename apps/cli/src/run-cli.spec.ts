import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli';

/** The CLI run in this process, in `cwd`, without the admin API (these commands never need it). */
async function run(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: {},
    cwd,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

const GLOBAL = `apiVersion: gatehouse/v1
kind: Policy
metadata:
  name: global
spec:
  access:
    denyModels: { models: [demo-embed] }
    hours:
      mode: monitor
      windows: [{ days: [mon, tue, wed, thu, fri], from: "08:00", to: "19:00" }]
`;

const TESTS = `policies: [../policies]
cases:
  - name: chat in office hours
    request: { model: demo-chat, at: "2025-06-02T10:00:00Z" }
    expect: allow
  - name: embeddings are refused
    request: { model: demo-embed, at: "2025-06-02T10:00:00Z" }
    expect: deny
    rule: access.denyModels
  - name: late calls are watched
    request: { model: demo-chat, at: "2025-06-02T21:00:00+02:00", timeZone: Europe/Paris }
    expect: monitor
    rule: access.hours
    policy: global
`;

describe('gatehouse (offline)', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'gatehouse-cli-'));
    mkdirSync(path.join(root, 'policies'));
    mkdirSync(path.join(root, 'tests'));
    writeFileSync(path.join(root, 'policies', 'global.yaml'), GLOBAL);
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('prints help with the exit codes, and refuses unknown commands and bad arguments', async () => {
    const help = await run(root, 'policy', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate[\s\S]*diff[\s\S]*apply[\s\S]*pull[\s\S]*rollback[\s\S]*test/);
    expect(help.stdout).toContain('3 (diff, apply) drift');

    expect((await run(root, 'policy', 'destroy')).code).toBe(1);
    const badVersion = await run(root, 'policy', 'rollback', 'global', '--to', 'latest');
    expect(badVersion.code).toBe(1);
    expect(badVersion.stderr).toContain('must be a version number');
    expect((await run(root, 'policy', 'rollback', 'global')).stderr).toContain("required option '--to <version>'");
  });

  it('says, in one line, that a command needing the admin API has no token', async () => {
    const result = await run(root, 'policy', 'diff');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "gatehouse: GATEHOUSE_TOKEN is not set: it must hold a platform admin's session token (POST /api/v1/auth/login answers one)\n",
    );
  });

  it('validates the schema offline, naming file, line and path of each problem', async () => {
    const valid = await run(root, 'policy', 'validate', '--offline');
    expect(valid).toEqual({ code: 0, stdout: '1 policy document valid (schema only, offline).\n', stderr: '' });

    writeFileSync(
      path.join(root, 'policies', 'product.yaml'),
      GLOBAL.replace('global', 'product:demo').replace('models: [', 'model: ['),
    );
    const invalid = await run(root, 'policy', 'validate', '--offline');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toBe(
      [
        `${path.join('policies', 'product.yaml')}:7: spec.access.denyModels.models: Invalid input: expected array, received undefined`,
        `${path.join('policies', 'product.yaml')}:7: spec.access.denyModels.model: Unrecognized key: "model"`,
        '2 problems (2 policy files checked).',
        '',
      ].join('\n'),
    );
    expect((await run(root, 'policy', 'validate', '--offline', '--dir', 'elsewhere')).stderr).toBe(
      'gatehouse: elsewhere is not a directory (choose one with --dir)\n',
    );
  });

  it('runs test files offline: exit 0 when every case passes, 1 with each failure printed', async () => {
    writeFileSync(path.join(root, 'tests', 'access.yaml'), TESTS);
    const passing = await run(root, 'policy', 'test', 'tests/access.yaml');
    expect(passing).toEqual({ code: 0, stdout: '3 cases passed, 0 failed.\n', stderr: '' });

    writeFileSync(
      path.join(root, 'tests', 'wrong.yaml'),
      TESTS.replace('expect: allow', 'expect: deny').replace('rule: access.hours', 'rule: access.sourceIps'),
    );
    const failing = await run(root, 'policy', 'test', 'tests/access.yaml', 'tests/wrong.yaml');
    expect(failing.code).toBe(1);
    expect(failing.stderr).toBe(
      [
        `${path.join('tests', 'wrong.yaml')}:3: "chat in office hours": expected deny, got allow`,
        `${path.join('tests', 'wrong.yaml')}:10: "late calls are watched": expected monitor by access.sourceIps of global, ` +
          'got monitor (global access.hours: calls are not allowed at this time (mon 21:00, Europe/Paris))',
        '4 cases passed, 2 failed.',
        '',
      ].join('\n'),
    );
  });

  it('refuses a test file or a policy it names that is not valid, and one that does not exist', async () => {
    writeFileSync(path.join(root, 'tests', 'broken.yaml'), TESTS.replace('expect: allow', 'expect: maybe'));
    const broken = await run(root, 'policy', 'test', 'tests/broken.yaml');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^tests\/broken\.yaml:5: cases\[0\]\.expect: /);

    writeFileSync(path.join(root, 'policies', 'global.yaml'), `${GLOBAL}severity: high\n`);
    writeFileSync(path.join(root, 'tests', 'access.yaml'), TESTS);
    const badPolicy = await run(root, 'policy', 'test', 'tests/access.yaml');
    expect(badPolicy.code).toBe(1);
    expect(badPolicy.stderr).toContain('policies/global.yaml:11: severity: Unrecognized key: "severity"');

    expect((await run(root, 'policy', 'test', 'tests/none.yaml')).stderr).toBe(
      'gatehouse: tests/none.yaml: no such test file\n',
    );
  });
});
