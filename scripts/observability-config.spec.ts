import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Metric, register, Registry } from 'prom-client';
import { parse } from 'yaml';
import { GatewayMetrics } from '../apps/gateway/src/observability/gateway-metrics';
import { QueueMetrics } from '../apps/worker/src/jobs/queue-metrics';
// Imported for what they register in the process's registry: the admin API's request metrics and the worker's
// reconciliation and partition gauges.
import '../apps/admin-api/src/common/request-metrics';
import '../apps/worker/src/maintenance/partitions-ahead.processor';
import '../apps/worker/src/maintenance/usage-reconciliation.processor';

/**
 * The Prometheus rules and the Grafana dashboard of deploy/observability query metrics by name; a name the apps do
 * not export (a typo, a metric renamed since) makes an alert that never fires or a panel that stays empty, silently.
 * promtool would check the PromQL syntax but is not a dependency of the project, so this reads every expression,
 * takes the metric names and labels it uses, and checks them against what the apps register.
 */

const ROOT = path.join(__dirname, '..');
const DEPLOY = path.join(ROOT, 'deploy/observability');

/** Series Prometheus makes itself for every target. */
const PROMETHEUS_SERIES = new Map([['up', ['job', 'instance']]]);
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
/** PromQL words that are not metric names (functions and aggregations are told by the `(` that follows them). */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left']);

interface MetricInfo {
  type: string;
  labels: readonly string[];
}

/** Every metric the gateway, worker and admin-api register, with its type and label names. */
async function registeredMetrics(): Promise<Map<string, MetricInfo>> {
  const gateway = new GatewayMetrics({ tenantLabels: true, maxTenants: 1 });
  const worker = new Registry();
  new QueueMetrics({ queue: () => undefined } as never, Date.now, worker);
  const metrics = new Map<string, MetricInfo>();
  for (const registry of [gateway.registry, worker, register]) {
    // The registry's own type lists only the fields it formats; each entry is a metric with `get()` and its labels.
    for (const metric of registry.getMetricsAsArray() as unknown as (Metric & { labelNames?: string[] })[]) {
      const { name, type } = await metric.get();
      metrics.set(name, { type: String(type), labels: metric.labelNames ?? [] });
    }
  }
  return metrics;
}

/** What a series name in a query refers to: the metric itself, or a histogram's bucket, sum or count. */
function lookUp(metrics: Map<string, MetricInfo>, series: string): MetricInfo | undefined {
  const prometheusLabels = PROMETHEUS_SERIES.get(series);
  if (prometheusLabels !== undefined) return { type: 'gauge', labels: prometheusLabels };
  const exact = metrics.get(series);
  if (exact !== undefined) return exact.type === 'histogram' ? undefined : exact;
  for (const suffix of HISTOGRAM_SUFFIXES) {
    const histogram = series.endsWith(suffix) ? metrics.get(series.slice(0, -suffix.length)) : undefined;
    if (histogram?.type === 'histogram') {
      return { type: 'counter', labels: suffix === '_bucket' ? [...histogram.labels, 'le'] : histogram.labels };
    }
  }
  return undefined;
}

/** The metric names an expression reads. */
function seriesNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\$\w+/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\boffset\s+\w+/g, '');
  const names = [...bare.matchAll(/[A-Za-z_:][\w:]*(?!\s*\()(?![\w:])/g)].map(([name]) => name);
  return names.filter((name) => !KEYWORDS.has(name));
}

/** The label names an expression matches on or groups by. */
function labelNames(expr: string): string[] {
  const unquoted = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const matchers = [...unquoted.matchAll(/\{([^}]*)\}/g)].flatMap(([, body = '']) =>
    [...body.matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)].map(([, label = '']) => label),
  );
  const groupings = [...unquoted.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)];
  const grouped = groupings.flatMap(([, list = '']) => list.split(',').map((label) => label.trim()));
  return [...matchers, ...grouped].filter((label) => label !== '');
}

interface Query {
  where: string;
  expr: string;
}

function alertQueries(): Query[] {
  const rules = parse(readFileSync(path.join(DEPLOY, 'prometheus/alerts.yml'), 'utf8')) as {
    groups: { name: string; rules: { alert: string; expr: string; for?: string; labels: Record<string, string> }[] }[];
  };
  return rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  );
}

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

function dashboardPanels(): Panel[] {
  return (
    JSON.parse(readFileSync(path.join(DEPLOY, 'grafana/dashboards/gatehouse.json'), 'utf8')) as { panels: Panel[] }
  ).panels;
}

function dashboardQueries(): Query[] {
  return dashboardPanels().flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr })),
  );
}

describe('seriesNames and labelNames', () => {
  it('take the metric names and labels of a query, not its functions, keywords, label values or durations', () => {
    const expr =
      'sum by (rule) (rate(a_total{action="block", x!~"b_c"}[5m] offset 1d)) > on () group_left () ' +
      '(0.1 * sum(rate(d_bucket[$__rate_interval]))) and e == 2';
    expect(seriesNames(expr)).toEqual(['a_total', 'd_bucket', 'e']);
    expect(labelNames(expr)).toEqual(['action', 'x', 'rule']);
  });
});

describe('deploy/observability', () => {
  let metrics: Map<string, MetricInfo>;

  beforeAll(async () => {
    metrics = await registeredMetrics();
  });

  it('reads the metrics the apps register, not an empty list', () => {
    expect(metrics.get('gatehouse_requests_total')?.labels).toEqual(['route', 'model', 'status_class', 'tenant']);
    expect(metrics.get('gatehouse_queue_jobs')?.labels).toEqual(['queue', 'state']);
    expect(metrics.get('gatehouse_admin_request_duration_seconds')?.type).toBe('histogram');
    expect(lookUp(metrics, 'gen_ai_server_request_duration_seconds_bucket')?.labels).toContain('le');
    expect(lookUp(metrics, 'gen_ai_server_request_duration_seconds')).toBeUndefined();
    expect(lookUp(metrics, 'gatehouse_requests_total_sum')).toBeUndefined();
  });

  it.each([
    ['alert rules', alertQueries],
    ['dashboard', dashboardQueries],
  ])('the %s query only metrics the apps export, with their labels', (_, queries) => {
    const problems: string[] = [];
    const all = queries();
    expect(all.length).toBeGreaterThan(5);
    for (const { where, expr } of all) {
      const names = seriesNames(expr);
      if (names.length === 0) problems.push(`${where}: no metric in ${expr}`);
      const known = names.map((name) => lookUp(metrics, name));
      names.forEach((name, index) => {
        if (known[index] === undefined) problems.push(`${where}: ${name} is not a metric the apps export`);
      });
      const labels = new Set([...TARGET_LABELS, ...known.flatMap((info) => info?.labels ?? [])]);
      for (const label of labelNames(expr)) {
        if (!labels.has(label)) problems.push(`${where}: no metric of ${names.join(', ')} has the label ${label}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every alert a duration or a reason to fire at once, a severity and a summary and description', () => {
    const rules = parse(readFileSync(path.join(DEPLOY, 'prometheus/alerts.yml'), 'utf8')) as {
      groups: { rules: Record<string, unknown>[] }[];
    };
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      expect(rule).toMatchObject({
        alert: expect.stringMatching(/^Gatehouse/),
        labels: { severity: expect.stringMatching(/^(critical|warning)$/) },
        annotations: { summary: expect.any(String), description: expect.any(String) },
      });
    }
  });

  it('scrapes the three apps on their metrics ports', () => {
    const config = parse(readFileSync(path.join(DEPLOY, 'prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = Object.fromEntries(
      config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((c) => c.targets)]),
    );
    expect(targets).toEqual({ gateway: ['gateway:9464'], 'admin-api': ['admin-api:3001'], worker: ['worker:3002'] });
    expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
  });

  it('provisions the datasource the dashboard defaults to, and the folder the compose file mounts', () => {
    const datasources = parse(
      readFileSync(path.join(DEPLOY, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: { uid: string; url: string }[] };
    const dashboard = JSON.parse(readFileSync(path.join(DEPLOY, 'grafana/dashboards/gatehouse.json'), 'utf8')) as {
      templating: { list: { name: string; current: { value: string } }[] };
    };
    const selected = dashboard.templating.list.find((variable) => variable.name === 'datasource')?.current.value;
    expect(datasources.datasources.map((source) => source.uid)).toContain(selected);

    const providers = parse(
      readFileSync(path.join(DEPLOY, 'grafana/provisioning/dashboards/gatehouse.yml'), 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { profiles?: string[]; volumes?: string[] }>;
    };
    expect(compose.services.grafana?.volumes).toContain(
      `./deploy/observability/grafana/dashboards:${providers.providers[0]?.options.path}:ro`,
    );
    expect(compose.services.grafana?.profiles).toEqual(['observability']);
    expect(compose.services.prometheus?.profiles).toEqual(['observability']);
  });
});
