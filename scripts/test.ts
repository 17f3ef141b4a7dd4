/**
 * `npm test`: every tier, in order, each bounded in time.
 *   format            (Prettier)
 *   lint + typecheck  (Nx, cached)
 *   unit              (Nx, cached: `*.spec.ts` beside the code)
 *   build             (Nx, cached: what the e2e tier runs)
 *   integration       (`*.int-spec.ts` against the real Postgres and Redis, one database per suite)
 *   e2e               (`e2e/`: the whole stack started on its own ports, database and Redis prefix)
 * `npm test -- unit integration` runs only the named tiers.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from './stack/run-command';

const root = path.resolve(__dirname, '..');
const resultsDir = path.join(root, 'test-results');
const minutes = (count: number) => count * 60_000;

interface Tier {
  name: string;
  command: string;
  timeoutMs: number;
}

const tiers: Tier[] = [
  { name: 'format', command: 'npx prettier --check .', timeoutMs: minutes(3) },
  { name: 'lint', command: 'npx nx run-many -t lint typecheck --outputStyle=static', timeoutMs: minutes(10) },
  { name: 'unit', command: 'npx nx run-many -t test --outputStyle=static', timeoutMs: minutes(8) },
  {
    name: 'build',
    command: 'npx nx run-many -t build --outputStyle=static',
    timeoutMs: minutes(8),
  },
  {
    name: 'integration',
    command: 'npx jest -c jest.int.config.js --runInBand --json --outputFile=test-results/integration.json',
    timeoutMs: minutes(10),
  },
  {
    name: 'e2e',
    command: 'npx jest -c e2e/jest.config.js --runInBand --json --outputFile=test-results/e2e.json',
    timeoutMs: minutes(10),
  },
];

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !tiers.some((tier) => tier.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown tier(s): ${unknown.join(', ')}. Tiers: ${tiers.map((tier) => tier.name).join(', ')}`);
    process.exit(2);
  }
  const selected = requested.length > 0 ? tiers.filter((tier) => requested.includes(tier.name)) : tiers;

  rmSync(path.join(resultsDir, 'integration.json'), { force: true });
  rmSync(path.join(resultsDir, 'e2e.json'), { force: true });
  const started = Date.now();
  const failures: string[] = [];
  for (const tier of selected) {
    const tierStarted = Date.now();
    console.log(`\n━━ ${tier.name} ━━ ${tier.command}`);
    try {
      await runCommand(tier.command, {
        cwd: root,
        env: { NEXT_TELEMETRY_DISABLED: '1', NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
        timeoutMs: tier.timeoutMs,
      });
      console.log(`━━ ${tier.name} passed in ${seconds(Date.now() - tierStarted)}`);
    } catch (error) {
      console.error(`━━ ${tier.name} FAILED: ${error instanceof Error ? error.message : String(error)}`);
      failures.push(tier.name);
      // Later tiers still run: one report shows everything that is broken.
    }
  }

  const counts = countTests();
  console.log(
    `\nTiers: ${selected.length - failures.length} of ${selected.length} passed in ${seconds(Date.now() - started)}.`,
  );
  if (failures.length > 0) console.log(`Failed tiers: ${failures.join(', ')}`);
  const failed = counts.failed + (failures.length > 0 && counts.failed === 0 ? failures.length : 0);
  console.log(`tests: ${counts.passed} passed, ${failed} failed`);
  process.exit(failures.length > 0 ? 1 : 0);
}

/** Sums the Jest JSON reports that the unit (per project), integration and e2e tiers write. */
function countTests(): { passed: number; failed: number } {
  const files = [
    ...(existsSync(path.join(resultsDir, 'unit'))
      ? readdirSync(path.join(resultsDir, 'unit')).map((file) => path.join(resultsDir, 'unit', file))
      : []),
    path.join(resultsDir, 'integration.json'),
    path.join(resultsDir, 'e2e.json'),
  ].filter((file) => existsSync(file) && file.endsWith('.json'));
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
  return { passed, failed };
}

function seconds(milliseconds: number): string {
  return `${Math.round(milliseconds / 1000)}s`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
