/**
 * What the limits engine costs Redis and the gateway per request, measured without the rest of the gateway: N
 * requests go through the real `LimitsEngine` (the gateway's `LimitsModule` connection options), each one `admit`
 * and one `settle`, against a redis-server of this script's own (same binary as the machine's), so that
 * `INFO commandstats` counts these scripts only: the shared Redis also runs other processes' BullMQ scripts, which
 * are EVALSHA calls too. `--redis-url` measures against a given server instead, from deltas (then polluted by
 * whatever else runs there).
 *
 * Requests go in batches of `--batch` (admits issued at once, as concurrent requests would, so auto-pipelining
 * groups them; then their settles), and each phase is measured on its own:
 * - Redis: `usec_per_call` of the scripts (`evalsha` + `eval` + `fcall`) and of the commands they run, from
 *   `INFO commandstats`; the server's whole CPU (user + system, `INFO cpu`) per request, which adds reading and
 *   writing the sockets to the scripts' own time;
 * - this process: CPU per admit and per settle (`process.cpuUsage`: the engine, ioredis, GC).
 *
 * Scenarios: `bench` is the gateway benchmark's subscription (bench/support/bench-database.ts: rpm, tpm,
 * concurrency, three quotas, budget); `full` sets every limit (bursts too) on the subscription and on the key, and a
 * tenant budget: three scopes, as `RequestLimits` sends them.
 *
 *   npx tsx bench/support/limits-redis-cost.ts [--requests 20000] [--batch 100] [--scenario bench|full|both]
 *
 * Prints Markdown tables on stdout.
 */
import { type Limits } from '@gatehouse/contracts';
import {
  createHotPathRedisClient,
  createRedisClient,
  type LimitScope,
  LimitsEngine,
  type Reservation,
  RedisKeys,
} from '@gatehouse/redis';
import { type Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { freePort, LOOPBACK } from './server-process';

const REDIS_SERVER = '/usr/bin/redis-server';
const WARM_UP_REQUESTS = 2_000;
const START_TIMEOUT_MS = 10_000;

/** Every limit, huge so that nothing is refused: the cost of checking, not of refusing. */
const EVERY_LIMIT = {
  rpm: 2_000_000_000,
  rpmBurst: 1_000_000_000,
  tpm: 2_000_000_000,
  tpmBurst: 1_000_000_000,
  concurrency: 1_000_000,
  dailyTokens: 1e15,
  monthlyTokens: 1e15,
  monthlyCalls: 1e15,
  monthlyBudgetUsd: '999999999999',
} satisfies Limits;

/** The gateway benchmark's lifted subscription (`BENCH_LIMIT_OVERRIDES`): no bursts. */
const BENCH_LIMITS = {
  rpm: 2_000_000_000,
  tpm: 2_000_000_000,
  concurrency: 1_000_000,
  dailyTokens: 1e15,
  monthlyTokens: 1e15,
  monthlyCalls: 1e15,
  monthlyBudgetUsd: '999999999999',
} satisfies Limits;

type ScenarioName = 'bench' | 'full';

interface Scenario {
  name: ScenarioName;
  description: string;
  timeZone: string;
  scopes: (tenantId: string) => LimitScope[];
}

const SCENARIOS: Record<ScenarioName, Scenario> = {
  bench: {
    name: 'bench',
    description: 'the gateway benchmark’s subscription: rpm, tpm, concurrency, 3 quotas, budget (1 scope, 7 limits)',
    timeZone: 'UTC',
    scopes: () => [{ kind: 'subscription', id: randomUUID(), limits: BENCH_LIMITS }],
  },
  full: {
    name: 'full',
    description: 'every limit on the subscription and on the key, and a tenant budget (3 scopes, 15 limits)',
    timeZone: 'Europe/Paris',
    scopes: (tenantId) => [
      { kind: 'subscription', id: randomUUID(), limits: EVERY_LIMIT, modes: { monthlyCalls: 'monitor' } },
      { kind: 'key', id: randomUUID(), limits: EVERY_LIMIT },
      { kind: 'tenant', id: tenantId, limits: { monthlyBudgetUsd: '999999999999' } },
    ],
  },
};

/** What a chat completion reserves (input estimate + the default 4,096 output tokens) and what it then used. */
const RESERVE = { tokens: 4_160, costMicros: 12_480n };
const ACTUAL = { tokens: 57, costMicros: 171n };

interface CommandStat {
  calls: number;
  usec: number;
}

interface ServerSample {
  commands: Map<string, CommandStat>;
  cpuSeconds: number;
}

/** One phase (admits, or settles) over the whole run, and per batch: medians resist a busy machine's spikes. */
interface PhaseTotals {
  requests: number;
  clientMicros: number;
  serverCpuMicros: number;
  commands: Map<string, CommandStat>;
  batches: { scriptMicros: number; serverCpuMicros: number; clientMicros: number }[];
}

const SCRIPT_COMMANDS = ['evalsha', 'eval', 'fcall'];
/** Commands this script itself sends between phases: not the engine's cost. */
const OWN_COMMANDS = ['info'];

async function sample(redis: Redis): Promise<ServerSample> {
  const info = await redis.info('all');
  const commands = new Map<string, CommandStat>();
  let cpuSeconds = 0;
  for (const line of info.split('\r\n')) {
    const command = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (command !== null) {
      commands.set(command[1] as string, { calls: Number(command[2]), usec: Number(command[3]) });
      continue;
    }
    // The main thread's: where commands and scripts run (not the background threads).
    const cpu = /^used_cpu_(sys|user)_main_thread:([\d.]+)$/.exec(line);
    if (cpu !== null) cpuSeconds += Number(cpu[2]);
  }
  return { commands, cpuSeconds };
}

function addDelta(
  totals: PhaseTotals,
  before: ServerSample,
  after: ServerSample,
  requests: number,
  clientMicros: number,
): void {
  let ownUsec = 0;
  const script = { calls: 0, usec: 0 };
  for (const [name, stat] of after.commands) {
    const previous = before.commands.get(name) ?? { calls: 0, usec: 0 };
    const delta = { calls: stat.calls - previous.calls, usec: stat.usec - previous.usec };
    if (delta.calls === 0) continue;
    if (OWN_COMMANDS.includes(name)) {
      ownUsec += delta.usec;
      continue;
    }
    if (SCRIPT_COMMANDS.includes(name)) {
      script.calls += delta.calls;
      script.usec += delta.usec;
    }
    const total = totals.commands.get(name) ?? { calls: 0, usec: 0 };
    totals.commands.set(name, { calls: total.calls + delta.calls, usec: total.usec + delta.usec });
  }
  // The INFO that took `before` ran before this phase; the one that took `after` is counted in it: leave it out.
  const serverCpuMicros = (after.cpuSeconds - before.cpuSeconds) * 1e6 - ownUsec;
  totals.serverCpuMicros += serverCpuMicros;
  totals.requests += requests;
  totals.clientMicros += clientMicros;
  totals.batches.push({
    scriptMicros: script.calls === 0 ? 0 : script.usec / script.calls,
    serverCpuMicros: serverCpuMicros / requests,
    clientMicros: clientMicros / requests,
  });
}

function emptyTotals(): PhaseTotals {
  return { requests: 0, clientMicros: 0, serverCpuMicros: 0, commands: new Map(), batches: [] };
}

function clientMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

async function runScenario(
  scenario: Scenario,
  redisUrl: string,
  requests: number,
  batch: number,
): Promise<{ admit: PhaseTotals; settle: PhaseTotals }> {
  // The gateway's request-path connection.
  const engineRedis = createHotPathRedisClient(redisUrl, 'limits-redis-cost');
  const statsRedis = createRedisClient(redisUrl, { connectionName: 'limits-redis-cost-stats' });
  const prefix = `limits-cost-${randomUUID().slice(0, 8)}`;
  await Promise.all([engineRedis, statsRedis].map((client) => waitReady(client)));
  const engine = new LimitsEngine(engineRedis, new RedisKeys(prefix));
  const tenantId = randomUUID();
  const scopes = scenario.scopes(tenantId);
  const request = {
    tenantId,
    scopes,
    reserve: RESERVE,
    timeZone: scenario.timeZone,
    ttlMs: 10 * 60_000,
    failOpen: false,
  };

  const admit = emptyTotals();
  const settle = emptyTotals();
  const runBatch = async (size: number, measure: boolean) => {
    const before = measure ? await sample(statsRedis) : null;
    const cpu = process.cpuUsage();
    const decisions = await Promise.all(
      Array.from({ length: size }, () => engine.admit({ ...request, requestId: randomUUID() })),
    );
    const admitMicros = clientMicros(cpu);
    const afterAdmit = measure ? await sample(statsRedis) : null;
    const reservations: Reservation[] = decisions.map((decision) => {
      if (!decision.admitted || decision.reservation.backend !== 'redis') {
        throw new Error(`an admit was not admitted in Redis: ${JSON.stringify(decision, bigints)}`);
      }
      return decision.reservation;
    });
    const settleCpu = process.cpuUsage();
    const outcomes = await Promise.all(reservations.map((reservation) => engine.settle(reservation, ACTUAL)));
    const settleMicros = clientMicros(settleCpu);
    if (outcomes.some((outcome) => outcome !== 'settled')) throw new Error(`settle answered ${outcomes.join(', ')}`);
    if (before === null || afterAdmit === null) return;
    const afterSettle = await sample(statsRedis);
    addDelta(admit, before, afterAdmit, size, admitMicros);
    addDelta(settle, afterAdmit, afterSettle, size, settleMicros);
  };

  try {
    for (let done = 0; done < WARM_UP_REQUESTS; done += batch) await runBatch(batch, false);
    for (let done = 0; done < requests; done += batch) await runBatch(Math.min(batch, requests - done), true);
    const left = await engineRedis.zcard(engine.keys.reservationIndex(tenantId));
    if (left !== 0) throw new Error(`${left} reservations were left unsettled`);
  } finally {
    engine.close();
    await clearPrefix(statsRedis, prefix);
    engineRedis.disconnect();
    statsRedis.disconnect();
  }
  return { admit, settle };
}

async function clearPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

async function waitReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis did not become ready')), START_TIMEOUT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A redis-server of this run's own, on loopback, persisting nothing; stopped when the run ends. */
async function startPrivateRedis(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort(0);
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', LOOPBACK, '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `redis://${LOOPBACK}:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const probe = createRedisClient(url, { connectionName: 'limits-redis-cost-probe', lazyConnect: true });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`${REDIS_SERVER} did not start on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, stop: () => child.kill('SIGTERM') };
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function report(scenario: Scenario, phases: { admit: PhaseTotals; settle: PhaseTotals }): string {
  const fixed = (value: number, digits = 1) => value.toFixed(digits);
  const { admit, settle } = phases;
  const lines = [
    `### ${scenario.name}: ${scenario.description}`,
    '',
    `${admit.requests} requests, each one admit and one settle, in batches of ${admit.requests / admit.batches.length}; ` +
      'per request, the median over batches (the mean over all of them in brackets).',
    '',
    '| per request                                            |          admit |         settle |           both |',
    '| ------------------------------------------------------ | -------------: | -------------: | -------------: |',
  ];
  const row = (
    label: string,
    pick: (batch: PhaseTotals['batches'][number]) => number,
    mean: (totals: PhaseTotals) => number,
  ) => {
    const cell = (totals: PhaseTotals) => `${fixed(median(totals.batches.map(pick)))} (${fixed(mean(totals))})`;
    const both = `${fixed(median(admit.batches.map(pick)) + median(settle.batches.map(pick)))} (${fixed(mean(admit) + mean(settle))})`;
    lines.push(
      `| ${label.padEnd(54)} | ${cell(admit).padStart(14)} | ${cell(settle).padStart(14)} | ${both.padStart(14)} |`,
    );
  };
  const scriptMean = (totals: PhaseTotals) => {
    let calls = 0;
    let usec = 0;
    for (const name of SCRIPT_COMMANDS) {
      calls += totals.commands.get(name)?.calls ?? 0;
      usec += totals.commands.get(name)?.usec ?? 0;
    }
    return calls === 0 ? 0 : usec / calls;
  };
  row(
    'Redis CPU µs (INFO cpu, main thread: scripts + I/O)',
    (batch) => batch.serverCpuMicros,
    (totals) => totals.serverCpuMicros / totals.requests,
  );
  row('script usec_per_call (INFO commandstats, wall time)', (batch) => batch.scriptMicros, scriptMean);
  row(
    'client CPU µs (process.cpuUsage)',
    (batch) => batch.clientMicros,
    (totals) => totals.clientMicros / totals.requests,
  );
  lines.push('', 'Commands the scripts ran, per request (calls / µs):', '');
  lines.push('| command | admit calls | admit µs | settle calls | settle µs |');
  lines.push('| ------- | ----------: | -------: | -----------: | --------: |');
  const names = new Set([...admit.commands.keys(), ...settle.commands.keys()]);
  const sorted = [...names].sort(
    (a, b) =>
      (settle.commands.get(b)?.usec ?? 0) +
      (admit.commands.get(b)?.usec ?? 0) -
      (settle.commands.get(a)?.usec ?? 0) -
      (admit.commands.get(a)?.usec ?? 0),
  );
  for (const name of sorted) {
    const a = admit.commands.get(name) ?? { calls: 0, usec: 0 };
    const s = settle.commands.get(name) ?? { calls: 0, usec: 0 };
    lines.push(
      `| ${name} | ${fixed(a.calls / admit.requests, 2)} | ${fixed(a.usec / admit.requests, 2)} | ` +
        `${fixed(s.calls / settle.requests, 2)} | ${fixed(s.usec / settle.requests, 2)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '100' },
      scenario: { type: 'string', default: 'both' },
      'redis-url': { type: 'string' },
    },
  });
  const requests = Number(values.requests);
  const batch = Number(values.batch);
  if (!Number.isInteger(requests) || requests < 1) throw new Error('--requests must be a positive integer');
  if (!Number.isInteger(batch) || batch < 1) throw new Error('--batch must be a positive integer');
  const names: ScenarioName[] =
    values.scenario === 'both'
      ? ['bench', 'full']
      : [values.scenario as ScenarioName].filter((name) => name in SCENARIOS);
  if (names.length === 0) throw new Error('--scenario must be bench, full or both');

  const server = values['redis-url'] === undefined ? await startPrivateRedis() : null;
  const url = server?.url ?? (values['redis-url'] as string);
  try {
    console.log(
      `Redis: ${server === null ? `${url} (shared: other clients' commands are counted too)` : 'a private redis-server'}` +
        `; node ${process.version}; batch ${batch}; warm-up ${WARM_UP_REQUESTS} requests per scenario.\n`,
    );
    for (const name of names) {
      const scenario = SCENARIOS[name];
      console.log(report(scenario, await runScenario(scenario, url, requests, batch)));
      console.log('');
    }
  } finally {
    server?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
