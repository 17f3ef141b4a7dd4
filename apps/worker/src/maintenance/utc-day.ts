const DAY_MS = 86_400_000;

/** The start of the UTC day holding `instant`. */
export function utcDayStart(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
}

/** The start of the UTC day `days` whole days before the one holding `now`. */
export function utcDaysAgo(now: Date, days: number): Date {
  return new Date(utcDayStart(now).getTime() - days * DAY_MS);
}

/** `instant` if it starts a UTC day, else the start of the next one. */
export function nextUtcDayStart(instant: Date): Date {
  const start = utcDayStart(instant);
  return start.getTime() === instant.getTime() ? start : new Date(start.getTime() + DAY_MS);
}
