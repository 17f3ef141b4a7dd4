import type { BadgeTone } from '@gatehouse/ui';

const LOCALE = 'en-US';

const TIME_FORMAT = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: 'medium',
  timeStyle: 'medium',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** A call's time to the second, in UTC like the rest of the usage pages: "Mar 14, 2026, 13:05:09". */
export function formatCallTime(iso: string): string {
  return TIME_FORMAT.format(new Date(iso));
}

/** "1,234 ms"; a dash where nothing was measured (no upstream answered). */
export function formatMs(value: number | null): string {
  return value === null ? '—' : `${new Intl.NumberFormat(LOCALE).format(value)} ms`;
}

export function statusTone(status: number): BadgeTone {
  if (status >= 500) return 'danger';
  if (status >= 400) return 'warning';
  return 'success';
}
