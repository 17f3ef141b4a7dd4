/**
 * Load benchmark of the mock-provider: is it light enough to be the upstream of the gateway's load tests
 * (thousands of requests a second)? It runs the compiled server and a minimal node:http baseline as child
 * processes on 127.0.0.1, drives each with autocannon for a fixed time, prints a Markdown table and appends
 * it to bench/RESULTS.md. Exits 1 if any scenario saw an error or a non-2xx response.
 *
 *   npx tsx bench/mock-provider.bench.ts [--connections 50] [--duration 10] [--warmup 2] [--build] [--print-only]
 */
import { mockProviderConfigSchema, parseConfig } from '@gatehouse/config';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { builtMain } from '../scripts/stack/stack-apps';
import { runBenchSession } from './support/bench-session';
import { machineBusyCores, measureLoad, stopCurrentLoad, type LoadSettings, type LoadTarget } from './support/load-run';
import {
  appendResults,
  baselineRequestsPerSecond,
  formatBytes,
  formatNumber,
  markdownTable,
  problemsOf,
  type ScenarioRow,
} from './support/results-report';
import { freePort, LOOPBACK, startServer, stopAllServers, type ServerProcess } from './support/server-process';

const ROOT = path.resolve(__dirname, '..');
const MOCK_MAIN = builtMain('mock-provider');
/** What `mock-provider:build` compiles into MOCK_MAIN; a newer file here means dist is stale. */
const MOCK_SOURCES = ['apps/mock-provider/src', 'libs/config/src'];
const BASELINE_SERVER = 'bench/support/baseline-server.ts';
const RESULTS_FILE = 'bench/RESULTS.md';
const COMMAND = 'npx tsx bench/mock-provider.bench.ts';

const PREFERRED_PORTS = { mockProvider: 18190, baseline: 18191 };
/** "Thousands of requests a second": every mock-provider scenario must reach this to pass the reading. */
const REQUIRED_REQUESTS_PER_SECOND = 1_000;
/** Content chunks per streamed answer, pinned so that the stream scenario means the same on every run. */
const STREAM_CHUNKS = 8;
const EMBEDDING_DIMENSIONS = 1536;
/** Other processes' CPU, in cores, from which a row is called disturbed in the reading. */
const NOTICEABLE_OTHER_CORES = 0.25;

const BUILD_TIMEOUT_MS = 5 * 60_000;
const READY_TIMEOUT_MS = 20_000;
const SAMPLE_TIMEOUT_MS = 5_000;
/** Slack on top of the load runs for start-up, checks and shutdown before the whole run is abandoned. */
const SESSION_MARGIN_MS = 90_000;

interface Options {
  settings: LoadSettings;
  build: boolean;
  printOnly: boolean;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '50' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      build: { type: 'boolean', default: false },
      'print-only': { type: 'boolean', default: false },
    },
  });
  const bounded = (name: string, value: string, min: number, max: number) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new Error(`--${name} must be an integer from ${min} to ${max}, not ${value}`);
    }
    return parsed;
  };
  return {
    settings: {
      connections: bounded('connections', values.connections, 1, 1_000),
      durationSeconds: bounded('duration', values.duration, 1, 60),
      warmupSeconds: bounded('warmup', values.warmup, 1, 30),
      timeoutSeconds: 10,
    },
    build: values.build,
    printOnly: values['print-only'],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Scenarios

interface SampleResponse {
  status: number;
  contentType: string;
  text: string;
}

interface Scenario {
  name: string;
  server: 'baseline' | 'mock-provider';
  target: Omit<LoadTarget, 'url'> & { path: string };
  /** What the response costs to produce, named in the reading when this scenario is the slowest. */
  cost: string;
  /**
   * Checks one response before the load: a server that answers fast but wrong proves nothing. Returns the
   * problem, if any.
   */
  check(response: SampleResponse): string | undefined;
}

const openAiHeaders = { 'content-type': 'application/json', authorization: 'Bearer gh_bench' };
const anthropicHeaders = {
  'content-type': 'application/json',
  'x-api-key': 'gh_bench',
  'anthropic-version': '2023-06-01',
};

const chatRequest = {
  model: 'mock-chat',
  messages: [
    { role: 'system', content: 'You are the upstream of a load test.' },
    { role: 'user', content: 'Describe an AI gateway in one short paragraph.' },
  ],
};

const chatCompletionSchema = z.object({
  object: z.literal('chat.completion'),
  choices: z.array(z.object({ message: z.object({ content: z.string().min(1) }) })).length(1),
  usage: z.object({ completion_tokens: z.number().int().positive() }),
});

const chatChunkSchema = z.object({
  object: z.literal('chat.completion.chunk'),
  choices: z.array(z.object({ delta: z.object({ content: z.string().optional() }) })),
  usage: z.object({ completion_tokens: z.number().int().positive() }).nullable(),
});

const embeddingListSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ embedding: z.array(z.number()).length(EMBEDDING_DIMENSIONS) })).length(1),
});

const anthropicMessageSchema = z.object({
  type: z.literal('message'),
  content: z.array(z.object({ type: z.literal('text'), text: z.string().min(1) })).min(1),
  usage: z.object({ output_tokens: z.number().int().positive() }),
});

function checkJson(response: SampleResponse, schema: z.ZodType): string | undefined {
  if (response.status !== 200) return `status ${response.status}: ${response.text.slice(0, 200)}`;
  if (!response.contentType.startsWith('application/json')) return `content-type ${response.contentType}`;
  const parsed = schema.safeParse(JSON.parse(response.text));
  return parsed.success ? undefined : z.prettifyError(parsed.error);
}

/** The OpenAI stream contract with include_usage: N content chunks, then a usage chunk, then `[DONE]`. */
function checkChatStream(response: SampleResponse): string | undefined {
  if (response.status !== 200) return `status ${response.status}: ${response.text.slice(0, 200)}`;
  if (!response.contentType.startsWith('text/event-stream')) return `content-type ${response.contentType}`;
  const frames = response.text.split('\n\n').filter((frame) => frame !== '');
  if (frames.some((frame) => !frame.startsWith('data: '))) return 'a frame is not a `data:` line';
  const payloads = frames.map((frame) => frame.slice('data: '.length));
  if (payloads.at(-1) !== '[DONE]') return 'the stream does not end with [DONE]';
  const chunks = payloads.slice(0, -1).map((payload) => chatChunkSchema.parse(JSON.parse(payload)));
  const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content !== undefined).length;
  if (contentChunks !== STREAM_CHUNKS) return `${contentChunks} content chunks, expected ${STREAM_CHUNKS}`;
  const last = chunks.at(-1);
  if (last === undefined || last.choices.length !== 0 || last.usage === null) return 'no final usage chunk';
  return undefined;
}

function scenarios(baselineBody: () => string): Scenario[] {
  const chat: Scenario = {
    name: 'chat completions',
    server: 'mock-provider',
    target: { method: 'POST', path: '/v1/chat/completions', headers: openAiHeaders, body: JSON.stringify(chatRequest) },
    cost: 'parses and validates the request, hashes it to seed the text generator and serialises a JSON answer',
    check: (response) => checkJson(response, chatCompletionSchema),
  };
  const baseline: Scenario = {
    name: 'baseline: fixed JSON (node:http)',
    server: 'baseline',
    target: chat.target,
    cost: 'nothing beyond HTTP itself',
    check: (response) =>
      response.status === 200 && response.text === baselineBody() ? undefined : 'not the pre-serialised body',
  };
  return [
    baseline,
    chat,
    {
      name: `chat completions, stream (${STREAM_CHUNKS} chunks + usage)`,
      server: 'mock-provider',
      target: {
        method: 'POST',
        path: '/v1/chat/completions',
        headers: openAiHeaders,
        body: JSON.stringify({ ...chatRequest, stream: true, stream_options: { include_usage: true } }),
      },
      cost: `serialises ${STREAM_CHUNKS + 2} SSE frames per answer, each a full chunk object, and sends them chunked`,
      check: checkChatStream,
    },
    {
      name: `embeddings (${formatNumber(EMBEDDING_DIMENSIONS)} dims, float)`,
      server: 'mock-provider',
      target: {
        method: 'POST',
        path: '/v1/embeddings',
        headers: openAiHeaders,
        body: JSON.stringify({ model: 'mock-embed', input: 'The quick brown fox jumps over the lazy dog.' }),
      },
      cost: `draws ${formatNumber(EMBEDDING_DIMENSIONS)} PRNG components, normalises them and prints each as a decimal number in JSON, so every response is tens of kilobytes of text`,
      check: (response) => checkJson(response, embeddingListSchema),
    },
    {
      name: 'anthropic messages',
      server: 'mock-provider',
      target: {
        method: 'POST',
        path: '/v1/messages',
        headers: anthropicHeaders,
        body: JSON.stringify({
          model: 'claude-sonnet-4-5',
          max_tokens: 256,
          system: chatRequest.messages[0]?.content,
          messages: [chatRequest.messages[1]],
        }),
      },
      cost: 'parses and validates the request, hashes it to seed the text generator and serialises a JSON answer',
      check: (response) => checkJson(response, anthropicMessageSchema),
    },
    // The floor again at the end: the difference between the two baseline rows is the machine's drift.
    { ...baseline, name: 'baseline again (drift check)' },
  ];
}

async function sample(url: string, target: Scenario['target']): Promise<SampleResponse> {
  const response = await fetch(`${url}${target.path}`, {
    method: target.method,
    headers: target.headers,
    body: target.body,
    signal: AbortSignal.timeout(SAMPLE_TIMEOUT_MS),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The compiled server

interface BuildFacts {
  builtAt: Date;
  /** A source file newer than the build, if any: the numbers then describe older code. */
  newerSource: string | undefined;
}

/** Builds the mock-provider only when its entry point is missing (or `--build`), through its Nx target. */
async function ensureBuilt(force: boolean): Promise<BuildFacts> {
  const main = path.join(ROOT, MOCK_MAIN);
  if (force || !existsSync(main)) {
    process.stderr.write(`${force ? '--build' : `${MOCK_MAIN} is missing`}: npx nx run mock-provider:build\n`);
    await runBuild();
  }
  const builtAt = statSync(main).mtime;
  const newerSource = MOCK_SOURCES.flatMap((directory) =>
    readdirSync(path.join(ROOT, directory), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .map((file) => path.join(directory, file)),
  ).find((file) => statSync(path.join(ROOT, file)).mtime > builtAt);
  if (newerSource !== undefined) {
    process.stderr.write(
      `warning: ${newerSource} is newer than ${MOCK_MAIN}; this measures the last build (rerun with --build to rebuild)\n`,
    );
  }
  return { builtAt, newerSource };
}

function runBuild(): Promise<void> {
  // The workspace's own `nx` bin (what `npx nx` runs), wherever the installed version keeps it.
  const nx = path.join(ROOT, 'node_modules/.bin/nx');
  // An explicit environment, not this process's: the build needs only to find node and the workspace's bins.
  const env = {
    PATH: [
      path.dirname(process.execPath),
      path.join(ROOT, 'node_modules/.bin'),
      '/usr/local/bin',
      '/usr/bin',
      '/bin',
    ].join(path.delimiter),
    HOME: os.homedir(),
    NX_DAEMON: 'false',
    NX_TUI: 'false',
    NX_NO_CLOUD: 'true',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nx, 'run', 'mock-provider:build'], { cwd: ROOT, env, stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`mock-provider:build failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// The session

async function main(options: Options): Promise<number> {
  const { settings } = options;
  const loadAverage = os.loadavg();
  const busyAtStart = await machineBusyCores(1_000);
  const startedAt = new Date();
  const build = await ensureBuilt(options.build);

  // The mock's whole environment, validated by its own schema before it is started.
  const mockEnv = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // JSON logs stay in-process; `pretty` would add a pino-pretty worker thread to the measured process.
    LOG_FORMAT: 'json',
    MOCK_PROVIDER_HOST: LOOPBACK,
    MOCK_PROVIDER_PORT: String(await freePort(PREFERRED_PORTS.mockProvider)),
    MOCK_CHUNKS: String(STREAM_CHUNKS),
  };
  const mockConfig = parseConfig('mock-provider', mockProviderConfigSchema, mockEnv);
  const mockUrl = `http://${mockConfig.http.host}:${mockConfig.http.port}`;
  const mockProvider = await startServer({
    name: 'mock-provider',
    command: process.execPath,
    args: [MOCK_MAIN],
    cwd: ROOT,
    env: mockEnv,
    readyUrl: `${mockUrl}/healthz`,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });

  // The baseline answers with the mock's own chat completion, so both send bodies of the same size.
  let baselineBody = '';
  const plan = scenarios(() => baselineBody);
  for (const scenario of plan.filter((candidate) => candidate.server === 'mock-provider')) {
    const response = await sample(mockUrl, scenario.target);
    const problem = scenario.check(response);
    if (problem !== undefined) throw new Error(`${scenario.name}: the mock-provider answered wrongly: ${problem}`);
    if (scenario.target.path === '/v1/chat/completions' && baselineBody === '') baselineBody = response.text;
  }

  const baselinePort = await freePort(PREFERRED_PORTS.baseline);
  const baselineUrl = `http://${LOOPBACK}:${baselinePort}`;
  const baseline = await startServer({
    name: 'baseline',
    command: process.execPath,
    args: ['--import', 'tsx', BASELINE_SERVER, '--port', String(baselinePort), '--body', baselineBody],
    cwd: ROOT,
    env: { NODE_ENV: 'production' },
    readyUrl: `${baselineUrl}/healthz`,
    readyTimeoutMs: READY_TIMEOUT_MS,
  });
  for (const scenario of plan.filter((candidate) => candidate.server === 'baseline')) {
    const problem = scenario.check(await sample(baselineUrl, scenario.target));
    if (problem !== undefined) throw new Error(`${scenario.name}: the baseline answered wrongly: ${problem}`);
  }

  const servers: Record<Scenario['server'], { url: string; process: ServerProcess }> = {
    'mock-provider': { url: mockUrl, process: mockProvider },
    baseline: { url: baselineUrl, process: baseline },
  };
  process.stderr.write(
    `${plan.length} scenarios × (${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s), ` +
      `${settings.connections} connections, on ${mockUrl} and ${baselineUrl}\n`,
  );

  const rows: ScenarioRow[] = [];
  for (const scenario of plan) {
    const server = servers[scenario.server];
    const { path: targetPath, ...target } = scenario.target;
    process.stderr.write(`- ${scenario.name}… `);
    const measurement = await measureLoad(
      scenario.name,
      { ...target, url: `${server.url}${targetPath}` },
      settings,
      server.process,
    );
    process.stderr.write(`${formatNumber(measurement.requestsPerSecond)} req/s\n`);
    rows.push({ name: scenario.name, baseline: scenario.server === 'baseline', measurement });
  }
  await stopAllServers();

  const table = markdownTable(rows);
  const reading = readingOf(rows, plan, settings);
  const facts = [
    `Date: ${startedAt.toISOString()}`,
    `Machine: \`nproc\` = ${os.availableParallelism()} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `${formatBytes(os.totalmem())} RAM, ${os.type()}, Node ${process.version}; ` +
      `at start, other work kept ${busyAtStart.toFixed(2)} cores busy ` +
      `(load average ${loadAverage.map((value) => value.toFixed(2)).join(' / ')}; the machine is shared)`,
    process.argv.length > 2
      ? `Command: \`${COMMAND} ${process.argv.slice(2).join(' ')}\``
      : `Command: \`${COMMAND}\` (\`npm run bench:mock-provider\`)`,
    `Load: autocannon ${autocannonVersion()} in the benchmark process, ${settings.connections} connections, ` +
      `no pipelining, ${settings.warmupSeconds} s warm-up (discarded) then ${settings.durationSeconds} s per scenario, ` +
      `all on ${LOOPBACK}`,
    `Server: \`node ${MOCK_MAIN}\` (built ${build.builtAt.toISOString()}` +
      (build.newerSource === undefined ? '' : `; **older than ${build.newerSource}**`) +
      `), LOG_LEVEL=warn, MOCK_CHUNKS=${STREAM_CHUNKS}; baseline: \`node:http\` in its own process, answering ` +
      `every request with the mock's chat completion (${formatBytes(Buffer.byteLength(baselineBody))}) serialised once`,
  ];

  process.stdout.write(`\n${table}\n\n${reading.join('\n\n')}\n`);
  if (!options.printOnly) {
    await appendResults(path.join(ROOT, RESULTS_FILE), {
      title: `mock-provider, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      facts,
      table,
      reading,
    });
    process.stderr.write(`\nappended to ${RESULTS_FILE}\n`);
  }
  return rows.some((row) => problemsOf(row).length > 0) ? 1 : 0;
}

function readingOf(rows: ScenarioRow[], plan: Scenario[], settings: LoadSettings): string[] {
  const floor = baselineRequestsPerSecond(rows) ?? Number.NaN;
  const percent = (value: number) => `${formatNumber((100 * value) / floor)} %`;
  const mockRows = rows.filter((row) => !row.baseline);
  const bySpeed = [...mockRows].sort((a, b) => a.measurement.requestsPerSecond - b.measurement.requestsPerSecond);
  const slowest = bySpeed[0];
  const fastest = bySpeed.at(-1);
  const baselines = rows.filter((row) => row.baseline).map((row) => row.measurement);
  const reading: string[] = [];

  if (slowest !== undefined && fastest !== undefined) {
    const passes = slowest.measurement.requestsPerSecond >= REQUIRED_REQUESTS_PER_SECOND;
    const slowestPerResponse = slowest.measurement.bytes / Math.max(1, slowest.measurement.responses);
    const cost = plan.find((scenario) => scenario.name === slowest.name)?.cost;
    reading.push(
      `**Thousands of requests a second: ${passes ? 'yes' : 'no'}.** Every mock-provider scenario ` +
        `${passes ? 'sustained' : 'should sustain'} at least ${formatNumber(REQUIRED_REQUESTS_PER_SECOND)} req/s; ` +
        `the fastest, ${fastest.name}, ran at ${formatNumber(fastest.measurement.requestsPerSecond)} req/s ` +
        `(${percent(fastest.measurement.requestsPerSecond)} of the baseline's ${formatNumber(floor)}), and the slowest, ` +
        `${slowest.name}, at ${formatNumber(slowest.measurement.requestsPerSecond)} req/s ` +
        `(${percent(slowest.measurement.requestsPerSecond)}), p99 ${slowest.measurement.latencyP99Ms} ms with ` +
        `${settings.connections} connections in flight. The slowest sends ` +
        `${formatBytes(slowestPerResponse)} per response` +
        (cost === undefined ? '.' : `: it ${cost}.`),
    );
  }

  const [first, last] = [baselines[0], baselines.at(-1)];
  if (first !== undefined && last !== undefined && baselines.length > 1) {
    const drift = (100 * (last.requestsPerSecond - first.requestsPerSecond)) / first.requestsPerSecond;
    const disturbed = rows.filter((row) => (row.measurement.otherCores ?? 0) >= NOTICEABLE_OTHER_CORES);
    const steady = Math.abs(drift) <= 10 && disturbed.length === 0;
    reading.push(
      `The baseline ran first and last: ${formatNumber(first.requestsPerSecond)} then ` +
        `${formatNumber(last.requestsPerSecond)} req/s (${drift >= 0 ? '+' : ''}${drift.toFixed(1)} %). ` +
        (steady
          ? 'The floor held steady through the run. '
          : 'The machine was noisy: ' +
            (disturbed.length === 0
              ? 'compare rows with care. '
              : `other work took ${NOTICEABLE_OTHER_CORES} cores or more during ${disturbed.map((row) => row.name).join(', ')} ` +
                '(last column), which lowers those rows; the server CPU per request is the steadier figure. ')) +
        '"vs baseline" compares with the mean of the two.',
    );
  }

  const average = (pick: (row: ScenarioRow) => number | undefined) =>
    rows.reduce((sum, row) => sum + (pick(row) ?? 0), 0) / Math.max(1, rows.length);
  const client = average((row) => row.measurement.clientCores);
  const others = average((row) => row.measurement.otherCores);
  reading.push(
    `These are lower bounds. autocannon ran on the same ${os.availableParallelism()} cores as the server and ` +
      `used ${client.toFixed(2)} of a core on average, and other work on the machine took ${others.toFixed(2)} ` +
      `(last column), so the server never had the machine to itself. The server's CPU per request depends far ` +
      `less on that: 1,000,000 divided by it is roughly what one free core would serve.`,
  );

  const failures = rows.flatMap((row) => problemsOf(row).map((problem) => `${row.name}: ${problem}`));
  reading.push(
    failures.length === 0
      ? 'No connection errors, timeouts or non-2xx responses in any scenario, warm-ups included; each ' +
          'scenario was also checked once for a well-formed answer before the load.'
      : `**FAILED:** ${failures.join('; ')}.`,
  );
  return reading;
}

function autocannonVersion(): string {
  const manifest = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(path.join(ROOT, 'node_modules/autocannon/package.json'), 'utf8')));
  return manifest.version;
}

// ---------------------------------------------------------------------------------------------------------

runBenchSession({
  readOptions,
  // The whole session is bounded: the load runs plus a margin (and the build, if there is one), then everything
  // is stopped.
  budgetMs: (options) => {
    const { warmupSeconds, durationSeconds } = options.settings;
    return (
      scenarios(() => '').length * (warmupSeconds + durationSeconds) * 1000 +
      SESSION_MARGIN_MS +
      (options.build || !existsSync(path.join(ROOT, MOCK_MAIN)) ? BUILD_TIMEOUT_MS : 0)
    );
  },
  main,
  killNow: stopCurrentLoad,
  interrupted: 'stopping the servers',
});
