import { rollupSlices } from './rollup-slices';

describe('rollupSlices', () => {
  const at = (iso: string) => Date.parse(iso);
  const show = (start: string, end: string) =>
    rollupSlices({ from: new Date(start), to: new Date(end) }).map(
      (r) => `${r.granularity} ${r.from.toISOString()} ${r.to.toISOString()}`,
    );

  it('covers a UTC month with day rollups alone', () => {
    expect(show('2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z')).toEqual([
      'DAY 2026-06-01T00:00:00.000Z 2026-07-01T00:00:00.000Z',
    ]);
  });

  it('reads the first half hour of a +05:30 month from minute rollups, then hours, days, hours, minutes', () => {
    // June in Asia/Kolkata: 2026-05-31T18:30Z to 2026-06-30T18:30Z.
    expect(show('2026-05-31T18:30:00Z', '2026-06-30T18:30:00Z')).toEqual([
      'MINUTE 2026-05-31T18:30:00.000Z 2026-05-31T19:00:00.000Z',
      'HOUR 2026-05-31T19:00:00.000Z 2026-06-01T00:00:00.000Z',
      'DAY 2026-06-01T00:00:00.000Z 2026-06-30T00:00:00.000Z',
      'HOUR 2026-06-30T00:00:00.000Z 2026-06-30T18:00:00.000Z',
      'MINUTE 2026-06-30T18:00:00.000Z 2026-06-30T18:30:00.000Z',
    ]);
  });

  it('covers a day shorter than a UTC day with hours and minutes only', () => {
    expect(show('2026-06-01T18:30:00Z', '2026-06-02T18:30:00Z')).toEqual([
      'MINUTE 2026-06-01T18:30:00.000Z 2026-06-01T19:00:00.000Z',
      'HOUR 2026-06-01T19:00:00.000Z 2026-06-02T18:00:00.000Z',
      'MINUTE 2026-06-02T18:00:00.000Z 2026-06-02T18:30:00.000Z',
    ]);
  });

  it('never overlaps and leaves no gap', () => {
    const start = at('2026-03-07T05:45:00Z');
    const end = at('2026-04-02T13:15:00Z');
    const ranges = rollupSlices({ from: new Date(start), to: new Date(end) });
    expect(ranges[0]?.from.getTime()).toBe(start);
    expect(ranges.at(-1)?.to.getTime()).toBe(end);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.from).toEqual(ranges[i - 1]?.to);
  });

  it('is empty for an empty range', () => {
    expect(rollupSlices({ from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') })).toEqual([]);
  });
});
