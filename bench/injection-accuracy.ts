/**
 * How well does the prompt-injection detector separate attacks from ordinary prompts, and what does it cost?
 *
 * Scores every prompt of the labelled corpus (libs/domain/src/guardrails/injection/corpus/*.jsonl) with
 * `scoreInjection` and prints, as Markdown: the ROC curve (true- and false-positive rates at thresholds 0.05 ..
 * 0.95) over the whole corpus and over its held-out part, the best true-positive rate at a false-positive rate of
 * 2 % or less, the detection rate per category, the prompts the recommended threshold gets wrong, and the CPU time
 * per 4 KB prompt. No server, no network: it runs in a few seconds.
 *
 *   npx tsx bench/injection-accuracy.ts            # print
 *   npx tsx bench/injection-accuracy.ts --record   # print and append a dated section to bench/RESULTS.md
 */
import {
  DEFAULT_INJECTION_THRESHOLD,
  parseInjectionCorpus,
  rocCurve,
  ROC_THRESHOLDS,
  scoreInjection,
  truePositiveRateAt,
  type LabelledPrompt,
} from '@gatehouse/domain';
import * as prettier from 'prettier';
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const CORPUS_DIR = path.join(ROOT, 'libs/domain/src/guardrails/injection/corpus');
const PARTS = ['dev', 'holdout'] as const;
const MAX_FALSE_POSITIVE_RATE = 0.02;

interface Scored extends LabelledPrompt {
  part: (typeof PARTS)[number];
  score: number;
}

function load(): Scored[] {
  return PARTS.flatMap((part) => {
    const file = path.join(CORPUS_DIR, `${part}.jsonl`);
    return parseInjectionCorpus(readFileSync(file, 'utf8'), file).map((prompt) => ({
      ...prompt,
      part,
      score: scoreInjection(prompt.text).score,
    }));
  });
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function rocTable(all: Scored[], holdout: Scored[]): string {
  const whole = rocCurve(all, ROC_THRESHOLDS);
  const held = rocCurve(holdout, ROC_THRESHOLDS);
  const lines = [
    '| threshold | TPR (all) | FPR (all) | TPR (held-out) | FPR (held-out) |',
    '| --------: | --------: | --------: | -------------: | -------------: |',
  ];
  whole.forEach((point, index) => {
    const other = held[index];
    const mark = point.threshold === DEFAULT_INJECTION_THRESHOLD ? ' (default)' : '';
    lines.push(
      `| ${point.threshold.toFixed(2)}${mark} | ${percent(point.truePositiveRate)} | ${percent(point.falsePositiveRate)} | ` +
        `${other ? percent(other.truePositiveRate) : ''} | ${other ? percent(other.falsePositiveRate) : ''} |`,
    );
  });
  return lines.join('\n');
}

function categoryTable(all: Scored[]): string {
  const categories = [...new Set(all.map((prompt) => prompt.category))].sort();
  const lines = [
    '| category | label | prompts | flagged at the default threshold |',
    '| -------- | ----- | ------: | -------------------------------: |',
  ];
  for (const category of categories) {
    const prompts = all.filter((prompt) => prompt.category === category);
    const flagged = prompts.filter((prompt) => prompt.score >= DEFAULT_INJECTION_THRESHOLD).length;
    lines.push(
      `| ${category} | ${prompts[0]?.label ?? ''} | ${prompts.length} | ${flagged} (${percent(flagged / prompts.length)}) |`,
    );
  }
  return lines.join('\n');
}

/** How often a prompt in each score band is an injection: a calibrated score reads like that rate. */
function calibrationTable(all: Scored[]): string {
  const bands = [0, 0.2, 0.4, 0.6, 0.8, 1.0001];
  const lines = ['| score | prompts | injections among them |', '| ----- | ------: | -------------------: |'];
  for (let index = 0; index + 1 < bands.length; index += 1) {
    const low = bands[index] ?? 0;
    const high = bands[index + 1] ?? 1;
    const inBand = all.filter((prompt) => prompt.score >= low && prompt.score < high);
    const injections = inBand.filter((prompt) => prompt.label === 'injection').length;
    const rate = inBand.length === 0 ? '' : percent(injections / inBand.length);
    lines.push(`| ${low.toFixed(1)}–${Math.min(high, 1).toFixed(1)} | ${inBand.length} | ${injections} (${rate}) |`);
  }
  return lines.join('\n');
}

function mistakes(all: Scored[]): string {
  const wrong = all.filter((prompt) => (prompt.label === 'injection') !== prompt.score >= DEFAULT_INJECTION_THRESHOLD);
  if (wrong.length === 0) return 'None.';
  return wrong
    .map((prompt) => {
      const text = JSON.stringify(prompt.text.length > 100 ? `${prompt.text.slice(0, 100)}…` : prompt.text);
      const kind = prompt.label === 'injection' ? 'missed' : 'false alarm';
      return `- ${kind} (${prompt.part}, ${prompt.category}, score ${prompt.score.toFixed(2)}): \`${text.replace(/`/g, "'")}\``;
    })
    .join('\n');
}

/** Microseconds per call on 4 KB prompts made of the corpus's benign prompts, and of plain prose. */
function cost(all: Scored[]): string {
  const benign = all.filter((prompt) => prompt.label === 'benign').map((prompt) => prompt.text);
  let mixed = '';
  for (let index = 0; mixed.length < 4096; index += 1) mixed += `${benign[index % benign.length]}\n`;
  const prose = 'The quarterly report shows revenue grew by twelve percent while costs stayed flat. '.repeat(60);
  const rows = [
    ['4 KB of plain English prose', prose.slice(0, 4096)],
    ['4 KB of the benign prompts (dense in trigger words, several scripts)', mixed.slice(0, 4096)],
  ].map(([name, text]) => {
    for (let index = 0; index < 2000; index += 1) scoreInjection(text ?? '');
    const runs = 10_000;
    const started = process.cpuUsage();
    for (let index = 0; index < runs; index += 1) scoreInjection(text ?? '');
    const used = process.cpuUsage(started);
    return `| ${name} | ${((used.user + used.system) / runs).toFixed(1)} |`;
  });
  return ['| input | CPU µs per call |', '| ----- | --------------: |', ...rows].join('\n');
}

async function main(): Promise<void> {
  const all = load();
  const holdout = all.filter((prompt) => prompt.part === 'holdout');
  const benign = all.filter((prompt) => prompt.label === 'benign').length;
  const best = truePositiveRateAt(all, MAX_FALSE_POSITIVE_RATE);
  const bestHeld = truePositiveRateAt(holdout, MAX_FALSE_POSITIVE_RATE);
  const atDefault = rocCurve(all, [DEFAULT_INJECTION_THRESHOLD])[0];
  const report = [
    `## injection accuracy, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Command: \`npx tsx bench/injection-accuracy.ts\``,
    `- Corpus: ${all.length} prompts (${all.length - benign} injection, ${benign} benign = ${percent(benign / all.length)}), ` +
      `of which ${holdout.length} held out`,
    `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' / ')}`,
    '',
    rocTable(all, holdout),
    '',
    `**True-positive rate at ≤ 2 % false positives:** ${percent(best.truePositiveRate)} over the whole corpus ` +
      `(threshold ${best.threshold.toFixed(4)}, FPR ${percent(best.falsePositiveRate)}), ` +
      `${percent(bestHeld.truePositiveRate)} over the held-out part (threshold ${bestHeld.threshold.toFixed(4)}, ` +
      `FPR ${percent(bestHeld.falsePositiveRate)}). At the default threshold ${DEFAULT_INJECTION_THRESHOLD}: ` +
      `TPR ${percent(atDefault?.truePositiveRate ?? 0)}, FPR ${percent(atDefault?.falsePositiveRate ?? 0)}.`,
    '',
    categoryTable(all),
    '',
    calibrationTable(all),
    '',
    'Wrong at the default threshold:',
    '',
    mistakes(all),
    '',
    cost(all),
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
