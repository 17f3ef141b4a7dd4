import { BoundedLabel, OTHER_LABEL, statusClass } from './bounded-label';

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

describe('statusClass', () => {
  it('names a status by its hundred, and anything out of range `other`', () => {
    expect([200, 204, 404, 429, 499, 502].map(statusClass)).toEqual(['2xx', '2xx', '4xx', '4xx', '4xx', '5xx']);
    expect(statusClass(600)).toBe(OTHER_LABEL);
  });
});
