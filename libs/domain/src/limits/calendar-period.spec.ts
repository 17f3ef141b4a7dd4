import { calendarPeriods, isValidTimeZone } from './calendar-period';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('calendarPeriods', () => {
  it('uses UTC by default', () => {
    const periods = calendarPeriods(at('2026-03-14T23:59:59.999Z'));
    expect(periods.timeZone).toBe('UTC');
    expect(periods.day).toEqual({
      id: '2026-03-14',
      startsAt: at('2026-03-14T00:00:00Z'),
      endsAt: at('2026-03-15T00:00:00Z'),
    });
    expect(periods.month).toEqual({
      id: '2026-03',
      startsAt: at('2026-03-01T00:00:00Z'),
      endsAt: at('2026-04-01T00:00:00Z'),
    });
  });

  it('rolls over at the first instant of the next day and month', () => {
    expect(calendarPeriods(at('2026-04-01T00:00:00Z')).month.id).toBe('2026-04');
    expect(calendarPeriods(at('2026-12-31T12:00:00Z')).month.endsAt).toBe(at('2027-01-01T00:00:00Z'));
    expect(calendarPeriods(at('2028-02-29T12:00:00Z')).day.endsAt).toBe(at('2028-03-01T00:00:00Z'));
  });

  it("follows the tenant's calendar, not UTC's", () => {
    // 02:00 UTC on 1 April is still 31 March in New York (UTC−4 in summer time).
    const periods = calendarPeriods(at('2026-04-01T02:00:00Z'), 'America/New_York');
    expect(periods.day.id).toBe('2026-03-31');
    expect(periods.month.id).toBe('2026-03');
    expect(iso(periods.day.startsAt)).toBe('2026-03-31T04:00:00.000Z');
    expect(iso(periods.month.endsAt)).toBe('2026-04-01T04:00:00.000Z');

    const kolkata = calendarPeriods(at('2026-03-31T19:00:00Z'), 'Asia/Kolkata');
    expect(kolkata.day.id).toBe('2026-04-01');
    expect(iso(kolkata.day.startsAt)).toBe('2026-03-31T18:30:00.000Z');

    expect(calendarPeriods(at('2026-03-31T10:00:00Z'), 'Pacific/Kiritimati').month.id).toBe('2026-04');
  });

  it('gives a day across a DST change its real length', () => {
    // Europe/Paris moves to summer time on 29 March 2026: that day has 23 hours, 25 October has 25.
    const spring = calendarPeriods(at('2026-03-29T12:00:00Z'), 'Europe/Paris').day;
    expect(spring.endsAt - spring.startsAt).toBe(23 * 3_600_000);
    const autumn = calendarPeriods(at('2026-10-25T12:00:00Z'), 'Europe/Paris').day;
    expect(autumn.endsAt - autumn.startsAt).toBe(25 * 3_600_000);
    expect(iso(autumn.startsAt)).toBe('2026-10-24T22:00:00.000Z');
  });

  it('starts a day whose midnight does not exist at the end of the gap', () => {
    // Cuba skipped from 00:00 to 01:00 on 10 March 2024: the day starts at 01:00 CDT = 05:00 UTC.
    const day = calendarPeriods(at('2024-03-10T12:00:00Z'), 'America/Havana').day;
    expect(day.id).toBe('2024-03-10');
    expect(iso(day.startsAt)).toBe('2024-03-10T05:00:00.000Z');
    expect(calendarPeriods(at('2024-03-10T04:59:59Z'), 'America/Havana').day.id).toBe('2024-03-09');
  });

  it('refuses an unknown zone', () => {
    expect(() => calendarPeriods(Date.now(), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
  });

  it("reuses a zone's periods within the day, and moves on at local midnight, forwards and back", () => {
    const evening = calendarPeriods(at('2026-03-14T22:59:59Z'), 'Europe/Paris');
    expect(calendarPeriods(at('2026-03-14T12:00:00Z'), 'Europe/Paris')).toBe(evening);
    const next = calendarPeriods(at('2026-03-14T23:00:00Z'), 'Europe/Paris');
    expect(next.day.id).toBe('2026-03-15');
    expect(calendarPeriods(at('2026-03-14T22:00:00Z'), 'Europe/Paris').day.id).toBe('2026-03-14');
    expect(Object.isFrozen(next)).toBe(true);
  });
});
