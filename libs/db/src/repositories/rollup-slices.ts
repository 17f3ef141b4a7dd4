import { type RollupGranularity } from '../generated/prisma/enums';

/** A half-open interval of instants, `[from, to)`. */
export interface UsageRange {
  from: Date;
  to: Date;
}

/** Rollups of one granularity whose bucket starts in `[from, to)`. */
export interface RollupSlice {
  granularity: RollupGranularity;
  from: Date;
  to: Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const floorTo = (instant: number, unit: number) => Math.floor(instant / unit) * unit;
const ceilTo = (instant: number, unit: number) => Math.ceil(instant / unit) * unit;

/**
 * The rollups that add up to exactly `[from, to)`, coarsest first where they fit: day buckets for the whole
 * UTC days inside, hour buckets for the whole hours around them, minute buckets for the partial hours at either
 * end. Rollup buckets are UTC, and a period in a tenant's zone need not be: a month in Asia/Kolkata (+05:30)
 * starts at 18:30 UTC, in the middle of an hour bucket that also holds the previous month's last half hour.
 * Summing the coarsest buckets keeps a month's query at about 30 days + 48 hours + 120 minutes of buckets per
 * key and model. Minute rollups are kept for at least 32 days (the worker's retention), so a current month's
 * first partial hour is always there.
 */
export function rollupSlices({ from, to }: UsageRange): RollupSlice[] {
  const start = from.getTime();
  const end = to.getTime();
  if (!(start < end)) return [];
  const slice = (granularity: RollupGranularity, sliceFrom: number, sliceTo: number): RollupSlice[] =>
    sliceFrom < sliceTo ? [{ granularity, from: new Date(sliceFrom), to: new Date(sliceTo) }] : [];

  const hoursFrom = ceilTo(start, HOUR_MS);
  const hoursTo = floorTo(end, HOUR_MS);
  if (hoursFrom >= hoursTo) return slice('MINUTE', start, end);

  const daysFrom = ceilTo(hoursFrom, DAY_MS);
  const daysTo = floorTo(hoursTo, DAY_MS);
  const middle =
    daysFrom < daysTo
      ? [...slice('HOUR', hoursFrom, daysFrom), ...slice('DAY', daysFrom, daysTo), ...slice('HOUR', daysTo, hoursTo)]
      : slice('HOUR', hoursFrom, hoursTo);
  return [...slice('MINUTE', start, hoursFrom), ...middle, ...slice('MINUTE', hoursTo, end)];
}
