import { BoundedLabel, CounterFamily, HistogramFamily } from '@gatehouse/observability';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface GatewayMetricsOptions {
  /** A `tenant` label on `gatehouse_requests_total` and `gatehouse_cost_usd_total` (GATEWAY_METRICS_TENANT_LABELS). */
  tenantLabels: boolean;
  /** Tenants past this many share the label `other` (GATEWAY_METRICS_MAX_TENANTS). */
  maxTenants: number;
}

/** The GenAI semantic conventions' attribute names, as Prometheus label names. */
const MODEL = 'gen_ai_request_model';
const PROVIDER = 'gen_ai_provider_name';
const OPERATION = 'gen_ai_operation_name';
const GEN_AI_LABELS = [MODEL, PROVIDER, OPERATION] as const;

/** The buckets the GenAI semantic conventions advise for each histogram. */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TIME_TO_FIRST_TOKEN_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** The state of a circuit breaker as a number a graph can show: 0 closed, 1 half-open, 2 open. */
export const CIRCUIT_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/** One routing target's circuit breaker, as read at scrape time. */
export interface CircuitReading {
  provider: string;
  upstreamModel: string;
  state: keyof typeof CIRCUIT_STATE_VALUE;
}

/**
 * The gateway's metrics (docs/operations.md lists them): one registry per app, with the process's default metrics,
 * served on GATEWAY_METRICS_PORT. Every label takes its values from a bounded set: route patterns, catalog model
 * aliases, configured provider names, status classes, and tenants only when enabled and capped.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  /** Tenant labels, capped; null when they are off. */
  readonly tenants: BoundedLabel | null;

  readonly tokenUsage: HistogramFamily;
  readonly requestDuration: HistogramFamily;
  readonly timeToFirstToken: HistogramFamily;
  readonly requests: CounterFamily;
  readonly cost: CounterFamily;
  readonly limitDecisions: CounterFamily;
  readonly policyDecisions: CounterFamily;
  readonly cacheRequests: CounterFamily;
  readonly upstreamErrors: CounterFamily;
  readonly upstreamRetries: CounterFamily;
  readonly circuitState: Gauge;
  readonly spoolDepth: Gauge;
  /** What the gauges read at scrape time, set once the breakers and the spool exist; nothing is kept per request. */
  private circuits: () => Iterable<CircuitReading> = () => [];
  private spooled: () => number = () => 0;

  constructor(options: GatewayMetricsOptions) {
    collectDefaultMetrics({ register: this.registry });
    this.tenants = options.tenantLabels ? new BoundedLabel(options.maxTenants) : null;
    const tenant = this.tenants === null ? [] : ['tenant'];

    const histogram = (name: string, help: string, labels: readonly string[], buckets: readonly number[]) =>
      new HistogramFamily(name, help, labels, buckets, this.registry);
    const counter = (name: string, help: string, labels: readonly string[]) =>
      new CounterFamily(name, help, labels, this.registry);

    this.tokenUsage = histogram(
      'gen_ai_client_token_usage',
      'Tokens used per model call, by type (input, output).',
      ['gen_ai_token_type', ...GEN_AI_LABELS],
      TOKEN_BUCKETS,
    );
    this.requestDuration = histogram(
      'gen_ai_server_request_duration_seconds',
      'Model calls from arrival to the end of the answer, in seconds.',
      GEN_AI_LABELS,
      DURATION_BUCKETS,
    );
    this.timeToFirstToken = histogram(
      'gen_ai_server_time_to_first_token_seconds',
      'Streamed model calls from arrival to the first output token from the upstream, in seconds.',
      GEN_AI_LABELS,
      TIME_TO_FIRST_TOKEN_BUCKETS,
    );
    this.requests = counter(
      'gatehouse_requests_total',
      'Requests answered, by route pattern, model and status class (2xx, 4xx, 5xx).',
      ['route', 'model', 'status_class', ...tenant],
    );
    this.cost = counter(
      'gatehouse_cost_usd_total',
      "What the model calls cost at the catalog's prices, in US dollars.",
      [MODEL, PROVIDER, ...tenant],
    );
    this.limitDecisions = counter(
      'gatehouse_limit_decisions_total',
      'What the limits decided: admitted, refused (with the refusal code) or monitored (a breach let through).',
      ['decision', 'code'],
    );
    this.policyDecisions = counter(
      'gatehouse_policy_decisions_total',
      'Policy rules that fired, by rule and action (block, monitor, redact...).',
      ['rule', 'action'],
    );
    this.cacheRequests = counter('gatehouse_cache_requests_total', 'Response cache lookups, by result (hit, miss).', [
      'result',
    ]);
    this.upstreamErrors = counter(
      'gatehouse_upstream_errors_total',
      'Upstream attempts that failed, by provider and reason (timeout, connection, status_4xx, status_5xx...).',
      [PROVIDER, 'reason'],
    );
    this.upstreamRetries = counter(
      'gatehouse_upstream_retries_total',
      "Upstream attempts after a call's first (retries on a target and fallbacks to the next), by provider.",
      [PROVIDER],
    );
    this.circuitState = new Gauge({
      name: 'gatehouse_upstream_circuit_state',
      help: 'Circuit breaker state per routing target: 0 closed, 1 half-open, 2 open.',
      labelNames: [PROVIDER, 'upstream_model'],
      registers: [this.registry],
      collect: () => this.readCircuits(),
    });
    this.spoolDepth = new Gauge({
      name: 'gatehouse_usage_spool_events',
      help: 'Usage events waiting in the on-disk spool for Redis to take them.',
      registers: [this.registry],
      collect: () => this.spoolDepth.set(this.spooled()),
    });
  }

  /** Where the circuit state gauge reads the breakers from. */
  watchCircuits(read: () => Iterable<CircuitReading>): void {
    this.circuits = read;
  }

  /** Where the spool depth gauge reads from. */
  watchSpool(read: () => number): void {
    this.spooled = read;
  }

  /** A target no longer routed to (a provider removed) drops out of the gauge rather than keeping its last state. */
  private readCircuits(): void {
    this.circuitState.reset();
    for (const circuit of this.circuits()) {
      this.circuitState.set(
        { [PROVIDER]: circuit.provider, upstream_model: circuit.upstreamModel },
        CIRCUIT_STATE_VALUE[circuit.state],
      );
    }
  }

  /** The tenant label value, or '' (a label position the families without `tenant` ignore) when they are off. */
  tenantLabel(tenantId: string | null): string {
    if (this.tenants === null) return '';
    return tenantId === null ? 'none' : this.tenants.of(tenantId);
  }
}
