import { type Metric, type Registry } from 'prom-client';

/** One sample of a family at scrape time, in the shape prom-client's registry formats. */
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A labelled metric for a request path: its children are kept by their label values in nested maps (up to four
 * labels) and count into plain numbers, and the samples are built only when scraped. prom-client's own children
 * build, validate and hash a label object on every `inc`/`observe` (about 0.6 µs each, several per request); these
 * allocate nothing once a child exists. Registered in a prom-client registry beside its ordinary metrics.
 */
abstract class MetricFamily<Child extends { readonly labels: Readonly<Record<string, string>> }> {
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum';
  protected readonly children: Child[] = [];
  private readonly root = new Map<string, unknown>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    if (labelNames.length > 4) throw new Error(`${name}: at most 4 labels`);
    // The registry formats any object with a name and `get()`; prom-client's types name only its own classes.
    registry.registerMetric(this as unknown as Metric);
  }

  /** The child of these label values (as many as the family has labels; the rest are ignored). */
  of(a: string, b = '', c = '', d = ''): Child {
    const level3 = nested(nested(nested(this.root, a), b), c);
    let child = level3.get(d) as Child | undefined;
    if (child === undefined) {
      const values = [a, b, c, d];
      child = this.create(Object.fromEntries(this.labelNames.map((label, index) => [label, values[index] ?? ''])));
      level3.set(d, child);
      this.children.push(child);
    }
    return child;
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.children.flatMap((child) => this.samples(child)),
    });
  }

  reset(): void {
    this.root.clear();
    this.children.length = 0;
  }

  protected abstract create(labels: Record<string, string>): Child;
  protected abstract samples(child: Child): Sample[];
}

export class CounterChild {
  value = 0;

  constructor(readonly labels: Readonly<Record<string, string>>) {}

  inc(by = 1): void {
    this.value += by;
  }
}

/** A counter family (`_total` in its name, as Prometheus expects). */
export class CounterFamily extends MetricFamily<CounterChild> {
  readonly type = 'counter';

  protected create(labels: Record<string, string>): CounterChild {
    return new CounterChild(labels);
  }

  protected samples(child: CounterChild): Sample[] {
    return [{ labels: child.labels, value: child.value }];
  }
}

export class HistogramChild {
  /** Observations per bucket (not cumulative), the last one past every bound (`+Inf`). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.bounds.length && value > (this.bounds[bucket] ?? Infinity)) bucket += 1;
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.sum += value;
    this.count += 1;
  }
}

/** A histogram family: `_bucket` (cumulative, `le`), `_sum` and `_count` samples per child. */
export class HistogramFamily extends MetricFamily<HistogramChild> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
  }

  protected create(labels: Record<string, string>): HistogramChild {
    return new HistogramChild(labels, this.buckets);
  }

  protected samples(child: HistogramChild): Sample[] {
    const samples: Sample[] = [];
    let cumulative = 0;
    for (let bucket = 0; bucket <= this.buckets.length; bucket++) {
      cumulative += child.counts[bucket] ?? 0;
      const le = this.buckets[bucket] ?? '+Inf';
      samples.push({ metricName: `${this.name}_bucket`, labels: { ...child.labels, le }, value: cumulative });
    }
    samples.push({ metricName: `${this.name}_sum`, labels: child.labels, value: child.sum });
    samples.push({ metricName: `${this.name}_count`, labels: child.labels, value: child.count });
    return samples;
  }
}

function nested(map: Map<string, unknown>, key: string): Map<string, unknown> {
  let next = map.get(key) as Map<string, unknown> | undefined;
  if (next === undefined) {
    next = new Map();
    map.set(key, next);
  }
  return next;
}
