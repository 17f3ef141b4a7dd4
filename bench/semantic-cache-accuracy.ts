/**
 * How well does the semantic cache's decision (cosine similarity of the prompts' embeddings at a threshold, AND the
 * guards of semantic-guards.ts) tell paraphrases from different questions, at each threshold?
 *
 * Embeds both prompts of every pair of the labelled fixture (libs/domain/src/cache/semantic-fixture.ts) with the
 * mock-provider's embeddings and prints, as Markdown: per threshold 0.80 .. 0.99, the paraphrase hit rate and the
 * false-hit rate (a wrong answer served) with and without the guards, and hits per kind; the wrong answers served
 * at the default threshold; the guards' CPU time per comparison. The fixture, the guards and the embeddings have
 * one author, so the rates are upper bounds. No server, no network: it runs in a few seconds.
 *
 *   npx tsx bench/semantic-cache-accuracy.ts            # print
 *   npx tsx bench/semantic-cache-accuracy.ts --record   # print and append a dated section to bench/RESULTS.md
 */
import {
  cosineSimilarity,
  DEFAULT_SEMANTIC_THRESHOLD,
  type ScoredPair,
  scorePair,
  SEMANTIC_FIXTURE,
  SEMANTIC_THRESHOLDS,
  semanticAccuracy,
  semanticMatchAllowed,
  type SemanticPairKind,
} from '@gatehouse/domain';
import * as prettier from 'prettier';
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateEmbedding } from '../apps/mock-provider/src/simulation/embedding-generator';

const ROOT = path.resolve(__dirname, '..');
const MODEL = 'text-embedding-3-small';
const DIMENSIONS = 1536;
const KINDS: SemanticPairKind[] = [
  'paraphrase',
  'different_question',
  'negation',
  'different_number',
  'different_entity',
];

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function score(): ScoredPair[] {
  return SEMANTIC_FIXTURE.map((pair) =>
    scorePair(
      pair,
      cosineSimilarity(
        generateEmbedding(MODEL, pair.query, DIMENSIONS),
        generateEmbedding(MODEL, pair.cached, DIMENSIONS),
      ),
    ),
  );
}

function thresholdTable(scored: ScoredPair[]): string {
  const lines = [
    `| threshold | paraphrase hits | false hits | false hits without guards | ${KINDS.slice(1).join(' | ')} |`,
    `| --------: | --------------: | ---------: | ------------------------: | ${KINDS.slice(1)
      .map(() => '--:')
      .join(' | ')} |`,
  ];
  for (const threshold of SEMANTIC_THRESHOLDS) {
    const accuracy = semanticAccuracy(scored, threshold);
    const mark = threshold === DEFAULT_SEMANTIC_THRESHOLD ? ' (default)' : '';
    const kinds = KINDS.slice(1).map((kind) => {
      const entry = accuracy.hitsByKind[kind];
      return entry ? `${entry.hits} / ${entry.pairs}` : '';
    });
    lines.push(
      `| ${threshold.toFixed(2)}${mark} | ${percent(accuracy.paraphraseHitRate)} | ${percent(accuracy.falseHitRate)} | ` +
        `${percent(accuracy.falseHitRateWithoutGuards)} | ${kinds.join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

function pairLine(pair: ScoredPair): string {
  const guard = pair.guard.allowed ? 'guards allowed' : `guard: ${pair.guard.reason}`;
  return `- ${pair.kind}, cosine ${pair.similarity.toFixed(3)}, ${guard}: \`${pair.query}\` / \`${pair.cached}\``.replace(
    /`([^`]*)`/g,
    (_, text: string) => `\`${text.replace(/`/g, "'")}\``,
  );
}

/** What the guards alone stop at the default threshold, and the paraphrases they (or the similarity) turn away. */
function details(scored: ScoredPair[]): string {
  const atDefault = semanticAccuracy(scored, DEFAULT_SEMANTIC_THRESHOLD);
  const stopped = scored.filter(
    (pair) => pair.kind !== 'paraphrase' && pair.similarity >= DEFAULT_SEMANTIC_THRESHOLD && !pair.guard.allowed,
  );
  const missed = scored.filter(
    (pair) => pair.kind === 'paraphrase' && (pair.similarity < DEFAULT_SEMANTIC_THRESHOLD || !pair.guard.allowed),
  );
  return [
    `Wrong answers served at the default threshold: ${atDefault.falseHits.length === 0 ? 'none.' : ''}`,
    '',
    ...atDefault.falseHits.map(pairLine),
    '',
    `Similar enough at the default threshold but stopped by a guard: ${stopped.length === 0 ? 'none.' : ''}`,
    '',
    ...stopped.map(pairLine),
    '',
    `Paraphrases not answered from the cache at the default threshold (${missed.length}):`,
    '',
    ...missed.map(pairLine),
  ].join('\n');
}

/** CPU µs of one `semanticMatchAllowed` on the fixture's pairs (both texts read each time, as a lookup does). */
function guardCost(): string {
  const pairs = SEMANTIC_FIXTURE;
  for (let round = 0; round < 20; round += 1) for (const pair of pairs) semanticMatchAllowed(pair.query, pair.cached);
  const rounds = 200;
  const started = process.cpuUsage();
  for (let round = 0; round < rounds; round += 1)
    for (const pair of pairs) semanticMatchAllowed(pair.query, pair.cached);
  const used = process.cpuUsage(started);
  return `The guards cost ${((used.user + used.system) / (rounds * pairs.length)).toFixed(1)} µs of CPU per comparison (both texts read).`;
}

async function main(): Promise<void> {
  const scored = score();
  const counts = KINDS.map((kind) => `${scored.filter((pair) => pair.kind === kind).length} ${kind}`).join(', ');
  const report = [
    `## semantic cache accuracy, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Command: \`npx tsx bench/semantic-cache-accuracy.ts\``,
    `- Fixture: ${scored.length} pairs (${counts}); embeddings: the mock-provider's (${MODEL}, ${DIMENSIONS} dimensions)`,
    `- A hit: cosine ≥ threshold and every guard allows it. False hits: hits among the pairs that must not hit.`,
    `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    '- Upper bounds: the fixture, the guards and the embeddings were written by one author, with each other in view.',
    '',
    thresholdTable(scored),
    '',
    details(scored),
    '',
    guardCost(),
    '',
  ].join('\n');
  // Formatted as the repository formats Markdown, so RESULTS.md stays as `prettier --check` wants it.
  const options = (await prettier.resolveConfig(path.join(ROOT, 'bench/RESULTS.md'))) ?? {};
  const formatted = await prettier.format(report, { ...options, parser: 'markdown' });
  process.stdout.write(formatted);
  if (process.argv.includes('--record')) {
    appendFileSync(path.join(ROOT, 'bench/RESULTS.md'), `\n${formatted}`);
    process.stderr.write('appended to bench/RESULTS.md\n');
  }
}

void main();
