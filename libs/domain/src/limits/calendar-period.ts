/**
 * Quota periods follow the calendar in the tenant's IANA time zone (UTC by default): a "day" runs from local
 * midnight to local midnight, a "month" from the 1st to the 1st. The id of a period (`2026-03-14`, `2026-03`)
 * names its counter in Redis; its end decides when that counter may expire.
 */

export const DEFAULT_TIME_ZONE = 'UTC';

export interface CalendarPeriod {
  /** `YYYY-MM-DD` for a day, `YYYY-MM` for a month, in the time zone's calendar. */
  id: string;
  /** First instant of the period (ms since the epoch). */
  startsAt: number;
  /** First instant of the next period (ms since the epoch). */
  endsAt: number;
}

export interface CalendarPeriods {
  timeZone: string;
  day: CalendarPeriod;
  month: CalendarPeriod;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // Throws RangeError for an unknown zone; building one is slow, so each zone's is kept.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock at `instant` in `timeZone`, read as if it were UTC (ms), to the second. */
function wallClockAsUtc(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  );
}

/** Monday first, as ISO 8601 and policy documents count. */
export const ISO_WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface LocalWeekTime {
  weekday: (typeof ISO_WEEKDAYS)[number];
  /** Minutes since local midnight, 0 to 1439. */
  minute: number;
}

const weekTimes = new Map<string, { minuteStart: number; time: LocalWeekTime }>();

/**
 * The local day of the week and minute of the day at `instant` in `timeZone`. Offsets in use today are whole
 * minutes, so the answer holds for the whole UTC minute: kept per zone for that minute (every request asks).
 */
export function localWeekTime(instant: number, timeZone: string): LocalWeekTime {
  const minuteStart = instant - (((instant % 60_000) + 60_000) % 60_000);
  const known = weekTimes.get(timeZone);
  if (known !== undefined && known.minuteStart === minuteStart) return known.time;
  const wall = new Date(wallClockAsUtc(minuteStart, timeZone));
  const time: LocalWeekTime = {
    weekday: ISO_WEEKDAYS[(wall.getUTCDay() + 6) % 7] as LocalWeekTime['weekday'],
    minute: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
  };
  if (weekTimes.size >= 1_000) weekTimes.clear();
  weekTimes.set(timeZone, { minuteStart, time });
  return time;
}

function localDateAt(instant: number, timeZone: string): LocalDate {
  const wall = new Date(wallClockAsUtc(instant, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The first instant whose local date is `date` (usually local midnight; where a DST change skips midnight, the
 * first minute after the gap). Zone offsets are whole seconds, so the search works on seconds.
 */
function startOfLocalDate(date: LocalDate, timeZone: string): number {
  const midnightAsUtc = Date.UTC(date.year, date.month - 1, date.day);
  // Fixed point of instant = midnight − offset(instant): two rounds settle it, across a DST change too.
  let instant = midnightAsUtc - (wallClockAsUtc(midnightAsUtc, timeZone) - midnightAsUtc);
  instant = midnightAsUtc - (wallClockAsUtc(instant, timeZone) - instant);
  // In a gap (midnight does not exist) the instant lands on the previous local day: move to where the date flips.
  for (let round = 0; round < 2 && wallClockAsUtc(instant, timeZone) < midnightAsUtc; round++) {
    instant += midnightAsUtc - wallClockAsUtc(instant, timeZone);
  }
  return instant;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * Each zone's current periods. Working them out takes a dozen `formatToParts` calls, too slow for every request
 * (it was an eighth of the gateway's CPU under load); they change once a day.
 */
const currentPeriods = new Map<string, Readonly<CalendarPeriods>>();

/**
 * The day and the month that contain `now` in `timeZone`. Throws RangeError for an unknown zone (validate
 * the tenant's zone when it is stored; `isValidTimeZone` tells). The result is shared: do not change it.
 */
export function calendarPeriods(now: number, timeZone: string = DEFAULT_TIME_ZONE): Readonly<CalendarPeriods> {
  const known = currentPeriods.get(timeZone);
  if (known !== undefined && now >= known.day.startsAt && now < known.day.endsAt) return known;
  const periods = Object.freeze(periodsAt(now, timeZone));
  currentPeriods.set(timeZone, periods);
  return periods;
}

function periodsAt(now: number, timeZone: string): CalendarPeriods {
  const today = localDateAt(now, timeZone);
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  const nextMonth = new Date(Date.UTC(today.year, today.month, 1));
  const dayOf = (date: Date): LocalDate => ({
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
  });
  return {
    timeZone,
    day: {
      id: `${pad(today.year, 4)}-${pad(today.month)}-${pad(today.day)}`,
      startsAt: startOfLocalDate(today, timeZone),
      endsAt: startOfLocalDate(dayOf(tomorrow), timeZone),
    },
    month: {
      id: `${pad(today.year, 4)}-${pad(today.month)}`,
      startsAt: startOfLocalDate({ ...today, day: 1 }, timeZone),
      endsAt: startOfLocalDate(dayOf(nextMonth), timeZone),
    },
  };
}
