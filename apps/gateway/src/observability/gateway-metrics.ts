import { BoundedLabel, LabelledChildren } from '@gatehouse/observability';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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

  readonly tokenUsage: LabelledChildren<Histogram.Internal<string>>;
  readonly requestDuration: LabelledChildren<Histogram.Internal<string>>;
  readonly timeToFirstToken: LabelledChildren<Histogram.Internal<string>>;
  readonly requests: LabelledChildren<Counter.Internal>;
  readonly cost: LabelledChildren<Counter.Internal>;
  readonly limitDecisions: LabelledChildren<Counter.Internal>;
  readonly policyDecisions: LabelledChildren<Counter.Internal>;
  readonly cacheRequests: LabelledChildren<Counter.Internal>;
  readonly upstreamErrors: LabelledChildren<Counter.Internal>;
  readonly upstreamRetries: LabelledChildren<Counter.Internal>;
  readonly circuitState: Gauge;
  readonly spoolDepth: Gauge;
  /** What the gauges read at scrape time, set once the breakers and the spool exist; nothing is kept per request. */
  private circuits: () => Iterable<CircuitReading> = () => [];
  private spooled: () => number = () => 0;

  constructor(options: GatewayMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.tenants = options.tenantLabels ? new BoundedLabel(options.maxTenants) : null;
    const tenant = this.tenants === null ? [] : ['tenant'];

    this.tokenUsage = new LabelledChildren(
      new Histogram({
        name: 'gen_ai_client_token_usage',
        help: 'Tokens used per model call, by type (input, output).',
        labelNames: ['gen_ai_token_type', ...GEN_AI_LABELS],
        buckets: TOKEN_BUCKETS,
        registers,
      }),
      4,
    );
    this.requestDuration = new LabelledChildren(
      new Histogram({
        name: 'gen_ai_server_request_duration_seconds',
        help: 'Model calls from arrival to the end of the answer, in seconds.',
        labelNames: GEN_AI_LABELS,
        buckets: DURATION_BUCKETS,
        registers,
      }),
      3,
    );
    this.timeToFirstToken = new LabelledChildren(
      new Histogram({
        name: 'gen_ai_server_time_to_first_token_seconds',
        help: "Streamed model calls from arrival to the upstream's first byte, in seconds.",
        labelNames: GEN_AI_LABELS,
        buckets: TIME_TO_FIRST_TOKEN_BUCKETS,
        registers,
      }),
      3,
    );
    this.requests = new LabelledChildren(
      new Counter({
        name: 'gatehouse_requests_total',
        help: 'Requests answered, by route pattern, model and status class (2xx, 4xx, 5xx).',
        labelNames: ['route', 'model', 'status_class', ...tenant],
        registers,
      }),
      tenant.length === 0 ? 3 : 4,
    );
    this.cost = new LabelledChildren(
      new Counter({
        name: 'gatehouse_cost_usd_total',
        help: "What the model calls cost at the catalog's prices, in US dollars.",
        labelNames: [MODEL, PROVIDER, ...tenant],
        registers,
      }),
      tenant.length === 0 ? 2 : 3,
    );
    this.limitDecisions = new LabelledChildren(
      new Counter({
        name: 'gatehouse_limit_decisions_total',
        help: 'What the limits decided: admitted, refused (with the refusal code) or monitored (a breach let through).',
        labelNames: ['decision', 'code'],
        registers,
      }),
      2,
    );
    this.policyDecisions = new LabelledChildren(
      new Counter({
        name: 'gatehouse_policy_decisions_total',
        help: 'Policy rules that fired, by rule and action (block, monitor, redact...).',
        labelNames: ['rule', 'action'],
        registers,
      }),
      2,
    );
    this.cacheRequests = new LabelledChildren(
      new Counter({
        name: 'gatehouse_cache_requests_total',
        help: 'Response cache lookups, by result (hit, miss).',
        labelNames: ['result'],
        registers,
      }),
      1,
    );
    this.upstreamErrors = new LabelledChildren(
      new Counter({
        name: 'gatehouse_upstream_errors_total',
        help: 'Upstream attempts that failed, by provider and reason (timeout, connection, status_4xx, status_5xx...).',
        labelNames: [PROVIDER, 'reason'],
        registers,
      }),
      2,
    );
    this.upstreamRetries = new LabelledChildren(
      new Counter({
        name: 'gatehouse_upstream_retries_total',
        help: "Upstream attempts after a call's first (retries on a target and fallbacks to the next), by provider.",
        labelNames: [PROVIDER],
        registers,
      }),
      1,
    );
    this.circuitState = new Gauge({
      name: 'gatehouse_upstream_circuit_state',
      help: 'Circuit breaker state per routing target: 0 closed, 1 half-open, 2 open.',
      labelNames: [PROVIDER, 'upstream_model'],
      registers,
      collect: () => this.readCircuits(),
    });
    this.spoolDepth = new Gauge({
      name: 'gatehouse_usage_spool_events',
      help: 'Usage events waiting in the on-disk spool for Redis to take them.',
      registers,
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

  /** The tenant label value, or '' (an unused label position) when tenant labels are off. */
  tenantLabel(tenantId: string | null): string {
    if (this.tenants === null) return '';
    return tenantId === null ? 'none' : this.tenants.of(tenantId);
  }
}
