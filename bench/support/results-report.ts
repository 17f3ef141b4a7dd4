import * as prettier from 'prettier';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { LoadMeasurement } from './load-run';

export interface ScenarioRow {
  name: string;
  /** A baseline row measures the machine's floor, not the server under test. */
  baseline: boolean;
  measurement: LoadMeasurement;
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${oneDecimal.format(bytes / 1024 ** 3)} GiB`;
  if (bytes >= 1024 ** 2) return `${oneDecimal.format(bytes / 1024 ** 2)} MiB`;
  if (bytes >= 1024) return `${oneDecimal.format(bytes / 1024)} KiB`;
  return `${number.format(bytes)} B`;
}

export function formatNumber(value: number): string {
  return number.format(value);
}

export function problemsOf(row: ScenarioRow): string[] {
  const { errors, non2xx, responses } = row.measurement;
  const problems: string[] = [];
  if (errors > 0) problems.push(`${errors} connection errors or timeouts`);
  if (non2xx > 0) problems.push(`${non2xx} non-2xx responses`);
  if (responses === 0) problems.push('no completed responses');
  return problems;
}

/** The mean of the baseline runs: the floor every other row is compared with. */
export function baselineRequestsPerSecond(rows: ScenarioRow[]): number | undefined {
  const baselines = rows.filter((row) => row.baseline);
  if (baselines.length === 0) return undefined;
  return baselines.reduce((sum, row) => sum + row.measurement.requestsPerSecond, 0) / baselines.length;
}

export function markdownTable(rows: ScenarioRow[]): string {
  const floor = baselineRequestsPerSecond(rows);
  const header = [
    'scenario',
    'req/s (mean)',
    'vs baseline',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    'responses',
    'bytes/response',
    'total bytes',
    'server CPU µs/req',
    'cores: server / autocannon / other',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index === 0 ? '---' : '--:')).join(' | ')} |`,
  ];
  for (const row of rows) {
    const m = row.measurement;
    const perResponse = m.responses > 0 ? m.bytes / m.responses : 0;
    const serverMicroseconds =
      m.serverCores === undefined || m.responses === 0
        ? 'n/a'
        : number.format((m.serverCores * m.durationSeconds * 1e6) / m.responses);
    const cores = [m.serverCores, m.clientCores, m.otherCores]
      .map((value) => (value === undefined ? 'n/a' : twoDecimals.format(value)))
      .join(' / ');
    lines.push(
      `| ${[
        row.name,
        number.format(m.requestsPerSecond),
        floor === undefined ? 'n/a' : `${number.format((100 * m.requestsPerSecond) / floor)} %`,
        String(m.latencyP50Ms),
        String(m.latencyP99Ms),
        String(m.errors),
        String(m.non2xx),
        number.format(m.responses),
        formatBytes(perResponse),
        formatBytes(m.bytes),
        serverMicroseconds,
        cores,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

export interface ResultsSection {
  title: string;
  facts: string[];
  table: string;
  reading: string[];
}

const RESULTS_HEADER = `# Benchmark results

Each run of a benchmark appends a dated section here; earlier sections are kept, so a change shows up as a
difference between two sections. Compare numbers only between sections with the same machine facts, and
always against the baseline of the same section: the machine is shared and its floor moves.
`;

/**
 * Appends a section to the results file, creating the file (with its header) if it is absent, then formats the
 * file with the repository's Prettier settings, so that `npm test`'s format check passes on a committed result.
 */
export async function appendResults(path: string, section: ResultsSection): Promise<void> {
  const text = [
    `## ${section.title}`,
    '',
    ...section.facts.map((fact) => `- ${fact}`),
    '',
    section.table,
    '',
    ...section.reading.map((paragraph) => `${paragraph}\n`),
  ].join('\n');
  const previous = existsSync(path) ? readFileSync(path, 'utf8').trimEnd() : RESULTS_HEADER.trimEnd();
  const markdown = `${previous}\n\n${text.trimEnd()}\n`;
  const options = await prettier.resolveConfig(path);
  writeFileSync(path, await prettier.format(markdown, { ...options, filepath: path }));
}

/** A Markdown table: the first `textColumns` columns left-aligned, the rest (numbers) right-aligned. */
export function textTable(header: string[], rows: string[][], textColumns = 1): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (index < textColumns ? '---' : '--:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
