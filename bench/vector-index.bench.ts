/**
 * Which vector index can serve the semantic cache: a lookup among 100,000 entries of one tenant at 1,536 dimensions
 * (OpenAI's text-embedding-3-small) must cost well under 1 ms of CPU, since the issue allows the whole semantic
 * lookup less than 5 × the bare proxy's CPU per request (~150–300 µs), the embedding call excluded.
 *
 * Candidates, each built from the same vectors in this process, one after the other:
 * - flat: `FlatVectorIndex` (@gatehouse/domain), an exact scan of one Float32Array: the baseline and the truth;
 * - HNSW through `hnswlib-node` (a native addon; takes `number[]`, so each call converts);
 * - HNSW through `usearch` (a native addon with prebuilt binaries; takes Float32Array), with f32 and with f16
 *   and i8 storage (half and a quarter of the memory).
 * A candidate whose package is not installed is skipped (`cd <checkout> && npm install --no-save <package>`).
 *
 * The vectors: `--entries` unit vectors, 80 % in 1,000 clusters (a tenant's prompts are not uniform: the same
 * topics come back) and 20 % uniformly random. The queries: half near-duplicates of a stored vector (cosine about
 * 0.97: what a cache hit looks like), half fresh vectors from the same clusters (a miss). Reported per candidate:
 * build time (wall and CPU per add), lookup CPU µs p50 / p99 (this process's user + system time around each
 * single k=1 lookup), recall@1 against the flat scan, and the memory the index took (RSS growth while building).
 *
 *   npx tsx bench/vector-index.bench.ts                                  # 100,000 × 1,536, every candidate: ~30 min on 2 cores
 *   npx tsx bench/vector-index.bench.ts --entries 20000 --print-only     # a smaller run; RESULTS.md untouched
 *   npx tsx bench/vector-index.bench.ts --dimensions 512 --only usearch  # a shortened embedding, usearch only
 *   npx tsx bench/vector-index.bench.ts --ef 32 --only i8                # a cheaper search
 */
import { FlatVectorIndex, type VectorIndex, type VectorMatch } from '@gatehouse/domain';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { appendResults, formatBytes, textTable } from './support/results-report';

const { values: options } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    dimensions: { type: 'string', default: '1536' },
    queries: { type: 'string', default: '300' },
    'flat-queries': { type: 'string', default: '40' },
    ef: { type: 'string', default: '64' },
    only: { type: 'string', default: '' },
    'print-only': { type: 'boolean', default: false },
  },
});

const ENTRIES = Number(options.entries);
const DIMENSIONS = Number(options.dimensions);
const QUERIES = Number(options.queries);
const FLAT_TIMED_QUERIES = Number(options['flat-queries']);
const EF = Number(options.ef);
/** Candidates whose name contains one of these words (comma-separated); all when empty. */
const ONLY = options.only
  .split(',')
  .map((word) => word.trim())
  .filter((word) => word !== '');
const CLUSTERS = 1000;
const CLUSTERED_SHARE = 0.8;
const ROOT = path.resolve(__dirname, '..');

/** mulberry32, so every run builds the same vectors. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function normalise(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.sqrt(squares) || 1;
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] ?? 0) / norm;
  return vector;
}

function randomUnit(random: () => number): Float32Array {
  return normalise(Float32Array.from({ length: DIMENSIONS }, () => gaussian(random)));
}

/** `base` moved by noise of the given size relative to its unit length, renormalised. */
function near(base: Float32Array, noise: number, random: () => number): Float32Array {
  const scale = noise / Math.sqrt(DIMENSIONS);
  return normalise(base.map((value) => value + gaussian(random) * scale));
}

interface Dataset {
  vectors: Float32Array[];
  queries: Float32Array[];
}

function dataset(): Dataset {
  const random = seededRandom(42);
  const centres = Array.from({ length: CLUSTERS }, () => randomUnit(random));
  const clustered = () => near(centres[Math.floor(random() * CLUSTERS)] as Float32Array, 0.8, random);
  const vectors = Array.from({ length: ENTRIES }, () =>
    random() < CLUSTERED_SHARE ? clustered() : randomUnit(random),
  );
  const queries = Array.from({ length: QUERIES }, (_, index) =>
    index % 2 === 0 ? near(vectors[Math.floor(random() * ENTRIES)] as Float32Array, 0.25, random) : clustered(),
  );
  return { vectors, queries };
}

/** A candidate index: how to make one for the dataset, or why it cannot be made here. */
interface Candidate {
  name: string;
  make: () => VectorIndex | string;
}

const requireOptional = createRequire(__filename);

function optionalPackage(name: string): unknown {
  try {
    return requireOptional(name);
  } catch {
    return undefined;
  }
}

interface HnswlibModule {
  HierarchicalNSW: new (
    space: string,
    dimensions: number,
  ) => {
    initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void;
    addPoint(point: number[], label: number): void;
    markDelete(label: number): void;
    searchKnn(point: number[], k: number): { distances: number[]; neighbors: number[] };
    setEf(ef: number): void;
    getCurrentCount(): number;
  };
}

/** hnswlib-node behind the interface: inner product on unit vectors, ids mapped to integer labels. */
function hnswlibIndex(module: HnswlibModule, ef: number): VectorIndex {
  const index = new module.HierarchicalNSW('ip', DIMENSIONS);
  index.initIndex(ENTRIES, 16, 128, 100);
  index.setEf(ef);
  const ids: string[] = [];
  const labels = new Map<string, number>();
  return {
    dimensions: DIMENSIONS,
    get size() {
      return labels.size;
    },
    add(id, vector) {
      const label = ids.length;
      ids.push(id);
      labels.set(id, label);
      index.addPoint(Array.from(vector), label);
    },
    remove(id) {
      const label = labels.get(id);
      if (label === undefined) return false;
      index.markDelete(label);
      return labels.delete(id);
    },
    nearest(vector, k = 1): VectorMatch[] {
      const found = index.searchKnn(Array.from(vector), k);
      return found.neighbors.map((label, rank) => ({
        id: ids[label] as string,
        similarity: 1 - (found.distances[rank] ?? 1),
      }));
    },
  };
}

interface UsearchModule {
  Index: new (config: {
    dimensions: number;
    metric: string;
    quantization: string;
    connectivity: number;
    expansion_add: number;
    expansion_search: number;
  }) => {
    add(keys: bigint, vector: Float32Array, threads?: number): void;
    remove(keys: bigint): number;
    search(vector: Float32Array, k: number, threads?: number): { keys: BigUint64Array; distances: Float32Array };
    size(): number;
  };
}

/** usearch behind the interface: cosine metric, ids mapped to integer keys, single-threaded like a request. */
function usearchIndex(module: UsearchModule, quantization: string, expansionSearch: number): VectorIndex {
  const index = new module.Index({
    dimensions: DIMENSIONS,
    metric: 'cos',
    quantization,
    connectivity: 16,
    expansion_add: 128,
    expansion_search: expansionSearch,
  });
  const ids: string[] = [];
  const keys = new Map<string, number>();
  return {
    dimensions: DIMENSIONS,
    get size() {
      return keys.size;
    },
    add(id, vector) {
      const key = ids.length;
      ids.push(id);
      keys.set(id, key);
      index.add(BigInt(key), vector as Float32Array, 1);
    },
    remove(id) {
      const key = keys.get(id);
      if (key === undefined) return false;
      index.remove(BigInt(key));
      return keys.delete(id);
    },
    nearest(vector, k = 1): VectorMatch[] {
      const found = index.search(vector as Float32Array, k, 1);
      return Array.from(found.keys, (key, rank) => ({
        id: ids[Number(key)] as string,
        similarity: 1 - (found.distances[rank] ?? 1),
      }));
    },
  };
}

function candidates(): Candidate[] {
  const hnswlib = optionalPackage('hnswlib-node') as HnswlibModule | undefined;
  const usearch = optionalPackage('usearch') as UsearchModule | undefined;
  const missing = (name: string) => `${name} is not installed`;
  const all: Candidate[] = [
    {
      name: `hnswlib-node f32 (M 16, ef ${EF})`,
      make: () => (hnswlib ? hnswlibIndex(hnswlib, EF) : missing('hnswlib-node')),
    },
    ...['f32', 'f16', 'i8'].map((quantization) => ({
      name: `usearch ${quantization} (M 16, ef ${EF})`,
      make: () => (usearch ? usearchIndex(usearch, quantization, EF) : missing('usearch')),
    })),
  ];
  return all.filter((candidate) => ONLY.length === 0 || ONLY.some((word) => candidate.name.includes(word)));
}

interface Measurement {
  name: string;
  buildSeconds: number;
  addCpuMicros: number;
  lookupP50: number;
  lookupP99: number;
  lookupMean: number;
  recallAt1: number | null;
  /** Recall@1 on the near-duplicate queries alone: would a cache hit be found? */
  hitRecallAt1: number | null;
  memoryBytes: number;
  note?: string;
}

const cpuMicros = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

async function measure(
  name: string,
  index: VectorIndex,
  data: Dataset,
  truth: string[] | null,
  timedQueries: number,
): Promise<Measurement> {
  // Let the last candidate's native memory go (finalisers run after a collection) before taking the baseline.
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 200));
  collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  const wallStart = performance.now();
  const cpuStart = cpuMicros();
  data.vectors.forEach((vector, position) => index.add(`entry-${position}`, vector));
  const addCpuMicros = (cpuMicros() - cpuStart) / data.vectors.length;
  const buildSeconds = (performance.now() - wallStart) / 1000;
  collectGarbage();
  const memoryBytes = process.memoryUsage().rss - rssBefore;
  for (const query of data.queries.slice(0, Math.min(20, timedQueries))) index.nearest(query, 1); // warm-up
  const costs: number[] = [];
  let correct = 0;
  let correctHits = 0;
  data.queries.slice(0, timedQueries).forEach((query, position) => {
    const started = cpuMicros();
    const [found] = index.nearest(query, 1);
    costs.push(cpuMicros() - started);
    if (!truth || found?.id !== truth[position]) return;
    correct += 1;
    if (position % 2 === 0) correctHits += 1;
  });
  const timed = Math.min(timedQueries, truth?.length ?? 0);
  costs.sort((left, right) => left - right);
  return {
    name,
    buildSeconds,
    addCpuMicros,
    lookupP50: percentile(costs, 0.5),
    lookupP99: percentile(costs, 0.99),
    lookupMean: costs.reduce((sum, cost) => sum + cost, 0) / costs.length,
    recallAt1: truth ? correct / timed : null,
    hitRecallAt1: truth ? correctHits / Math.ceil(timed / 2) : null,
    memoryBytes,
  };
}

const micros = (value: number) => value.toFixed(value < 10 ? 1 : 0);

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) {
    process.stderr.write('note: run with NODE_OPTIONS=--expose-gc for steadier memory figures\n');
  }
  const started = Date.now();
  process.stderr.write(`building ${ENTRIES} × ${DIMENSIONS} vectors and ${QUERIES} queries…\n`);
  const data = dataset();

  // The flat scan first: it is the truth for recall, computed on every query.
  const flat = new FlatVectorIndex(DIMENSIONS, ENTRIES);
  const flatRow = await measure('flat scan (exact, Float32Array)', flat, data, null, FLAT_TIMED_QUERIES);
  process.stderr.write(`flat: ${micros(flatRow.lookupP50)} µs p50; computing the true nearest of each query…\n`);
  const truth = data.queries.map((query) => flat.nearest(query, 1)[0]?.id ?? '');
  const nearDuplicates = data.queries.filter((_, position) => position % 2 === 0);
  const meanHitSimilarity =
    nearDuplicates.reduce((sum, query) => sum + (flat.nearest(query, 1)[0]?.similarity ?? 0), 0) /
    nearDuplicates.length;
  const rows: Measurement[] = [{ ...flatRow, recallAt1: 1, hitRecallAt1: 1 }];

  for (const candidate of candidates()) {
    const made = candidate.make();
    if (typeof made === 'string') {
      process.stderr.write(`${candidate.name}: skipped (${made})\n`);
      continue;
    }
    process.stderr.write(`${candidate.name}: building…\n`);
    const row = await measure(candidate.name, made, data, truth, QUERIES);
    process.stderr.write(
      `${candidate.name}: ${row.buildSeconds.toFixed(0)} s, ${micros(row.lookupP50)} µs p50, recall ${row.recallAt1}\n`,
    );
    rows.push(row);
  }

  const table = textTable(
    [
      'index',
      'build s',
      'add CPU µs',
      'lookup CPU µs p50',
      'p99',
      'mean',
      'recall@1',
      'recall@1, near-duplicates',
      'memory (RSS growth)',
    ],
    rows.map((row) => [
      row.name,
      row.buildSeconds.toFixed(1),
      micros(row.addCpuMicros),
      micros(row.lookupP50),
      micros(row.lookupP99),
      micros(row.lookupMean),
      row.recallAt1 === null ? '' : `${(row.recallAt1 * 100).toFixed(1)} %`,
      row.hitRecallAt1 === null ? '' : `${(row.hitRecallAt1 * 100).toFixed(1)} %`,
      formatBytes(row.memoryBytes),
    ]),
  );
  const facts = [
    `Command: \`npx tsx bench/vector-index.bench.ts --entries ${ENTRIES} --dimensions ${DIMENSIONS} --queries ${QUERIES} --ef ${EF}${
      ONLY.length > 0 ? ` --only '${ONLY.join(',')}'` : ''
    }\``,
    `Data: ${ENTRIES.toLocaleString('en-US')} unit vectors of ${DIMENSIONS} dimensions (${CLUSTERED_SHARE * 100} % in ${CLUSTERS} clusters, the rest uniform); ` +
      `${QUERIES} queries, half near-duplicates of a stored vector (mean cosine to the nearest ${meanHitSimilarity.toFixed(3)}), half fresh clustered vectors`,
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' / ')}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
    `The flat scan's lookups are timed on ${FLAT_TIMED_QUERIES} queries (each takes milliseconds); every index's recall@1 is against the flat scan on all ${QUERIES}`,
  ];
  const section = {
    title: `vector index, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    facts,
    table,
    reading: [
      "Lookup CPU is this process's user + system time around one k = 1 lookup (a native index runs it on the calling thread). " +
        'Memory is the RSS growth while the index was built: the vectors, the graph, and for the JavaScript wrappers their id maps.',
    ],
  };
  process.stdout.write(`${facts.map((fact) => `- ${fact}`).join('\n')}\n\n${table}\n`);
  if (!options['print-only']) {
    await appendResults(path.join(ROOT, 'bench/RESULTS.md'), section);
    process.stderr.write('appended to bench/RESULTS.md\n');
  }
}

void main();
