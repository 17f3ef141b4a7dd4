import { Counter, Registry } from 'prom-client';
import { BoundedLabel, OTHER_LABEL } from './bounded-label';
import { LabelledChildren } from './labelled-children';

describe('BoundedLabel', () => {
  it('keeps the first values up to its cap and gives every later one `other`', () => {
    const label = new BoundedLabel(2);
    expect(label.of('a')).toBe('a');
    expect(label.of('b')).toBe('b');
    expect(label.of('c')).toBe(OTHER_LABEL);
    expect(label.of('d')).toBe(OTHER_LABEL);
    // A value seen before the cap keeps its own label for good.
    expect(label.of('a')).toBe('a');
  });
});

describe('LabelledChildren', () => {
  it('hands out one child per label set, counting into the right series', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'calls_total', help: 'h', labelNames: ['a', 'b'], registers: [registry] });
    const children = new LabelledChildren(counter, 2);
    children.of('x', 'y').inc();
    children.of('x', 'y').inc();
    children.of('x', 'z').inc(3);
    expect(children.of('x', 'y')).toBe(children.of('x', 'y'));
    const values = (await counter.get()).values.map(({ labels, value }) => ({ labels, value }));
    expect(values).toEqual([
      { labels: { a: 'x', b: 'y' }, value: 2 },
      { labels: { a: 'x', b: 'z' }, value: 3 },
    ]);
  });
});
