/** The label value every value past a `BoundedLabel`'s cap shares. */
export const OTHER_LABEL = 'other';

/**
 * A label whose values are not known in advance (tenant ids): the first `max` distinct values keep their own,
 * every later one is `other`. Prometheus keeps a series per label set for the life of the process, so this cap,
 * not the traffic, bounds the series a label can make.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(readonly max: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }
}

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/** A status code as a label of six values at most: `2xx`, `4xx`, `5xx`... (`other` for anything out of range). */
export function statusClass(status: number): string {
  return STATUS_CLASSES[Math.trunc(status / 100)] ?? OTHER_LABEL;
}
