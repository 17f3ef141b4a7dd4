import { Histogram, Registry } from 'prom-client';
import { CounterFamily, HistogramFamily } from './metric-families';

describe('the metric families', () => {
  it('count into one child per label set, and format as prom-client does', async () => {
    const registry = new Registry();
    const counter = new CounterFamily('calls_total', 'Calls.', ['a', 'b'], registry);
    counter.of('x', 'y').inc();
    counter.of('x', 'y').inc();
    counter.of('x', 'z').inc(3);
    expect(counter.of('x', 'y')).toBe(counter.of('x', 'y'));
    expect(await registry.metrics()).toBe(
      [
        '# HELP calls_total Calls.',
        '# TYPE calls_total counter',
        'calls_total{a="x",b="y"} 2',
        'calls_total{a="x",b="z"} 3',
        '',
      ].join('\n'),
    );
  });

  it("give a histogram's observations the same buckets, sum and count as prom-client's Histogram", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const buckets = [0.1, 1, 10];
    const family = new HistogramFamily('latency', 'Latency.', ['route'], buckets, ours);
    const reference = new Histogram({
      name: 'latency',
      help: 'Latency.',
      labelNames: ['route'],
      buckets,
      registers: [theirs],
    });
    for (const value of [0.05, 0.1, 0.5, 1, 7, 12, 0]) {
      family.of('/a').observe(value);
      reference.labels('/a').observe(value);
    }
    // prom-client's histogram `get()` names each sample (`_bucket`, `_sum`, `_count`); its registry's JSON has it too.
    const samples = async (registry: Registry) =>
      (await registry.getMetricsAsJSON())[0]?.values.map((sample) => ({
        metricName: (sample as { metricName?: string }).metricName,
        labels: { ...sample.labels },
        value: sample.value,
      }));
    expect(await samples(ours)).toEqual(await samples(theirs));
  });
});
