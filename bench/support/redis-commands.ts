/**
 * Where Redis's time goes during a run, by script: `INFO commandstats` over the measured run, split by script with
 * a sample of Redis's slow log taken during the run's warm-up.
 *
 * Why both: commandstats counts every EVALSHA as one command whatever the script, so it cannot tell the limits'
 * `admit` from BullMQ's `addStandardJob`. The slow log can: with `slowlog-log-slower-than 0` it records every
 * command with its arguments (an EVALSHA's first is the script's SHA-1), its duration and its client's address.
 * Recording every command costs Redis time, and most of it lands inside scripts (each command a script runs is
 * recorded too, while the script's own clock runs), so the sample is taken during the warm-up, which is not
 * measured, and each logged script's duration is reduced by what recording its nested commands cost
 * (`calibrateNestedLogging`). The measured run keeps Redis's normal settings; its commandstats (deltas, so that
 * nothing is reset for other users of a shared Redis) give the totals, and the sample only their split.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Redis } from 'ioredis';

/** Commands that run a script (or function): their time includes the commands the script runs. */
const SCRIPT_COMMANDS = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall', 'fcall_ro']);
/** The slow log's client address for a command a script ran (Redis 7's Lua client). */
const SCRIPT_CLIENT = '?:0';
/** Where a command from a connection of none of the measured processes is counted. */
export const OTHER_CLIENTS = 'other clients';
/** Entries kept by the sample: the last ones of the warm-up, about half a second of the gateway at full load. */
const SAMPLE_ENTRIES = 50_000;

export interface CommandStat {
  calls: number;
  usec: number;
}

/** `INFO commandstats`, by command (`evalsha`, `config|set`, …). */
export async function readCommandStats(redis: Redis): Promise<Map<string, CommandStat>> {
  const stats = new Map<string, CommandStat>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (match?.[1] !== undefined) stats.set(match[1], { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/**
 * What ran between two readings, in scripts: their calls and time (a script's time includes what it runs; an
 * EVALSHA inside MULTI/EXEC is counted as an EVALSHA). Every client's, not only the benchmark's.
 */
export function scriptsBetween(before: Map<string, CommandStat>, after: Map<string, CommandStat>): CommandStat {
  let calls = 0;
  let usec = 0;
  for (const command of SCRIPT_COMMANDS) {
    calls += (after.get(command)?.calls ?? 0) - (before.get(command)?.calls ?? 0);
    usec += (after.get(command)?.usec ?? 0) - (before.get(command)?.usec ?? 0);
  }
  return { calls, usec };
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * SHA-1 → name of every script the measured apps can run, as ioredis's `defineCommand` loads them (its EVALSHA
 * names the SHA-1 of the script's text): the limits' scripts from the gateway's build (each `*.lua.js` file's
 * `*_LUA` exports: what the measured build runs, not the sources) and BullMQ's, from its package.
 */
export function knownScripts(root: string, builtApp: string): Map<string, string> {
  const load = createRequire(path.join(root, 'package.json'));
  const names = new Map<string, string>();
  const luaFiles = readdirSync(path.join(root, builtApp), { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.lua.js'),
  );
  for (const file of luaFiles) {
    const exported = load(path.join(root, builtApp, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exported)) {
      if (name.endsWith('_LUA') && typeof value === 'string') {
        names.set(sha1(value), name.slice(0, -'_LUA'.length).toLowerCase());
      }
    }
  }
  const bullmq = load(path.join(root, 'node_modules/bullmq/dist/cjs/scripts/index.js')) as Record<string, unknown>;
  for (const script of Object.values(bullmq)) {
    const { name, content } = script as { name?: unknown; content?: unknown };
    if (typeof name === 'string' && typeof content === 'string') names.set(sha1(content), `BullMQ ${name}`);
  }
  return names;
}

/**
 * Local ports of process `pid`'s TCP connections to `redisPort` (its sockets' inodes in /proc/<pid>/fd, looked up
 * in /proc/<pid>/net/tcp): how the slow log's client addresses are told apart by process, whatever the clients
 * call themselves (other people's tests name their connections as the gateway does).
 */
export function redisClientPorts(pid: number, redisPort: number): Set<number> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return new Set();
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  const ports = new Set<number>();
  for (const table of ['tcp', 'tcp6']) {
    let rows: string[];
    try {
      rows = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode (man 5 proc)
      const fields = row.trim().split(/\s+/);
      const [local, remote, inode] = [fields[1], fields[2], fields[9]];
      if (local === undefined || remote === undefined || inode === undefined || !inodes.has(inode)) continue;
      if (Number.parseInt(remote.split(':').at(-1) ?? '', 16) !== redisPort) continue;
      ports.add(Number.parseInt(local.split(':').at(-1) ?? '', 16));
    }
  }
  return ports;
}

/** Redis's slow-log settings before the benchmark changed them, to restore even from an exit handler. */
interface SlowlogSettings {
  slowerThan: string;
  maxLen: string;
}

/** Redis's own defaults (redis.conf). */
const REDIS_SLOWLOG_DEFAULTS: SlowlogSettings = { slowerThan: '10000', maxLen: '128' };

async function slowlogSettings(redis: Redis): Promise<SlowlogSettings> {
  const read = async (name: string) => {
    const reply = (await redis.config('GET', name)) as string[];
    const value = reply[1];
    if (value === undefined) throw new Error(`CONFIG GET ${name} answered nothing`);
    return value;
  };
  const settings = { slowerThan: await read('slowlog-log-slower-than'), maxLen: await read('slowlog-max-len') };
  // Another benchmark may be sampling at the same time: its settings are not the ones to put back, Redis's are.
  return settings.slowerThan === '0' ? REDIS_SLOWLOG_DEFAULTS : settings;
}

/**
 * What recording one command a script runs costs the script, in µs: the same script (16 HSETs) run 200 times with
 * every command logged and 200 times without, timed by commandstats (as EVAL, which nothing on the benchmark's path
 * sends), ten times each, alternating. Commandstats times by the wall clock, so a round in which Redis lost its core
 * reads high: the fastest round of each kind is kept.
 */
export async function calibrateNestedLogging(redis: Redis, scratchKey: string): Promise<number> {
  const nested = 16;
  const calls = 200;
  const rounds = 10;
  const lua = `for i = 1, ${nested} do redis.call('HSET', KEYS[1], 'f' .. i, ARGV[1]) end return 1`;
  const settings = await slowlogSettings(redis);
  const timed = async (slowerThan: string) => {
    await redis.config('SET', 'slowlog-log-slower-than', slowerThan);
    const before = await readCommandStats(redis);
    const pipeline = redis.pipeline();
    for (let call = 0; call < calls; call++) pipeline.eval(lua, 1, scratchKey, 'value');
    await pipeline.exec();
    const after = await readCommandStats(redis);
    return (after.get('eval')?.usec ?? 0) - (before.get('eval')?.usec ?? 0);
  };
  let logged = Infinity;
  let unlogged = Infinity;
  try {
    // A small log, full after the first calls: each entry then also frees the oldest, as in a full sample.
    await redis.config('SET', 'slowlog-max-len', '1000');
    for (let round = 0; round < rounds; round++) {
      logged = Math.min(logged, await timed('0'));
      unlogged = Math.min(unlogged, await timed(settings.slowerThan));
    }
  } finally {
    await restoreSlowlog(redis, settings);
    await redis.del(scratchKey);
  }
  return Math.max(0, logged - unlogged) / (calls * nested);
}

async function restoreSlowlog(redis: Redis, settings: SlowlogSettings): Promise<void> {
  await redis.config('SET', 'slowlog-log-slower-than', settings.slowerThan);
  await redis.slowlog('RESET');
  await redis.config('SET', 'slowlog-max-len', settings.maxLen);
}

/** The sampler's settings while it records: what `restoreSlowlogNow` puts back if the process ends meanwhile. */
let recording: { url: string; settings: SlowlogSettings } | undefined;

/**
 * Puts Redis's slow-log settings back synchronously (a short-lived node process), for an exit in the middle of a
 * sample: a shared Redis must not keep recording every command.
 */
export function restoreSlowlogNow(root: string): void {
  if (recording === undefined) return;
  const script =
    "const { Redis } = require('ioredis'); const [url, slowerThan, maxLen] = process.argv.slice(1);" +
    'const redis = new Redis(url, { maxRetriesPerRequest: 1 });' +
    "redis.config('SET', 'slowlog-log-slower-than', slowerThan).then(() => redis.slowlog('RESET'))" +
    ".then(() => redis.config('SET', 'slowlog-max-len', maxLen)).finally(() => redis.disconnect());";
  try {
    execFileSync(
      process.execPath,
      ['-e', script, recording.url, recording.settings.slowerThan, recording.settings.maxLen],
      {
        cwd: root,
        stdio: 'ignore',
        timeout: 5_000,
      },
    );
  } catch {
    // Nothing more can be done on the way out.
  }
  recording = undefined;
}

/** One command, or one script's run, as the sample saw it. */
interface Logged {
  /** The process it came from (`gateway`, `worker`), or `OTHER_CLIENTS`. */
  source: string;
  /** A script by its name (`admit`, `BullMQ addStandardJob`, `script <sha>` when unknown), else the command. */
  name: string;
  script: boolean;
  calls: number;
  /** Logged time: a script's includes logging the commands it ran. */
  usec: number;
  /** Commands the script ran (logged just before it). */
  nested: number;
}

export interface RedisSample {
  entries: Logged[];
}

/**
 * Records every command Redis runs from `start()` until `stopRecording()` (called when the measured run starts),
 * then `read()` turns what it kept into a sample and puts Redis's settings back.
 */
export class SlowlogSampler {
  private settings: SlowlogSettings | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly redisUrl: string,
  ) {}

  async start(): Promise<void> {
    this.settings = await slowlogSettings(this.redis);
    recording = { url: this.redisUrl, settings: this.settings };
    await this.redis.config('SET', 'slowlog-max-len', String(SAMPLE_ENTRIES));
    await this.redis.slowlog('RESET');
    await this.redis.config('SET', 'slowlog-log-slower-than', '0');
  }

  /** Stops recording (what was recorded stays until `read`). */
  async stopRecording(): Promise<void> {
    if (this.settings === undefined) return;
    await this.redis.config('SET', 'slowlog-log-slower-than', this.settings.slowerThan);
  }

  /**
   * The sample, each top-level command attributed to the process whose connection sent it (`sources`: process name
   * → its local ports), the commands a script ran folded into the script.
   */
  async read(sources: Record<string, Set<number>>, scripts: Map<string, string>): Promise<RedisSample> {
    if (this.settings === undefined) throw new Error('the sampler was not started');
    const raw = (await this.redis.slowlog('GET', SAMPLE_ENTRIES)) as unknown[];
    await this.restore();
    return summariseSlowlog(raw, sources, scripts);
  }

  /** Puts Redis's settings back and drops what was recorded; nothing when not recording. */
  async restore(): Promise<void> {
    if (this.settings === undefined) return;
    await restoreSlowlog(this.redis, this.settings);
    recording = undefined;
    this.settings = undefined;
  }
}

/** Entries in the order Redis ran them; a script's own commands are logged just before it (same client: `?:0`). */
function summariseSlowlog(
  raw: unknown[],
  sources: Record<string, Set<number>>,
  scripts: Map<string, string>,
): RedisSample {
  const parsed = raw
    .map((entry) => {
      const [id, , duration, args, client] = entry as [number, number, number, string[], string];
      return { id, duration, args, client };
    })
    .sort((a, b) => a.id - b.id);
  const sourceOf = (client: string) => {
    const port = Number(client.split(':').at(-1));
    return Object.entries(sources).find(([, ports]) => ports.has(port))?.[0] ?? OTHER_CLIENTS;
  };
  const totals = new Map<string, Logged>();
  let nested = 0;
  for (const entry of parsed) {
    if (entry.client === SCRIPT_CLIENT) {
      nested++;
      continue;
    }
    const command = (entry.args[0] ?? '').toLowerCase();
    const script = SCRIPT_COMMANDS.has(command);
    const sha = (entry.args[1] ?? '').toLowerCase();
    const source = sourceOf(entry.client);
    // Other clients' work is one row (scripts, other commands): only its size matters here.
    const name =
      source === OTHER_CLIENTS
        ? script
          ? 'scripts'
          : 'other commands'
        : !script
          ? command
          : command.startsWith('evalsha')
            ? (scripts.get(sha) ?? `script ${sha.slice(0, 8)}`)
            : `${command} (script text)`;
    const key = `${source}\0${name}`;
    const total = totals.get(key) ?? { source, name, script, calls: 0, usec: 0, nested: 0 };
    total.calls++;
    total.usec += entry.duration;
    total.nested += nested;
    totals.set(key, total);
    nested = 0;
  }
  return { entries: [...totals.values()] };
}

/** One source's script or command, per response of the measured run. */
export interface RedisShare {
  source: string;
  name: string;
  callsPerResponse: number;
  usecPerCall: number;
  usecPerResponse: number;
}

export interface RedisAttribution {
  /**
   * The measured processes' scripts per response: commandstats's count and time over the measured run (every
   * client's), less the share of other clients in the sample.
   */
  scriptCallsPerResponse: number;
  scriptUsecPerResponse: number;
  /** The split: the sample's shares scaled to the measured totals; biggest first. */
  shares: RedisShare[];
  /** Of the sample's script time, the fraction other clients of the (shared) Redis ran. */
  otherClientsShare: number;
  /**
   * The measured run's µs per script call over the sample's (corrected): 1 when the warm-up and the measured run
   * agree, below when the correction left some of the log's cost in, or the warm-up was the slower.
   */
  scale: number;
}

/**
 * Splits the measured run's script time (`measured`, from commandstats) by the sample's proportions. A script's
 * calls per response are its share of the sample's script calls times the measured script calls per response; its
 * µs per call the sample's, less `nestedCostUsec` per command it ran (the log's own cost), scaled so that the scripts
 * add up to the measured total. A scale rather than a cost fitted per nested command: what differs between the
 * warm-up and the measured run besides the log (a machine that got busier) then moves every script alike, instead
 * of taking it all from the scripts that run the most commands. Commands outside scripts are counted the same way,
 * with their logged time (nothing ran inside them).
 */
export function attribute(
  sample: RedisSample,
  measured: CommandStat,
  responses: number,
  nestedCostUsec: number,
): RedisAttribution {
  const scripts = sample.entries.filter((entry) => entry.script);
  const sum = (entries: Logged[], value: (entry: Logged) => number) =>
    entries.reduce((total, entry) => total + value(entry), 0);
  const sampledCalls = sum(scripts, (entry) => entry.calls);
  if (responses <= 0 || sampledCalls === 0 || measured.calls <= 0) {
    return { scriptCallsPerResponse: 0, scriptUsecPerResponse: 0, shares: [], otherClientsShare: 0, scale: 1 };
  }
  const corrected = (entry: Logged) => Math.max(0, entry.usec - (entry.script ? nestedCostUsec * entry.nested : 0));
  const correctedScripts = sum(scripts, corrected);
  const scale = correctedScripts === 0 ? 1 : measured.usec / measured.calls / (correctedScripts / sampledCalls);
  const callsScale = measured.calls / responses / sampledCalls;
  const shares = sample.entries
    .map((entry) => {
      const usecPerCall = (corrected(entry) / entry.calls) * (entry.script ? scale : 1);
      const callsPerResponse = entry.calls * callsScale;
      return {
        source: entry.source,
        name: entry.name,
        callsPerResponse,
        usecPerCall,
        usecPerResponse: callsPerResponse * usecPerCall,
      };
    })
    .sort((a, b) => b.usecPerResponse - a.usecPerResponse);
  const others = scripts.filter((entry) => entry.source === OTHER_CLIENTS);
  const otherClientsShare = correctedScripts === 0 ? 0 : sum(others, corrected) / correctedScripts;
  return {
    scriptCallsPerResponse: (measured.calls * (1 - sum(others, (entry) => entry.calls) / sampledCalls)) / responses,
    scriptUsecPerResponse: (measured.usec * (1 - otherClientsShare)) / responses,
    shares,
    otherClientsShare,
    scale,
  };
}
