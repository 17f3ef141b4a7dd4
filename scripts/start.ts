/**
 * `npm start`: the whole platform on one machine. Checks Postgres and Redis (starting them where they are installed
 * but not running), creates and migrates the database, seeds it, builds what changed (Nx cache), runs the five apps
 * and prints where they are. Ctrl-C stops them all.
 */
import { loadConfig, maskUrl, stackConfigSchema } from '@gatehouse/config';
import path from 'node:path';
import { ensureLocalServices } from './stack/local-services';
import { runCommand } from './stack/run-command';
import { runStack } from './stack/run-stack';
import { stackApps } from './stack/stack-apps';

const root = path.resolve(__dirname, '..');
const APPS = ['mock-provider', 'gateway', 'admin-api', 'worker', 'portal'];

async function main(): Promise<void> {
  const config = loadConfig('npm start', stackConfigSchema);
  step(`Checking PostgreSQL (${maskUrl(config.database.url)}) and Redis (${maskUrl(config.redis.url)})`);
  // Installed but not running: started here as CI does (Debian's cluster, a daemonised redis-server on 127.0.0.1).
  const problems = await ensureLocalServices(config.database.url, config.redis.url, {
    stateDir: path.join(root, '.gatehouse', 'services'),
    log: step,
  });
  if (problems.length > 0) {
    console.error(`\nGatehouse cannot start:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
    process.exit(1);
  }

  const env = { DATABASE_URL: config.database.url, NEXT_TELEMETRY_DISABLED: '1' };
  step('Migrating the database (it is created if missing)');
  await runCommand('npm run --silent db:migrate', { cwd: root, env, timeoutMs: 120_000 });
  step('Seeding (idempotent)');
  await runCommand('npm run --silent db:seed', {
    cwd: root,
    env: { ...env, MOCK_PROVIDER_URL: `http://127.0.0.1:${config.ports.mockProvider}` },
    timeoutMs: 120_000,
  });
  step('Building the apps (cached by Nx: only what changed is rebuilt)');
  await runCommand(`npx nx run-many -t build --projects=${APPS.join(',')} --outputStyle=static`, {
    cwd: root,
    env,
    timeoutMs: 600_000,
  });

  step('Starting the apps');
  const apps = stackApps(config.ports, {
    databaseUrl: config.database.url,
    redisUrl: config.redis.url,
    redisKeyPrefix: config.redis.keyPrefix,
    logLevel: config.logLevel,
    logFormat: config.logFormat,
  });
  const stack = runStack(apps, { cwd: root, readyTimeoutMs: 120_000 });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: stopping every app…`);
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    await stack.ready;
  } catch (error) {
    if (stopping) return;
    console.error(`\nGatehouse did not come up: ${error instanceof Error ? error.message : String(error)}`);
    await stack.stop();
    process.exit(1);
  }

  const width = Math.max(...apps.map((app) => app.name.length));
  console.log(
    [
      '',
      'Gatehouse is running:',
      ...apps.map((app) => `  ${app.name.padEnd(width)}  ${app.publicUrl}`),
      '',
      `  Sign in to the portal as admin@gatehouse.local with the password ${config.adminPassword === 'gatehouse-admin' ? "'gatehouse-admin'" : 'from GATEHOUSE_ADMIN_PASSWORD'}.`,
      '  Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );

  await stack.exited;
  if (!stopping) {
    console.error('An app exited; the others were stopped.');
    process.exit(1);
  }
}

function step(message: string): void {
  console.log(`\n▸ ${message}`);
}

main().catch((error: unknown) => {
  console.error(`\nGatehouse could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
