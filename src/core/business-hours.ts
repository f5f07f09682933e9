import type { SupportHours, Weekday } from './desk.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** `Date.getUTCDay()` order. */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** Enough for any span a desk schedules ahead, small enough not to grow without bound in a long-lived process. */
const MAX_CACHED_DAYS = 2_000;

/** When a desk answers: what timers and SLA deadlines count in. */
export interface SupportCalendar {
  /** True when `at` falls inside support hours. */
  isOpen(at: Date): boolean;
  /** The same instant as `at` when open, else the next moment support opens. */
  nextOpening(at: Date): Date;
  /** The moment `hours` business hours after `start`, counting only open time. Throws a RangeError for a negative or non-finite `hours`. */
  addBusinessHours(start: Date, hours: number): Date;
  /** Milliseconds of open time between two instants (0 if `end <= start`). */
  businessMillisBetween(start: Date, end: Date): number;
  /** Length of one business day in hours, on the clock (a DST day may be an hour longer or shorter in real time). */
  readonly businessDayHours: number;
}

/** A desk's local calendar parts of an instant, for display. */
export interface LocalParts {
  /** `YYYY-MM-DD` */
  date: string;
  weekday: Weekday;
  /** `HH:MM`, 24-hour clock. */
  time: string;
}

/** Open time on one local day, as instants: `start` inclusive, `end` exclusive. */
interface Interval {
  start: number;
  end: number;
}

/**
 * Support hours of one desk, in the desk's time zone.
 *
 * Wall-clock times are turned into instants DST-aware: a time skipped by a spring-forward change
 * maps to the instant just after the gap, a time repeated by a fall-back change to its first
 * occurrence. So a 09:00-18:00 day is always 9 real hours, a 00:00-24:00 day is 23 or 25 on a
 * change day, and a desk closing inside the repeated hour closes at its first occurrence.
 */
export class BusinessCalendar implements SupportCalendar {
  private readonly zone: ZoneClock;
  private readonly days: ReadonlySet<Weekday>;
  private readonly holidays: ReadonlySet<string>;
  private readonly fromMinutes: number;
  private readonly toMinutes: number;
  private readonly intervals = new Map<number, Interval | null>();

  /** Throws when the hours cannot describe a desk that ever opens: no working day, unknown zone, `to` not after `from`. */
  constructor(hours: SupportHours) {
    this.zone = new ZoneClock(hours.timezone);
    this.days = workingDays(hours.days);
    this.fromMinutes = clockMinutes(hours.from, 'from');
    this.toMinutes = clockMinutes(hours.to, 'to');
    if (this.fromMinutes >= this.toMinutes) {
      throw new Error(`Support hours must end after they start: "${hours.from}"-"${hours.to}".`);
    }
    this.holidays = new Set(hours.holidays);
  }

  get businessDayHours(): number {
    return ((this.toMinutes - this.fromMinutes) * MINUTE) / HOUR;
  }

  isOpen(at: Date): boolean {
    const t = timeOf(at);
    const open = this.openOn(this.zone.dayOf(t));
    return open !== null && open.start <= t && t < open.end;
  }

  nextOpening(at: Date): Date {
    const t = timeOf(at);
    for (const open of this.openIntervalsFrom(t)) return new Date(open.start);
    throw new Error('unreachable: a calendar with a working day always opens again');
  }

  addBusinessHours(start: Date, hours: number): Date {
    let remaining = millisOf(hours);
    const t = timeOf(start);
    if (remaining === 0) return new Date(t);
    for (const open of this.openIntervalsFrom(t)) {
      const length = open.end - open.start;
      if (remaining <= length) return new Date(open.start + remaining);
      remaining -= length;
    }
    throw new Error('unreachable: a calendar with a working day always opens again');
  }

  businessMillisBetween(start: Date, end: Date): number {
    const to = timeOf(end);
    let total = 0;
    for (const open of this.openIntervalsFrom(timeOf(start))) {
      if (open.start >= to) break;
      total += Math.min(open.end, to) - open.start;
    }
    return total;
  }

  /** Local calendar parts of an instant in the desk's zone. */
  localParts(at: Date): LocalParts {
    return this.zone.partsOf(timeOf(at));
  }

  /** Open intervals from `t` on, the first one clipped to start no earlier than `t`. Endless: callers stop. */
  private *openIntervalsFrom(t: number): Generator<Interval> {
    for (let day = this.zone.dayOf(t); ; day++) {
      const open = this.openOn(day);
      if (open === null || open.end <= t) continue;
      yield { start: Math.max(open.start, t), end: open.end };
    }
  }

  /** The open interval of one local day (days since 1970-01-01), or null when closed all day. */
  private openOn(day: number): Interval | null {
    const cached = this.intervals.get(day);
    if (cached !== undefined) return cached;
    if (this.intervals.size >= MAX_CACHED_DAYS) this.intervals.clear();
    const open = this.computeOpenOn(day);
    this.intervals.set(day, open);
    return open;
  }

  private computeOpenOn(day: number): Interval | null {
    const date = new Date(day * DAY);
    const weekday = WEEKDAYS[date.getUTCDay()] as Weekday;
    if (!this.days.has(weekday) || this.holidays.has(isoDate(date))) return null;
    const start = this.zone.instantOf(day * DAY + this.fromMinutes * MINUTE);
    const end = this.zone.instantOf(day * DAY + this.toMinutes * MINUTE);
    // A desk whose whole day falls in a DST gap does not open that day.
    return start < end ? { start, end } : null;
  }
}

/** The calendar of desks without support hours: always open, business time is real time. */
export const ALWAYS_OPEN: SupportCalendar = Object.freeze({
  isOpen: () => true,
  nextOpening: (at: Date) => new Date(timeOf(at)),
  addBusinessHours: (start: Date, hours: number) => new Date(timeOf(start) + millisOf(hours)),
  businessMillisBetween: (start: Date, end: Date) => Math.max(0, timeOf(end) - timeOf(start)),
  businessDayHours: 24,
});

/** The calendar a desk's timers count in: its support hours, or {@link ALWAYS_OPEN} when it has none. */
export function calendarFor(hours: SupportHours | null): SupportCalendar {
  return hours === null ? ALWAYS_OPEN : new BusinessCalendar(hours);
}

/** Reads and resolves wall-clock times in one IANA time zone. */
class ZoneClock {
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        weekday: 'short',
      });
    } catch {
      throw new Error(`Support hours name an unknown time zone: "${timeZone}".`);
    }
  }

  /** The wall-clock reading at `t`, as if it were a UTC timestamp (so calendar math can use `Date.UTC`). */
  wallOf(t: number): number {
    const p = this.fields(t);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (t - floorToSecond(t));
  }

  /** The local date of `t`, counted in days since 1970-01-01. */
  dayOf(t: number): number {
    return Math.floor(this.wallOf(t) / DAY);
  }

  partsOf(t: number): LocalParts {
    const p = this.fields(t);
    return {
      date: `${p.year}-${pad(p.month)}-${pad(p.day)}`,
      weekday: p.weekday,
      time: `${pad(p.hour)}:${pad(p.minute)}`,
    };
  }

  /**
   * The instant showing `wall` on the local clock. A wall time repeated by a fall-back change gives
   * its first occurrence; one skipped by a spring-forward change gives the instant the gap ends.
   */
  instantOf(wall: number): number {
    const before = this.offsetAt(wall - DAY);
    const after = this.offsetAt(wall + DAY);
    const matches = [wall - before, wall - after].filter((t) => this.wallOf(t) === wall);
    if (matches.length > 0) return Math.min(...matches);
    return this.gapEnd(wall - after, wall - before);
  }

  /** Local time minus UTC at `t`, in milliseconds. */
  private offsetAt(t: number): number {
    return this.wallOf(t) - t;
  }

  /** The first instant after a spring-forward change between `lo` (before it) and `hi` (after it). */
  private gapEnd(lo: number, hi: number): number {
    const offsetBefore = this.offsetAt(lo);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === offsetBefore) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  private fields(t: number) {
    const parts: Record<string, string> = {};
    for (const { type, value } of this.format.formatToParts(t)) parts[type] = value;
    return {
      year: Number(parts.year),
      month: Number(parts.month),
      day: Number(parts.day),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      second: Number(parts.second),
      weekday: (parts.weekday ?? '').toLowerCase() as Weekday,
    };
  }
}

function workingDays(days: readonly Weekday[]): ReadonlySet<Weekday> {
  const known = days.filter((d) => WEEKDAYS.includes(d));
  if (known.length === 0) throw new Error('Support hours need at least one working day: "days" is empty.');
  return new Set(known);
}

/** `HH:MM` (up to `24:00`) as minutes since local midnight. */
function clockMinutes(time: string, name: 'from' | 'to'): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[2]) > 59 || !(minutes <= 24 * 60)) {
    throw new Error(`Support hours "${name}" must be a time such as "09:00" (up to "24:00"), not "${time}".`);
  }
  return minutes;
}

function timeOf(date: Date): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('Business hours need a valid date, got an invalid Date.');
  return t;
}

function millisOf(hours: number): number {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`Business hours to add must be a finite number >= 0, got ${hours}.`);
  return Math.round(hours * HOUR);
}

function floorToSecond(t: number): number {
  return t - (((t % 1000) + 1000) % 1000);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
