/**
 * Summarises a V8 `.cpuprofile` (what `node --cpu-prof` writes): the functions with the most self time, and
 * self time by where the code lives (the gateway's own code, each `@gatehouse` lib, each npm package, Node's
 * internals). As a module for the benchmarks, or on its own:
 *
 *   npx tsx bench/support/cpu-profile-summary.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const cpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({
        functionName: z.string(),
        url: z.string(),
        lineNumber: z.number(),
      }),
      children: z.array(z.number()).optional(),
    }),
  ),
  /** Microseconds on the monotonic clock (`process.hrtime`'s), like every sample's time. */
  startTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface ProfileRow {
  name: string;
  /** Where: `file:line` relative to the workspace, or the area for grouped rows. */
  where: string;
  /**
   * For Node's internals and native code: the application or package function that called it (the one with
   * the most of this row's time), which says who asked for the work.
   */
  calledFrom: string;
  selfMs: number;
  /** Of the busy time: everything but `(idle)`. */
  percent: number;
}

export interface ProfileSummary {
  /** Sampled time, idle included, in ms. */
  totalMs: number;
  busyMs: number;
  functions: ProfileRow[];
  areas: ProfileRow[];
  /**
   * The application's own functions (`dist/apps`, `dist/libs`) by total time: themselves and everything they
   * called. What each step of a request costs, whoever does the work.
   */
  ownCode: ProfileRow[];
}

/** The code's home: `gateway`, `@gatehouse/db`, an npm package, `node:internal`, or V8's own `(…)` entries. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) {
    // `node:_http_server` → http, `node:internal/streams/readable` → streams, `node:events` → events.
    const first =
      url
        .slice('node:'.length)
        .replace(/^internal\//, '')
        .split('/')[0] ?? url;
    return `node: ${first.startsWith('_') ? (first.slice(1).split('_')[0] ?? first) : first}`;
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url);
  }
  // Builds write `dist/<project>/apps/...` and `dist/<project>/libs/...` (`nx run <project>:build`).
  const app = /\/dist\/(?:[^/]+\/)?apps\/([^/]+)\//.exec(url);
  if (app !== null) return `app: ${app[1] ?? ''}`;
  const lib = /\/dist\/(?:[^/]+\/)?libs\/([^/]+)\//.exec(url);
  if (lib !== null) return `@gatehouse/${lib[1] ?? ''}`;
  return url;
}

export interface SummaryOptions {
  /** Rows per table. */
  top?: number;
  /** Locations are shown relative to it. */
  root?: string;
  /**
   * Only the samples taken in this interval (µs, `process.hrtime` clock): the measured run, without the process's
   * start-up and warm-up.
   */
  window?: { fromUs: number; toUs: number };
}

function fileOf(url: string): string {
  return url.startsWith('file://') ? url.slice('file://'.length) : url;
}

export function summariseCpuProfile(file: string, options: SummaryOptions = {}): ProfileSummary {
  const { top = 25, root = process.cwd(), window } = options;
  const profile = cpuProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  // Native code (a V8 builtin, C++, WebAssembly) counts for the JavaScript that called it: `writev` for Node's
  // streams, WebAssembly for undici's HTTP parser or Prisma's query compiler.
  const callerArea = (id: number): string => {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined) return '(native)';
    const native = frame.url === '' || frame.url.startsWith('wasm://');
    if (native && frame.functionName.startsWith('(')) return frame.functionName;
    if (!native) return areaOf(fileOf(frame.url), frame.functionName);
    const parent = parents.get(id);
    return parent === undefined ? '(native)' : callerArea(parent);
  };
  /** The nearest caller of a Node-internal or native frame that lives in a file of the app or a package. */
  const codeCaller = (id: number): string => {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined || frame.url.startsWith('file://')) return '';
    for (let parent = parents.get(id); parent !== undefined; parent = parents.get(parent)) {
      const caller = nodes.get(parent)?.callFrame;
      if (caller?.url.startsWith('file://')) {
        return `${caller.functionName || '(anonymous)'} (${areaOf(fileOf(caller.url), caller.functionName)})`;
      }
    }
    return '';
  };
  // V8's timeDeltas[i] is the time before sample i; the time a sample stands for is the gap to the next one.
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    at += profile.timeDeltas[index] ?? 0;
    if (window !== undefined && (at < window.fromUs || at > window.toUs)) continue;
    const id = profile.samples[index] ?? -1;
    const weight = profile.timeDeltas[index + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, weight));
  }

  const keyOf = (id: number) => {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined) return undefined;
    const file = fileOf(frame.url);
    const where = file === '' ? '' : `${path.relative(root, file)}:${frame.lineNumber + 1}`;
    return {
      name: frame.functionName === '' ? '(anonymous)' : frame.functionName,
      where,
      own: /\/dist\/(?:[^/]+\/)?(apps|libs)\//.test(file),
    };
  };
  const ownCode = new Map<string, { name: string; where: string; us: number }>();
  const addInclusive = (leaf: number, us: number) => {
    const counted = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parents.get(id)) {
      const key = keyOf(id);
      if (key === undefined || !key.own) continue;
      const name = `${key.name} ${key.where}`;
      if (counted.has(name)) continue;
      counted.add(name);
      const row = ownCode.get(name) ?? { name: key.name, where: key.where, us: 0 };
      row.us += us;
      ownCode.set(name, row);
    }
  };
  const byFunction = new Map<string, { name: string; where: string; us: number; callers: Map<string, number> }>();
  const byArea = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const file = fileOf(frame.url);
    const where = file === '' ? '' : `${path.relative(root, file)}:${frame.lineNumber + 1}`;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const key = `${name} ${where}`;
    const row = byFunction.get(key) ?? { name, where, us: 0, callers: new Map<string, number>() };
    row.us += us;
    const caller = codeCaller(id);
    row.callers.set(caller, (row.callers.get(caller) ?? 0) + us);
    byFunction.set(key, row);
    const area = callerArea(id);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    addInclusive(id, us);
  }

  const busyUs = totalUs - idleUs;
  const percent = (us: number) => (busyUs === 0 ? 0 : (100 * us) / busyUs);
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    functions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((row) => ({
        name: row.name,
        where: row.where,
        calledFrom: [...row.callers.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '',
        selfMs: row.us / 1000,
        percent: percent(row.us),
      })),
    areas: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ name: area, where: area, calledFrom: '', selfMs: us / 1000, percent: percent(us) })),
    ownCode: [...ownCode.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((row) => ({
        name: row.name,
        where: row.where,
        calledFrom: '',
        selfMs: row.us / 1000,
        percent: percent(row.us),
      })),
  };
}

export function profileTable(rows: ProfileRow[], kind: 'functions' | 'areas' | 'own code'): string {
  const withWhere = kind !== 'areas';
  const header =
    kind === 'functions'
      ? ['function', 'where', 'called from (for Node internals and native code)', 'self ms', '% of busy']
      : kind === 'areas'
        ? ['area (native code counted for its caller)', 'self ms', '% of busy']
        : ['function (own code)', 'where', 'total ms (with callees)', '% of busy'];
  const textColumns = kind === 'functions' ? 3 : kind === 'areas' ? 1 : 2;
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index < textColumns ? '---' : '--:')).join(' | ')} |`,
  ];
  for (const row of rows) {
    const cells = withWhere
      ? [
          `\`${row.name}\``,
          row.where === '' ? '' : `\`${row.where}\``,
          ...(kind === 'functions' ? [row.calledFrom] : []),
        ]
      : [row.name];
    lines.push(`| ${[...cells, row.selfMs.toFixed(0), `${row.percent.toFixed(1)} %`].join(' | ')} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const file = positionals[0];
  if (file === undefined) {
    process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [--top 25]\n');
    process.exit(2);
  }
  const summary = summariseCpuProfile(file, { top: Number(values.top) });
  process.stdout.write(
    `${(summary.busyMs / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s sampled\n\n` +
      `${profileTable(summary.functions, 'functions')}\n\n${profileTable(summary.areas, 'areas')}\n\n` +
      `${profileTable(summary.ownCode, 'own code')}\n`,
  );
}
