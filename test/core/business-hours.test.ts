import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, BusinessCalendar, calendarFor } from '../../src/core/business-hours.js';
import type { SupportHours, Weekday } from '../../src/core/desk.js';

const HOUR = 3_600_000;
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const EVERY_DAY: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

class SupportHoursBuilder {
  private hours: SupportHours = { timezone: 'Europe/Paris', days: WEEKDAYS, from: '09:00', to: '18:00', holidays: [], firstResponseTargetHours: null };

  in(timezone: string): this {
    this.hours.timezone = timezone;
    return this;
  }

  on(...days: Weekday[]): this {
    this.hours.days = days;
    return this;
  }

  everyDay(): this {
    return this.on(...EVERY_DAY);
  }

  between(from: string, to: string): this {
    this.hours.from = from;
    this.hours.to = to;
    return this;
  }

  closedOn(...dates: string[]): this {
    this.hours.holidays = dates;
    return this;
  }

  build(): SupportHours {
    return structuredClone(this.hours);
  }

  calendar(): BusinessCalendar {
    return new BusinessCalendar(this.build());
  }
}

/** Paris, Monday to Friday, 09:00-18:00, no holidays, unless told otherwise. */
const supportHours = () => new SupportHoursBuilder();

/** An instant written with its UTC offset, so expectations never depend on the code under test. */
const at = (iso: string) => new Date(iso);

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('BusinessCalendar.isOpen', () => {
  const paris = supportHours().calendar();

  it.each([
    ['Wednesday 10:00', '2026-03-25T10:00+01:00', true],
    ['Wednesday 08:59:59.999', '2026-03-25T08:59:59.999+01:00', false],
    ['Wednesday exactly 09:00', '2026-03-25T09:00+01:00', true],
    ['Wednesday 17:59:59.999', '2026-03-25T17:59:59.999+01:00', true],
    ['Wednesday exactly 18:00', '2026-03-25T18:00+01:00', false],
    ['Wednesday 22:00', '2026-03-25T22:00+01:00', false],
    ['Saturday 10:00', '2026-03-28T10:00+01:00', false],
    ['Sunday 10:00', '2026-03-29T10:00+02:00', false],
  ])('GIVEN a Paris desk open 09:00-18:00 on weekdays WHEN it is %s THEN open is %s', (_when, iso, open) => {
    expect(paris.isOpen(at(iso))).toBe(open);
  });

  it('GIVEN Easter Monday is a holiday WHEN it is Monday 10:00 THEN the desk is closed, and open again on Tuesday', () => {
    const calendar = supportHours().closedOn('2026-04-06').calendar();

    expect(calendar.isOpen(at('2026-04-06T10:00+02:00'))).toBe(false);
    expect(calendar.isOpen(at('2026-04-07T10:00+02:00'))).toBe(true);
  });

  it('GIVEN a New York desk WHEN it is 10:00 in Paris (05:00 in New York) THEN it is closed until 09:00 New York time', () => {
    const newYork = supportHours().in('America/New_York').calendar();

    expect(newYork.isOpen(at('2026-03-25T10:00+01:00'))).toBe(false);
    expect(newYork.isOpen(at('2026-03-25T09:00-04:00'))).toBe(true);
  });

  it('GIVEN a desk open until 24:00 WHEN it is one millisecond before midnight THEN it is open, and at midnight before a closed day it is not', () => {
    const evenings = supportHours().between('20:00', '24:00').calendar();

    expect(evenings.isOpen(at('2026-03-27T23:59:59.999+01:00'))).toBe(true);
    expect(evenings.isOpen(at('2026-03-28T00:00+01:00'))).toBe(false);
    expect(evenings.isOpen(at('2026-03-27T00:00+01:00'))).toBe(false);
  });

  it('GIVEN a desk open every day around the clock WHEN it is a weekend night THEN it is open, but not on its holiday', () => {
    const allDay = supportHours().everyDay().between('00:00', '24:00').closedOn('2026-12-25').calendar();

    expect(allDay.isOpen(at('2026-03-29T02:30+02:00'))).toBe(true);
    expect(allDay.isOpen(at('2026-10-25T02:30+01:00'))).toBe(true);
    expect(allDay.isOpen(at('2026-12-25T12:00+01:00'))).toBe(false);
    expect(allDay.isOpen(at('2026-12-26T00:00+01:00'))).toBe(true);
  });
});

describe('BusinessCalendar.nextOpening', () => {
  const paris = supportHours().calendar();

  it('GIVEN the desk is open WHEN asking for the next opening THEN it is that same instant', () => {
    expect(paris.nextOpening(at('2026-03-25T11:17:42.123+01:00'))).toEqual(at('2026-03-25T11:17:42.123+01:00'));
  });

  it.each([
    ['Wednesday 07:00', '2026-03-25T07:00+01:00', 'Wednesday 09:00', '2026-03-25T09:00+01:00'],
    ['Wednesday exactly 18:00', '2026-03-25T18:00+01:00', 'Thursday 09:00', '2026-03-26T09:00+01:00'],
    ['Wednesday 23:30', '2026-03-25T23:30+01:00', 'Thursday 09:00', '2026-03-26T09:00+01:00'],
    ['Friday 19:00 before the spring change', '2026-03-27T19:00+01:00', 'Monday 09:00 summer time', '2026-03-30T09:00+02:00'],
    ['Saturday 10:00 before the autumn change', '2026-10-24T10:00+02:00', 'Monday 09:00 winter time', '2026-10-26T09:00+01:00'],
  ])('GIVEN a Paris weekday desk WHEN it is %s THEN it next opens %s', (_when, iso, _then, expected) => {
    expect(paris.nextOpening(at(iso))).toEqual(at(expected));
  });

  it('GIVEN Easter Monday is a holiday WHEN the desk closes on Friday THEN it next opens on Tuesday 09:00', () => {
    const calendar = supportHours().closedOn('2026-04-06').calendar();

    expect(calendar.nextOpening(at('2026-04-03T18:00+02:00'))).toEqual(at('2026-04-07T09:00+02:00'));
  });

  it('GIVEN a Monday-Tuesday desk whose working days are both holidays one week WHEN it closes the Tuesday before THEN it next opens the Monday after', () => {
    const calendar = supportHours().on('mon', 'tue').closedOn('2026-04-13', '2026-04-14').calendar();

    expect(calendar.nextOpening(at('2026-04-07T18:00+02:00'))).toEqual(at('2026-04-20T09:00+02:00'));
  });

  it.each([
    ['Europe/Paris', '02:30', '2026-03-29T00:00+01:00', '2026-03-29T03:00+02:00'],
    ['America/New_York', '02:30', '2026-03-08T00:00-05:00', '2026-03-08T03:00-04:00'],
  ])('GIVEN a %s desk opening at %s WHEN that time is skipped by the spring change THEN it opens when the gap ends', (zone, from, iso, expected) => {
    const calendar = supportHours().in(zone).everyDay().between(from, '18:00').calendar();

    expect(calendar.nextOpening(at(iso))).toEqual(at(expected));
  });

  it.each([
    ['Europe/Paris', '02:30', '2026-10-25T00:00+02:00', '2026-10-25T02:30+02:00'],
    ['America/New_York', '01:30', '2026-11-01T00:00-04:00', '2026-11-01T01:30-04:00'],
  ])('GIVEN a %s desk opening at %s WHEN that time happens twice in the autumn change THEN it opens at the first one', (zone, from, iso, expected) => {
    const calendar = supportHours().in(zone).everyDay().between(from, '18:00').calendar();

    expect(calendar.nextOpening(at(iso))).toEqual(at(expected));
  });
});

describe('BusinessCalendar.addBusinessHours', () => {
  const paris = supportHours().calendar();

  it('GIVEN Friday 17:30 in Paris WHEN adding 1 business hour THEN it is Monday 09:30, after the clocks went forward', () => {
    expect(paris.addBusinessHours(at('2026-03-27T17:30+01:00'), 1)).toEqual(at('2026-03-30T09:30+02:00'));
  });

  it('GIVEN Easter Monday is a holiday WHEN adding 1 business hour to Friday 17:30 THEN it is Tuesday 09:30', () => {
    const calendar = supportHours().closedOn('2026-04-06').calendar();

    expect(calendar.addBusinessHours(at('2026-04-03T17:30+02:00'), 1)).toEqual(at('2026-04-07T09:30+02:00'));
  });

  it('GIVEN Wednesday 17:00 WHEN adding 1 business hour THEN the deadline is closing time that day, not the next opening', () => {
    expect(paris.addBusinessHours(at('2026-03-25T17:00+01:00'), 1)).toEqual(at('2026-03-25T18:00+01:00'));
  });

  it('GIVEN Saturday noon WHEN adding 2 business hours THEN counting starts at Monday opening', () => {
    expect(paris.addBusinessHours(at('2026-03-21T12:00+01:00'), 2)).toEqual(at('2026-03-23T11:00+01:00'));
  });

  it('GIVEN Wednesday 17:50 WHEN adding a quarter of a business hour THEN it is Thursday 09:05', () => {
    expect(paris.addBusinessHours(at('2026-03-25T17:50+01:00'), 0.25)).toEqual(at('2026-03-26T09:05+01:00'));
  });

  it('GIVEN Monday 5 January 09:00 WHEN adding 200 business hours THEN it is Wednesday 4 February 11:00', () => {
    expect(paris.addBusinessHours(at('2026-01-05T09:00+01:00'), 200)).toEqual(at('2026-02-04T11:00+01:00'));
  });

  it('GIVEN a UTC weekday desk WHEN adding 520 weeks of business hours THEN it is the Friday closing of the 520th week', () => {
    const utc = supportHours().in('UTC').calendar();
    const weeks520 = 520 * 5 * 9;

    expect(utc.addBusinessHours(at('2024-01-01T09:00Z'), weeks520)).toEqual(at('2033-12-16T18:00Z'));
  });

  it('GIVEN the desk is closed WHEN adding 0 business hours THEN the start is unchanged', () => {
    expect(paris.addBusinessHours(at('2026-03-28T10:00+01:00'), 0)).toEqual(at('2026-03-28T10:00+01:00'));
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('GIVEN %s hours WHEN adding them THEN it refuses with a RangeError', (hours) => {
    expect(() => paris.addBusinessHours(at('2026-03-25T10:00+01:00'), hours)).toThrow(RangeError);
  });
});

describe('BusinessCalendar.businessMillisBetween', () => {
  const paris = supportHours().closedOn('2026-04-06').calendar();

  it.each([
    ['within one open stretch', '2026-03-25T10:00+01:00', '2026-03-25T12:30+01:00', 2.5],
    ['from before opening to after closing', '2026-03-25T06:00+01:00', '2026-03-25T21:00+01:00', 9],
    ['over a whole week', '2026-03-23T00:00+01:00', '2026-03-30T00:00+02:00', 45],
    ['from Friday 17:00 to Monday 10:00 across the spring change', '2026-03-27T17:00+01:00', '2026-03-30T10:00+02:00', 2],
    ['over an Easter weekend with a Monday holiday', '2026-04-03T17:00+02:00', '2026-04-07T10:00+02:00', 2],
    ['between two instants in closed time', '2026-03-28T10:00+01:00', '2026-03-29T10:00+02:00', 0],
  ])('GIVEN a Paris weekday desk WHEN measuring %s THEN it counts %s open hours', (_what, start, end, hours) => {
    expect(paris.businessMillisBetween(at(start), at(end))).toBe(hours * HOUR);
  });

  it('GIVEN an end before the start WHEN measuring THEN it is 0', () => {
    expect(paris.businessMillisBetween(at('2026-03-25T12:00+01:00'), at('2026-03-25T10:00+01:00'))).toBe(0);
  });
});

describe('BusinessCalendar on DST change days', () => {
  it.each([
    ['Europe/Paris', 'spring', '2026-03-28T12:00+01:00', '2026-03-30T12:00+02:00', 23],
    ['Europe/Paris', 'autumn', '2026-10-24T12:00+02:00', '2026-10-26T12:00+01:00', 25],
    ['America/New_York', 'spring', '2026-03-07T12:00-05:00', '2026-03-09T12:00-04:00', 23],
    ['America/New_York', 'autumn', '2026-10-31T12:00-04:00', '2026-11-02T12:00-05:00', 25],
  ])('GIVEN a %s desk open 00:00-24:00 on Sundays only WHEN the %s change falls on a Sunday THEN that Sunday lasts %s real hours', (zone, _change, saturday, monday, hours) => {
    const sundays = supportHours().in(zone).on('sun').between('00:00', '24:00').calendar();

    expect(sundays.businessMillisBetween(at(saturday), at(monday))).toBe(hours * HOUR);
  });

  it.each([
    ['Europe/Paris', '2026-03-28T12:00+01:00', '2026-03-30T12:00+02:00', '2026-03-29T09:00+02:00'],
    ['Europe/Paris', '2026-10-24T12:00+02:00', '2026-10-26T12:00+01:00', '2026-10-25T09:00+01:00'],
    ['America/New_York', '2026-03-07T12:00-05:00', '2026-03-09T12:00-04:00', '2026-03-08T09:00-04:00'],
    ['America/New_York', '2026-10-31T12:00-04:00', '2026-11-02T12:00-05:00', '2026-11-01T09:00-05:00'],
  ])('GIVEN a %s desk open 09:00-18:00 on Sundays only WHEN a DST change falls on a Sunday THEN that Sunday is 9 real hours from 09:00 local', (zone, saturday, monday, opening) => {
    const sundays = supportHours().in(zone).on('sun').calendar();

    expect(sundays.businessMillisBetween(at(saturday), at(monday))).toBe(9 * HOUR);
    expect(sundays.nextOpening(at(saturday))).toEqual(at(opening));
  });

  it('GIVEN a Paris desk open from 02:30 every day WHEN the spring change skips 02:00-03:00 THEN that day is 15 real hours, not 15.5', () => {
    const early = supportHours().everyDay().between('02:30', '18:00').calendar();

    expect(early.businessMillisBetween(at('2026-03-29T00:00+01:00'), at('2026-03-30T00:00+02:00'))).toBe(15 * HOUR);
    expect(early.businessDayHours).toBe(15.5);
  });
});

describe('BusinessCalendar: addBusinessHours and businessMillisBetween are inverse', () => {
  const calendars: [string, SupportHours][] = [
    ['Paris weekdays with holidays', supportHours().closedOn('2026-04-06', '2026-05-01', '2026-12-25').build()],
    ['New York Sundays and Wednesdays around the clock', supportHours().in('America/New_York').on('sun', 'wed').between('00:00', '24:00').build()],
    ['Paris every day from 02:30', supportHours().everyDay().between('02:30', '18:00').build()],
  ];
  const yearStart = at('2026-01-01T00:00Z').getTime();
  const yearLength = 365 * 24 * HOUR;

  it.each(calendars)('GIVEN %s WHEN adding random business hours to 500 random starts THEN measuring back gives the same hours, reached in open time', (_name, hours) => {
    const calendar = new BusinessCalendar(hours);
    const random = seededRandom(20260329);
    for (let i = 0; i < 500; i++) {
      const start = new Date(yearStart + Math.floor(random() * yearLength));
      const added = random() * 200;
      const deadline = calendar.addBusinessHours(start, added);

      expect(calendar.businessMillisBetween(start, deadline), `case ${i}: ${start.toISOString()} + ${added} h`).toBe(Math.round(added * HOUR));
      expect(calendar.isOpen(new Date(deadline.getTime() - 1)), `case ${i}: open just before ${deadline.toISOString()}`).toBe(true);
    }
  });

  it.each(calendars)('GIVEN %s WHEN measuring between 500 random pairs THEN adding the measure back reaches the end or the last close before it', (_name, hours) => {
    const calendar = new BusinessCalendar(hours);
    const random = seededRandom(20261025);
    for (let i = 0; i < 500; i++) {
      const start = new Date(yearStart + Math.floor(random() * yearLength));
      const end = new Date(start.getTime() + Math.floor(random() * 30 * 24 * HOUR));
      const reached = calendar.addBusinessHours(start, calendar.businessMillisBetween(start, end) / HOUR);

      expect(reached.getTime(), `case ${i}: ${start.toISOString()} to ${end.toISOString()}`).toBeLessThanOrEqual(end.getTime());
      expect(calendar.businessMillisBetween(reached, end), `case ${i}: open time left after ${reached.toISOString()}`).toBe(0);
    }
  });
});

describe('BusinessCalendar.localParts', () => {
  it.each([
    ['Europe/Paris', '2026-03-29T01:30Z', { date: '2026-03-29', weekday: 'sun', time: '03:30' }],
    ['Europe/Paris', '2026-12-31T23:30Z', { date: '2027-01-01', weekday: 'fri', time: '00:30' }],
    ['America/New_York', '2026-06-01T04:00Z', { date: '2026-06-01', weekday: 'mon', time: '00:00' }],
    ['America/New_York', '2026-11-01T05:30Z', { date: '2026-11-01', weekday: 'sun', time: '01:30' }],
    ['America/New_York', '2026-11-01T06:30Z', { date: '2026-11-01', weekday: 'sun', time: '01:30' }],
  ])('GIVEN a %s desk WHEN showing %s THEN it reads %o', (zone, iso, parts) => {
    expect(supportHours().in(zone).calendar().localParts(at(iso))).toEqual(parts);
  });
});

describe('BusinessCalendar construction', () => {
  it.each([
    ['09:00', '18:00', 9],
    ['09:00', '17:30', 8.5],
    ['00:00', '24:00', 24],
  ])('GIVEN hours %s-%s WHEN asking the length of a business day THEN it is %s hours', (from, to, hours) => {
    expect(supportHours().between(from, to).calendar().businessDayHours).toBe(hours);
  });

  it('GIVEN no working day WHEN building the calendar THEN it refuses, saying so', () => {
    expect(() => supportHours().on().calendar()).toThrow(/at least one working day/);
  });

  it('GIVEN an unknown time zone WHEN building the calendar THEN it refuses, naming the zone', () => {
    expect(() => supportHours().in('Mars/Olympus').calendar()).toThrow(/unknown time zone: "Mars\/Olympus"/);
  });

  it.each([
    ['18:00', '09:00', /end after they start/],
    ['09:00', '09:00', /end after they start/],
    ['9:00', '18:00', /"from" must be a time/],
    ['09:00', '24:30', /"to" must be a time/],
    ['09:60', '18:00', /"from" must be a time/],
  ])('GIVEN hours %s-%s WHEN building the calendar THEN it refuses', (from, to, message) => {
    expect(() => supportHours().between(from, to).calendar()).toThrow(message);
  });
});

describe('calendarFor', () => {
  it('GIVEN a desk without support hours WHEN getting its calendar THEN it is always open and business time is real time', () => {
    const calendar = calendarFor(null);
    const sundayNight = at('2026-03-29T03:00+02:00');

    expect(calendar).toBe(ALWAYS_OPEN);
    expect(calendar.isOpen(sundayNight)).toBe(true);
    expect(calendar.nextOpening(sundayNight)).toEqual(sundayNight);
    expect(calendar.addBusinessHours(sundayNight, 200)).toEqual(new Date(sundayNight.getTime() + 200 * HOUR));
    expect(calendar.businessMillisBetween(sundayNight, at('2026-03-30T03:00+02:00'))).toBe(24 * HOUR);
    expect(calendar.businessMillisBetween(at('2026-03-30T03:00+02:00'), sundayNight)).toBe(0);
    expect(calendar.businessDayHours).toBe(24);
  });

  it('GIVEN a desk with support hours WHEN getting its calendar THEN it follows those hours', () => {
    const calendar = calendarFor(supportHours().build());

    expect(calendar).toBeInstanceOf(BusinessCalendar);
    expect(calendar.isOpen(at('2026-03-28T10:00+01:00'))).toBe(false);
    expect(calendar.addBusinessHours(at('2026-03-27T17:30+01:00'), 1)).toEqual(at('2026-03-30T09:30+02:00'));
  });
});
