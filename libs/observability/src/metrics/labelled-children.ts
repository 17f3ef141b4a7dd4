/** A labelled prom-client metric: `Counter`, `Gauge` and `Histogram` alike. */
interface Labelled<Child> {
  labels(...values: string[]): Child;
}

/**
 * The children of a labelled metric (`counter.labels(...)`), kept by their label values in nested maps (up to four
 * labels). prom-client builds and hashes a label object on every `labels()` call; a request path that records
 * several metrics per request looks each child up here instead, and allocates nothing once the child exists.
 */
export class LabelledChildren<Child> {
  private readonly root = new Map<string, unknown>();

  constructor(
    private readonly metric: Labelled<Child>,
    /** How many labels the metric has; the values past it are ignored. */
    private readonly arity: 1 | 2 | 3 | 4,
  ) {}

  of(a: string, b = '', c = '', d = ''): Child {
    const level3 = nested(nested(nested(this.root, a), b), c);
    let child = level3.get(d) as Child | undefined;
    if (child === undefined) {
      child = this.metric.labels(...[a, b, c, d].slice(0, this.arity));
      level3.set(d, child);
    }
    return child;
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
