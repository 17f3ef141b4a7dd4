import {
  MAX_USAGE_RANGE_DAYS,
  TENANT_USAGE_GROUPINGS,
  USAGE_GRANULARITIES,
  type TenantUsageGrouping,
  type TenantUsageItemResponse,
  type UsageGranularity,
} from '@gatehouse/contracts';
import { modelLabel } from '../../lib/format';

/**
 * The usage explorer's view as it lives in the address bar (`?range=7d&granularity=day&groupBy=key`, or
 * `?range=custom&from=2026-03-01&to=2026-03-31`), so that a view can be shared and is rendered on the server. Pure
 * functions, used by the page on the server and by the filters in the browser alike.
 *
 * Preset ranges stay relative in the URL ("the last 7 days" whenever the link is opened); a custom range is a pair
 * of UTC calendar days, both included, since admin-api's buckets are UTC days and hours.
 */

export const RANGE_PRESETS = [
  { value: '24h', label: 'Last 24 hours', days: 1 },
  { value: '7d', label: 'Last 7 days', days: 7 },
  { value: '30d', label: 'Last 30 days', days: 30 },
  { value: '90d', label: 'Last 90 days', days: 90 },
] as const;

export type RangePreset = (typeof RANGE_PRESETS)[number]['value'];
export type RangeChoice = RangePreset | 'custom';

export const GROUPING_LABELS: Record<TenantUsageGrouping, string> = {
  model: 'Model',
  key: 'API key',
  product: 'Product',
};
/** The grouping inside a sentence ("by API key"). */
export const GROUPING_NOUNS: Record<TenantUsageGrouping, string> = {
  model: 'model',
  key: 'API key',
  product: 'product',
};
export const GRANULARITY_LABELS: Record<UsageGranularity, string> = { hour: 'Hourly', day: 'Daily' };

export interface UsageView {
  range: RangeChoice;
  /** `YYYY-MM-DD` (UTC), custom ranges only. */
  from: string;
  /** `YYYY-MM-DD` (UTC), included; custom ranges only. */
  to: string;
  granularity: UsageGranularity;
  groupBy: TenantUsageGrouping;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BUCKET_MS: Record<UsageGranularity, number> = { hour: HOUR_MS, day: DAY_MS };
const DEFAULT_RANGE: RangePreset = '30d';
const DEFAULT_GROUPING: TenantUsageGrouping = 'model';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type SearchParams = Record<string, string | string[] | undefined>;

const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

function oneOf<T extends string>(value: string | undefined, choices: readonly T[]): T | undefined {
  return choices.find((choice) => choice === value);
}

/** The granularity a range starts with: hours for the last day (a single day bar says little), days otherwise. */
export const defaultGranularity = (range: RangeChoice): UsageGranularity => (range === '24h' ? 'hour' : 'day');

/**
 * The view a URL asks for. Unknown values fall back to the defaults rather than failing: an old or hand-edited link
 * still opens a sensible report. Dates are kept as typed so that the form can show, and explain, a bad one.
 */
export function parseUsageView(params: SearchParams): UsageView {
  const from = single(params.from) ?? '';
  const to = single(params.to) ?? '';
  const requested = oneOf<RangeChoice>(single(params.range), [
    ...RANGE_PRESETS.map((preset) => preset.value),
    'custom',
  ]);
  // A link with dates but no range (hand-written, or from a script) means those dates.
  const range = requested ?? (from || to ? 'custom' : DEFAULT_RANGE);
  return {
    range,
    from: range === 'custom' ? from : '',
    to: range === 'custom' ? to : '',
    granularity: oneOf(single(params.granularity), USAGE_GRANULARITIES) ?? defaultGranularity(range),
    groupBy: oneOf(single(params.groupBy), TENANT_USAGE_GROUPINGS) ?? DEFAULT_GROUPING,
  };
}

/** The search string of a view; every choice is written out, so the link means the same to whoever opens it. */
export function usageViewQuery(view: UsageView): string {
  const params = new URLSearchParams({ range: view.range });
  if (view.range === 'custom') {
    params.set('from', view.from);
    params.set('to', view.to);
  }
  params.set('granularity', view.granularity);
  params.set('groupBy', view.groupBy);
  return params.toString();
}

/** A real calendar day (`2026-02-30` is not), as midnight UTC in milliseconds; null otherwise. */
function utcDay(value: string): number | null {
  if (!DATE.test(value)) return null;
  const time = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) return null;
  return time;
}

/** Today as `YYYY-MM-DD` in UTC: the latest day a custom range may end on. */
export const todayUtc = (now: number = Date.now()) => new Date(now).toISOString().slice(0, 10);

/** How many days a view spans; null when its custom dates are missing or not real days. */
export function spanDays(view: Pick<UsageView, 'range' | 'from' | 'to'>): number | null {
  if (view.range !== 'custom') return RANGE_PRESETS.find((preset) => preset.value === view.range)?.days ?? null;
  const from = utcDay(view.from);
  const to = utcDay(view.to);
  if (from === null || to === null) return null;
  return (to - from) / DAY_MS + 1;
}

export const hourlyAllowed = (view: Pick<UsageView, 'range' | 'from' | 'to'>) => {
  const days = spanDays(view);
  return days === null || days <= MAX_USAGE_RANGE_DAYS.hour;
};

export type ViewProblem = { field: 'from' | 'to' | 'granularity' | 'range'; message: string };

/**
 * What is wrong with a view before any request is made, with the same bounds admin-api enforces (MAX_USAGE_RANGE_DAYS),
 * worded for people. admin-api stays the judge: its own 400s are shown the same way.
 */
export function viewProblems(view: UsageView): ViewProblem[] {
  const problems: ViewProblem[] = [];
  if (view.range === 'custom') {
    const from = utcDay(view.from);
    const to = utcDay(view.to);
    if (!view.from) problems.push({ field: 'from', message: 'Choose the first day of the range.' });
    else if (from === null) problems.push({ field: 'from', message: 'Enter the first day as a date (YYYY-MM-DD).' });
    if (!view.to) problems.push({ field: 'to', message: 'Choose the last day of the range.' });
    else if (to === null) problems.push({ field: 'to', message: 'Enter the last day as a date (YYYY-MM-DD).' });
    if (from !== null && to !== null && from > to)
      problems.push({ field: 'to', message: 'The last day must be on or after the first day.' });
    if (problems.length > 0) return problems;
  }
  const days = spanDays(view) ?? 0;
  const max = MAX_USAGE_RANGE_DAYS[view.granularity];
  if (days > max) {
    problems.push(
      view.granularity === 'hour'
        ? {
            field: 'granularity',
            message: `Hourly buckets cover at most ${max} days. Choose daily buckets or a shorter range.`,
          }
        : { field: 'range', message: `A report covers at most ${max} days. Choose a shorter range.` },
    );
  }
  return problems;
}

/**
 * The instants admin-api is asked for. Presets end with the bucket in progress (as admin-api's own default does) and
 * start the preset's length before; a custom range runs from the first day's midnight to the midnight after the last.
 */
export function viewInstants(view: UsageView, now: number): { from: string; to: string } {
  if (view.range === 'custom') {
    const from = utcDay(view.from) ?? 0;
    const to = (utcDay(view.to) ?? 0) + DAY_MS;
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  }
  const bucket = BUCKET_MS[view.granularity];
  const to = Math.floor(now / bucket) * bucket + bucket;
  const days = spanDays(view) ?? 30;
  return { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

export interface UsageGroup {
  /** Stable identity of the group (a key id, a product id, a model name). */
  id: string;
  label: string;
  /** A second line where it helps tell groups apart, such as a key's prefix. */
  detail?: string;
}

/** The group of a report row, named for people; rows of keys or products deleted since keep their id. */
export function groupOf(item: TenantUsageItemResponse, groupBy: TenantUsageGrouping): UsageGroup {
  switch (groupBy) {
    case 'model':
      return { id: `model:${item.model ?? ''}`, label: modelLabel(item.model ?? '') };
    case 'key':
      return {
        id: `key:${item.apiKeyId ?? ''}`,
        label: item.keyName ?? 'Deleted key',
        detail: item.keyPrefix ? `${item.keyPrefix}…` : undefined,
      };
    case 'product':
      return {
        id: `product:${item.productId ?? ''}`,
        label: item.productName ?? item.productSlug ?? 'Deleted product',
      };
  }
}

const LOCALE = 'en-US';

/** A bucket's start, in UTC like the buckets themselves: "Mar 14, 2026" or "Mar 14, 2026, 13:00". */
export function formatBucket(iso: string, granularity: UsageGranularity): string {
  return new Intl.DateTimeFormat(LOCALE, {
    dateStyle: 'medium',
    ...(granularity === 'hour' && { timeStyle: 'short', hourCycle: 'h23' }),
    timeZone: 'UTC',
  }).format(new Date(iso));
}

/** A chart axis label: "Mar 14", or "Mar 14 13:00" for hours. */
export function formatBucketTick(iso: string, granularity: UsageGranularity): string {
  return new Intl.DateTimeFormat(LOCALE, {
    month: 'short',
    day: 'numeric',
    ...(granularity === 'hour' && { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    timeZone: 'UTC',
  }).format(new Date(iso));
}

/** Every bucket start in `[from, to)`, so the chart shows quiet periods as gaps instead of closing them up. */
export function bucketStarts(from: string, to: string, granularity: UsageGranularity): string[] {
  const size = BUCKET_MS[granularity];
  const starts: string[] = [];
  // A range that does not start on a bucket boundary reports from the first whole bucket (docs/api.md).
  for (let time = Math.ceil(Date.parse(from) / size) * size; time < Date.parse(to); time += size) {
    starts.push(new Date(time).toISOString());
  }
  return starts;
}
