import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { checkPostgres, checkRedis } from './preflight';

/** What `npm start` can find out about this machine: which programs are on the PATH, which Postgres clusters exist. */
export interface MachineFacts {
  /** Whether a program is on the PATH. */
  has(program: string): boolean;
  /** Debian's Postgres cluster versions (`/etc/postgresql/<version>`), newest last. */
  postgresVersions(): string[];
}

export type ServiceName = 'postgres' | 'redis';

/** What to do about a service that does not answer: run these commands, or tell the person how to get it. */
export type ServicePlan =
  | { kind: 'start'; service: ServiceName; description: string; commands: string[][] }
  | { kind: 'advise'; service: ServiceName; message: string };

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

const HOW_TO_GET = {
  postgres:
    'PostgreSQL is not installed: `apt-get install postgresql` (Debian/Ubuntu), `brew install postgresql@16` (macOS), ' +
    'or `docker compose up -d postgres redis`.',
  redis:
    'Redis is not installed: `apt-get install redis-server` (Debian/Ubuntu), `brew install redis` (macOS), ' +
    'or `docker compose up -d postgres redis`.',
} as const;

/**
 * How `npm start` brings up a service that is installed here but not running, as CI does: Debian's newest Postgres
 * cluster through `pg_ctlcluster`, or a daemonised `redis-server` bound to 127.0.0.1; otherwise one line says how to
 * get it. A service at a remote URL is never started: the URL is then the person's choice.
 */
export function planServiceStart(
  service: ServiceName,
  url: string,
  machine: MachineFacts,
  stateDir: string,
): ServicePlan {
  const parsed = new URL(url);
  if (!LOCAL_HOSTS.has(parsed.hostname)) {
    return {
      kind: 'advise',
      service,
      message: `${parsed.hostname} is not this machine: start ${service === 'postgres' ? 'PostgreSQL' : 'Redis'} there.`,
    };
  }
  if (service === 'postgres') {
    const version = machine.postgresVersions().at(-1);
    if (version && machine.has('pg_ctlcluster')) {
      return {
        kind: 'start',
        service,
        description: `PostgreSQL ${version} (pg_ctlcluster ${version} main start)`,
        // Inside containers without systemd the wrapper must not redirect to systemctl.
        commands: [
          ['pg_ctlcluster', '--skip-systemctl-redirect', version, 'main', 'start'],
          ['pg_ctlcluster', version, 'main', 'start'],
        ],
      };
    }
    if (machine.has('postgres') || machine.has('pg_ctl')) {
      return {
        kind: 'advise',
        service,
        message: 'PostgreSQL is installed but not running: start it (macOS: `brew services start postgresql@16`).',
      };
    }
    return { kind: 'advise', service, message: HOW_TO_GET.postgres };
  }
  if (machine.has('redis-server')) {
    const port = parsed.port || '6379';
    return {
      kind: 'start',
      service,
      description: `redis-server on 127.0.0.1:${port} (data in ${stateDir})`,
      commands: [
        [
          'redis-server',
          '--daemonize',
          'yes',
          '--bind',
          '127.0.0.1',
          '--port',
          port,
          '--dir',
          stateDir,
          '--logfile',
          path.join(stateDir, 'redis.log'),
        ],
      ],
    };
  }
  return { kind: 'advise', service, message: HOW_TO_GET.redis };
}

/** The facts of the machine `npm start` runs on. */
export const thisMachine: MachineFacts = {
  has(program) {
    return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
  },
  postgresVersions() {
    if (!existsSync('/etc/postgresql')) return [];
    return readdirSync('/etc/postgresql')
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(a) - Number(b));
  },
};

/** Runs a plan's commands until one succeeds; the first that exits 0 started the service. */
export function runServicePlan(plan: Extract<ServicePlan, { kind: 'start' }>, stateDir: string): boolean {
  mkdirSync(stateDir, { recursive: true });
  return plan.commands.some(([program, ...args]) => {
    if (!program) return false;
    return spawnSync(program, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
  });
}

/**
 * Checks Postgres and Redis and starts those that are installed here but not running; returns what is still wrong,
 * each problem with one line on how to get or start the service.
 */
export async function ensureLocalServices(
  databaseUrl: string,
  redisUrl: string,
  options: { stateDir: string; log: (line: string) => void; machine?: MachineFacts },
): Promise<string[]> {
  const machine = options.machine ?? thisMachine;
  const services = [
    { service: 'postgres', url: databaseUrl, check: () => checkPostgres(databaseUrl) },
    { service: 'redis', url: redisUrl, check: () => checkRedis(redisUrl) },
  ] as const;
  const problems: string[] = [];
  for (const { service, url, check } of services) {
    const problem = await check();
    if (problem === null) continue;
    const plan = planServiceStart(service, url, machine, path.join(options.stateDir, service));
    if (plan.kind === 'advise') {
      problems.push(`${problem}\n    ${plan.message}`);
      continue;
    }
    options.log(`Starting ${plan.description}`);
    const started = runServicePlan(plan, path.join(options.stateDir, service));
    const after = started ? await waitForService(check) : problem;
    if (after !== null) problems.push(`${after}\n    Starting it here did not work (${plan.description}).`);
  }
  return problems;
}

async function waitForService(check: () => Promise<string | null>, timeoutMs = 30_000): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let problem = await check();
  while (problem !== null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    problem = await check();
  }
  return problem;
}
