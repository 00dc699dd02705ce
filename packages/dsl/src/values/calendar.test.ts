import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ZONE,
  MS_PER_DAY,
  MS_PER_HOUR,
  addDays,
  addDurationToDay,
  addDurationToInstant,
  addMonths,
  addYears,
  civilFromDay,
  compareDurations,
  dayFromCivil,
  dayInWindow,
  dayOfInstant,
  daysInMonth,
  durationOf,
  formatDate,
  formatDateTime,
  formatMonthKey,
  instantFromLocal,
  instantInWindow,
  isLeapYear,
  isValidCivil,
  isValidZone,
  monthKeyEndDay,
  monthKeyOfDay,
  monthKeyStartDay,
  monthsOfWindow,
  naturalHoursWindow,
  naturalWindow,
  parseDate,
  parseDateTime,
  parseMonthKey,
  periodWindow,
  rollingHoursWindow,
  rollingWindow,
  startOfDay,
  zoneOffsetMinutes,
  type Duration,
  type Window,
} from './calendar.js';

/** Epoch day of a `YYYY-MM-DD` literal, failing loudly on a typo. */
function d(text: string): number {
  const day = parseDate(text);
  if (day === undefined) throw new Error(`bad test date ${text}`);
  return day;
}

/** Epoch ms of a `YYYY-MM-DDTHH:MM[:SS][offset]` literal; without offset, UTC. */
function t(text: string): number {
  const ms = parseDateTime(text, 'UTC');
  if (ms === undefined) throw new Error(`bad test datetime ${text}`);
  return ms;
}

/** A window rendered as dates for readable assertions. */
function show(w: Window): string {
  return `${formatDate(w.startDay)}..${formatDate(w.endDay)}`;
}

const month = (y: number, m: number): number => y * 12 + m - 1;

describe('civil dates', () => {
  it('anchors the epoch', () => {
    expect(dayFromCivil(1970, 1, 1)).toBe(0);
    expect(dayFromCivil(1969, 12, 31)).toBe(-1);
    expect(dayFromCivil(2000, 3, 1)).toBe(11017);
    expect(dayFromCivil(2023, 7, 17)).toBe(19555);
    expect(civilFromDay(19555)).toEqual({ year: 2023, month: 7, day: 17 });
    expect(civilFromDay(-1)).toEqual({ year: 1969, month: 12, day: 31 });
  });

  it('agrees with Date.UTC and round-trips for every day of 1600–2400', () => {
    const first = dayFromCivil(1600, 1, 1);
    const last = dayFromCivil(2400, 12, 31);
    expect(first * MS_PER_DAY).toBe(Date.UTC(1600, 0, 1));
    let prev = first - 1;
    for (let day = first; day <= last; day++) {
      const { year, month: m, day: dom } = civilFromDay(day);
      if (dayFromCivil(year, m, dom) !== day) throw new Error(`round trip failed at ${day}`);
      if (Date.UTC(year, m - 1, dom) !== day * MS_PER_DAY) throw new Error(`Date.UTC disagrees at ${day}`);
      prev = day;
    }
    expect(prev).toBe(last);
  });

  it('knows leap years and month lengths', () => {
    expect(isLeapYear(2024)).toBe(true);
    expect(isLeapYear(2023)).toBe(false);
    expect(isLeapYear(1900)).toBe(false);
    expect(isLeapYear(2000)).toBe(true);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2023, 4)).toBe(30);
    expect(daysInMonth(2023, 12)).toBe(31);
  });

  it('validates civil fields', () => {
    expect(isValidCivil(2024, 2, 29)).toBe(true);
    expect(isValidCivil(2000, 2, 29)).toBe(true);
    expect(isValidCivil(2023, 2, 29)).toBe(false);
    expect(isValidCivil(1900, 2, 29)).toBe(false);
    expect(isValidCivil(2023, 4, 31)).toBe(false);
    expect(isValidCivil(2023, 13, 1)).toBe(false);
    expect(isValidCivil(2023, 0, 10)).toBe(false);
    expect(isValidCivil(2023, 1, 0)).toBe(false);
    expect(isValidCivil(2023, 1.5, 1)).toBe(false);
  });

  it('parses strict YYYY-MM-DD', () => {
    expect(parseDate('2023-07-17')).toBe(19555);
    expect(parseDate('1970-01-01')).toBe(0);
    expect(parseDate('2024-02-29')).toBe(dayFromCivil(2024, 2, 29));
    expect(parseDate('0000-01-01')).toBe(dayFromCivil(0, 1, 1));
    expect(parseDate('9999-12-31')).toBe(dayFromCivil(9999, 12, 31));
  });

  it.each([
    '2023-02-30',
    '2023-02-29',
    '1900-02-29',
    '2023-04-31',
    '2023-13-01',
    '2023-00-01',
    '2023-01-00',
    '2023-1-01',
    '2023-01-1',
    '23-01-01',
    '2023/01/01',
    '20230101',
    ' 2023-01-01',
    '2023-01-01 ',
    '2023-01-01T00:00',
    '',
    'abcd-ef-gh',
    '２０２３-01-01',
    '+2023-01-01',
  ])('rejects date %j', (text) => {
    expect(parseDate(text)).toBeUndefined();
  });

  it('formats dates', () => {
    expect(formatDate(0)).toBe('1970-01-01');
    expect(formatDate(-1)).toBe('1969-12-31');
    expect(formatDate(19555)).toBe('2023-07-17');
    expect(formatDate(dayFromCivil(33, 2, 3))).toBe('0033-02-03');
    expect(formatDate(dayFromCivil(10000, 1, 1))).toBe('+010000-01-01');
    expect(formatDate(dayFromCivil(-1, 12, 31))).toBe('-000001-12-31');
  });
});

describe('calendar arithmetic', () => {
  it('adds days across month and year ends', () => {
    expect(formatDate(addDays(d('2023-12-31'), 1))).toBe('2024-01-01');
    expect(formatDate(addDays(d('2024-03-01'), -1))).toBe('2024-02-29');
    expect(formatDate(addDays(d('2023-03-01'), -1))).toBe('2023-02-28');
  });

  it('adds months keeping the day of month, clamped to the month end', () => {
    expect(formatDate(addMonths(d('2023-01-31'), 1))).toBe('2023-02-28');
    expect(formatDate(addMonths(d('2024-01-31'), 1))).toBe('2024-02-29');
    expect(formatDate(addMonths(d('2023-05-31'), 1))).toBe('2023-06-30');
    expect(formatDate(addMonths(d('2023-03-31'), -1))).toBe('2023-02-28');
    expect(formatDate(addMonths(d('2023-12-15'), 1))).toBe('2024-01-15');
    expect(formatDate(addMonths(d('2023-01-15'), -1))).toBe('2022-12-15');
    expect(formatDate(addMonths(d('2023-01-15'), 13))).toBe('2024-02-15');
    expect(formatDate(addMonths(d('2023-01-15'), -25))).toBe('2020-12-15');
    expect(formatDate(addMonths(d('2023-01-31'), 0))).toBe('2023-01-31');
    // Clamping is not undone: Jan 31 → Feb 28 → Mar 28.
    expect(formatDate(addMonths(addMonths(d('2023-01-31'), 1), 1))).toBe('2023-03-28');
  });

  it('adds years, clamping Feb 29', () => {
    expect(formatDate(addYears(d('2024-02-29'), 1))).toBe('2025-02-28');
    expect(formatDate(addYears(d('2024-02-29'), -1))).toBe('2023-02-28');
    expect(formatDate(addYears(d('2024-02-29'), 4))).toBe('2028-02-29');
    expect(formatDate(addYears(d('2023-07-17'), -1))).toBe('2022-07-17');
  });
});

describe('month keys', () => {
  it('maps days to months', () => {
    expect(monthKeyOfDay(d('2023-06-15'))).toBe(month(2023, 6));
    expect(monthKeyOfDay(d('2023-12-31')) + 1).toBe(monthKeyOfDay(d('2024-01-01')));
    expect(monthKeyOfDay(d('1969-12-31'))).toBe(month(1969, 12));
  });

  it('parses strict YYYY-MM', () => {
    expect(parseMonthKey('2023-06')).toBe(month(2023, 6));
    expect(parseMonthKey('2023-12')).toBe(month(2023, 12));
    for (const bad of ['2023-6', '2023-13', '2023-00', '2023-06-01', '202306', '2023/06', ' 2023-06', '']) {
      expect(parseMonthKey(bad), bad).toBeUndefined();
    }
  });

  it('formats and bounds months', () => {
    expect(formatMonthKey(month(2023, 6))).toBe('2023-06');
    expect(formatMonthKey(month(2023, 12))).toBe('2023-12');
    expect(formatDate(monthKeyStartDay(month(2024, 2)))).toBe('2024-02-01');
    expect(formatDate(monthKeyEndDay(month(2024, 2)))).toBe('2024-02-29');
    expect(formatDate(monthKeyEndDay(month(2023, 2)))).toBe('2023-02-28');
    expect(formatDate(monthKeyEndDay(month(2023, 12)))).toBe('2023-12-31');
  });
});

describe('time zones', () => {
  it('validates zones', () => {
    for (const ok of ['Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Kathmandu', '+08:00', '-05:30', '+00:00']) {
      expect(isValidZone(ok), ok).toBe(true);
    }
    for (const bad of ['Mars/Olympus', '', '+8:00', '+0800', '+08', '+24:00', '+08:60', 'UTC+8', '08:00', ' UTC']) {
      expect(isValidZone(bad), bad).toBe(false);
    }
  });

  it('throws RangeError for invalid zones', () => {
    expect(() => zoneOffsetMinutes('Mars/Olympus', 0)).toThrow(RangeError);
    expect(() => dayOfInstant(0, '+8')).toThrow(RangeError);
    expect(() => parseDateTime('2023-07-17T10:00Z', 'nowhere')).toThrow(RangeError);
    expect(() => formatDateTime(0, '')).toThrow(RangeError);
  });

  it('gives offsets', () => {
    expect(DEFAULT_ZONE).toBe('Asia/Shanghai');
    expect(zoneOffsetMinutes('Asia/Shanghai', t('2023-07-17T00:00'))).toBe(480);
    expect(zoneOffsetMinutes('UTC', t('2023-07-17T00:00'))).toBe(0);
    expect(zoneOffsetMinutes('+05:30', t('2023-07-17T00:00'))).toBe(330);
    expect(zoneOffsetMinutes('-03:45', 0)).toBe(-225);
    expect(zoneOffsetMinutes('America/New_York', t('2023-07-17T00:00'))).toBe(-240);
    expect(zoneOffsetMinutes('America/New_York', t('2023-01-17T00:00'))).toBe(-300);
    expect(zoneOffsetMinutes('Asia/Kathmandu', t('2023-01-17T00:00'))).toBe(345);
    // Intl matches names case-insensitively and resolves aliases.
    expect(zoneOffsetMinutes('asia/shanghai', t('2023-01-17T00:00'))).toBe(480);
    expect(zoneOffsetMinutes('PRC', t('1990-06-01T00:00'))).toBe(540);
  });

  it('knows Shanghai before 1992 through Intl (China observed DST 1986–1991)', () => {
    expect(zoneOffsetMinutes('Asia/Shanghai', t('1990-06-01T00:00'))).toBe(540);
    expect(zoneOffsetMinutes('Asia/Shanghai', t('1990-12-01T00:00'))).toBe(480);
    expect(formatDateTime(t('1990-06-01T00:00'), 'Asia/Shanghai')).toBe('1990-06-01T09:00:00+09:00');
  });

  it('matches Intl for Asia/Shanghai on the fast path', () => {
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', timeZoneName: 'longOffset' });
    for (let ms = t('1992-01-01T00:00'); ms < t('2040-01-01T00:00'); ms += 37 * MS_PER_DAY + 12_345_678) {
      const name = fmt.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value;
      expect(name).toBe('GMT+08:00');
      expect(zoneOffsetMinutes('Asia/Shanghai', ms)).toBe(480);
    }
  });

  it('finds the civil day of an instant in a zone', () => {
    // 2023-09-30T17:00Z is already October 1st in Shanghai.
    expect(formatDate(dayOfInstant(t('2023-09-30T17:00Z'), 'Asia/Shanghai'))).toBe('2023-10-01');
    expect(formatDate(dayOfInstant(t('2023-09-30T17:00Z'), 'UTC'))).toBe('2023-09-30');
    expect(formatDate(dayOfInstant(t('2023-09-30T17:00Z')))).toBe('2023-10-01'); // default zone
    expect(formatDate(dayOfInstant(t('2023-09-30T15:59:59.999Z'), 'Asia/Shanghai'))).toBe('2023-09-30');
    expect(formatDate(dayOfInstant(t('2023-09-30T16:00Z'), 'Asia/Shanghai'))).toBe('2023-10-01');
    expect(formatDate(dayOfInstant(t('2023-10-01T02:00Z'), '-03:00'))).toBe('2023-09-30');
    expect(formatDate(dayOfInstant(t('1969-12-31T23:59:59.999Z'), 'UTC'))).toBe('1969-12-31');
  });

  it('finds local midnight', () => {
    expect(startOfDay(d('2023-10-01'), 'Asia/Shanghai')).toBe(t('2023-09-30T16:00Z'));
    expect(startOfDay(d('2023-10-01'))).toBe(t('2023-09-30T16:00Z'));
    expect(startOfDay(d('2023-10-01'), 'UTC')).toBe(t('2023-10-01T00:00Z'));
    expect(startOfDay(d('2023-10-01'), '+05:30')).toBe(t('2023-09-30T18:30Z'));
    expect(startOfDay(d('2023-03-12'), 'America/New_York')).toBe(t('2023-03-12T05:00Z'));
    // Santiago skips midnight on 2023-09-03: the day starts at 01:00 -03.
    expect(startOfDay(d('2023-09-03'), 'America/Santiago')).toBe(t('2023-09-03T04:00Z'));
  });

  it('resolves skipped and repeated local times', () => {
    // New York springs forward 02:00 → 03:00 on 2023-03-12: 02:30 is moved on to 03:30 EDT.
    expect(parseDateTime('2023-03-12T02:30', 'America/New_York')).toBe(t('2023-03-12T07:30Z'));
    // …and falls back 02:00 → 01:00 on 2023-11-05: 01:30 means the earlier (EDT) one.
    expect(parseDateTime('2023-11-05T01:30', 'America/New_York')).toBe(t('2023-11-05T05:30Z'));
    expect(parseDateTime('2023-11-05T00:30', 'America/New_York')).toBe(t('2023-11-05T04:30Z'));
    expect(parseDateTime('2023-11-05T02:30', 'America/New_York')).toBe(t('2023-11-05T07:30Z'));
    expect(instantFromLocal(d('2023-07-17') * MS_PER_DAY + 10 * MS_PER_HOUR)).toBe(t('2023-07-17T02:00Z'));
  });
});

describe('datetimes', () => {
  it('parses local times in the zone', () => {
    expect(parseDateTime('2023-07-17T10:00')).toBe(t('2023-07-17T02:00Z'));
    expect(parseDateTime('2023-07-17T10:00', 'Asia/Shanghai')).toBe(Date.UTC(2023, 6, 17, 2));
    expect(parseDateTime('2023-07-17T10:00:30', 'UTC')).toBe(Date.UTC(2023, 6, 17, 10, 0, 30));
    expect(parseDateTime('2023-07-17T10:00', '+05:30')).toBe(Date.UTC(2023, 6, 17, 4, 30));
    expect(parseDateTime('2023-07-17T00:30', 'Asia/Shanghai')).toBe(Date.UTC(2023, 6, 16, 16, 30));
  });

  it('parses explicit offsets regardless of the zone', () => {
    const expected = Date.UTC(2023, 6, 17, 2);
    expect(parseDateTime('2023-07-17T10:00:00+08:00', 'America/New_York')).toBe(expected);
    expect(parseDateTime('2023-07-17T10:00+08:00')).toBe(expected);
    expect(parseDateTime('2023-07-17T02:00:00Z', 'Asia/Shanghai')).toBe(expected);
    expect(parseDateTime('2023-07-16T20:30:00-05:30')).toBe(expected);
    expect(parseDateTime('2023-07-17T02:00:00-00:00')).toBe(expected);
  });

  it('parses fractional seconds, truncating below the millisecond', () => {
    const base = Date.UTC(2023, 6, 17, 10, 0, 30);
    expect(parseDateTime('2023-07-17T10:00:30.5Z')).toBe(base + 500);
    expect(parseDateTime('2023-07-17T10:00:30.05Z')).toBe(base + 50);
    expect(parseDateTime('2023-07-17T10:00:30.123Z')).toBe(base + 123);
    expect(parseDateTime('2023-07-17T10:00:30.123999999Z')).toBe(base + 123);
    expect(parseDateTime('2023-07-17T10:00:30.999+08:00')).toBe(base + 999 - 8 * MS_PER_HOUR);
  });

  it.each([
    '2023-07-17',
    '2023-07-17T',
    '2023-07-17T10',
    '2023-07-17T1:00',
    '2023-07-17T24:00',
    '2023-07-17T10:60',
    '2023-07-17T10:00:60',
    '2023-07-17T10:00:5',
    '2023-07-17 10:00',
    '2023-07-17t10:00',
    '2023-07-17T10:00z',
    '2023-07-17T10:00:00.',
    '2023-07-17T10:00:00.1234567890',
    '2023-07-17T10:00.5',
    '2023-07-17T10:00+0800',
    '2023-07-17T10:00+08',
    '2023-07-17T10:00+24:00',
    '2023-07-17T10:00+08:00Z',
    '2023-07-17T10:00Z+08:00',
    '2023-07-17T10:00 ',
    ' 2023-07-17T10:00',
    '2023-02-30T10:00',
    '2023-13-01T10:00',
  ])('rejects datetime %j', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });

  it('formats with the zone offset', () => {
    const ms = Date.UTC(2023, 6, 17, 2);
    expect(formatDateTime(ms)).toBe('2023-07-17T10:00:00+08:00');
    expect(formatDateTime(ms, 'UTC')).toBe('2023-07-17T02:00:00+00:00');
    expect(formatDateTime(ms, '-05:30')).toBe('2023-07-16T20:30:00-05:30');
    expect(formatDateTime(ms, 'America/New_York')).toBe('2023-07-16T22:00:00-04:00');
    expect(formatDateTime(ms + 50, 'Asia/Shanghai')).toBe('2023-07-17T10:00:00.050+08:00');
    expect(formatDateTime(Date.UTC(1969, 11, 31, 23, 59, 59, 999), 'UTC')).toBe('1969-12-31T23:59:59.999+00:00');
  });

  it('round-trips format → parse', () => {
    for (const zone of ['Asia/Shanghai', 'UTC', '+05:45', 'America/New_York', 'Europe/London']) {
      for (let ms = Date.UTC(2020, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 7 * MS_PER_DAY + 3_600_123) {
        expect(parseDateTime(formatDateTime(ms, zone), 'UTC'), zone).toBe(ms);
      }
    }
  });
});

describe('durations', () => {
  it('builds durations from amounts', () => {
    expect(durationOf(24, 'hour')).toEqual({ months: 0, days: 0, ms: 86_400_000 });
    expect(durationOf(1.5, 'hour')).toEqual({ months: 0, days: 0, ms: 5_400_000 });
    expect(durationOf(0.1, 'hour')).toEqual({ months: 0, days: 0, ms: 360_000 });
    expect(durationOf(30, 'day')).toEqual({ months: 0, days: 30, ms: 0 });
    expect(durationOf(3, 'month')).toEqual({ months: 3, days: 0, ms: 0 });
    expect(durationOf(1, 'year')).toEqual({ months: 12, days: 0, ms: 0 });
    expect(durationOf(-2, 'day')).toEqual({ months: 0, days: -2, ms: 0 });
    expect(durationOf(2.5, 'day')).toBeUndefined();
    expect(durationOf(1.5, 'month')).toBeUndefined();
    expect(durationOf(0.5, 'year')).toBeUndefined();
    expect(durationOf(1e-10, 'hour')).toBeUndefined(); // 0.00036 ms
  });

  it('compares durations where meaningful', () => {
    const of = (n: number, u: 'hour' | 'day' | 'month' | 'year'): Duration => durationOf(n, u)!;
    expect(compareDurations(of(1, 'year'), of(12, 'month'))).toBe(0);
    expect(compareDurations(of(1, 'day'), of(24, 'hour'))).toBe(0);
    expect(compareDurations(of(2, 'hour'), of(1, 'day'))).toBe(-1);
    expect(compareDurations(of(2, 'year'), of(13, 'month'))).toBe(1);
    expect(compareDurations(of(30, 'day'), of(1, 'month'))).toBeUndefined();
  });

  it('adds durations to dates', () => {
    const year = durationOf(1, 'year')!;
    expect(addDurationToDay(d('2024-02-29'), year, 1)).toEqual({ kind: 'date', day: d('2025-02-28') });
    expect(addDurationToDay(d('2024-02-29'), year, -1)).toEqual({ kind: 'date', day: d('2023-02-28') });
    expect(addDurationToDay(d('2023-03-31'), durationOf(1, 'month')!, -1)).toEqual({ kind: 'date', day: d('2023-02-28') });
    expect(addDurationToDay(d('2023-12-31'), durationOf(1, 'day')!, 1)).toEqual({ kind: 'date', day: d('2024-01-01') });
    // Months first, then days.
    expect(addDurationToDay(d('2023-01-31'), { months: 1, days: 1, ms: 0 }, 1)).toEqual({
      kind: 'date',
      day: d('2023-03-01'),
    });
  });

  it('turns a date plus hours into the datetime at local midnight plus those hours', () => {
    const day = d('2023-07-17');
    expect(addDurationToDay(day, durationOf(24, 'hour')!, 1)).toEqual({ kind: 'datetime', ms: t('2023-07-17T16:00Z') });
    expect(addDurationToDay(day, durationOf(24, 'hour')!, 1, 'UTC')).toEqual({
      kind: 'datetime',
      ms: t('2023-07-18T00:00Z'),
    });
    expect(addDurationToDay(day, durationOf(2, 'hour')!, -1)).toEqual({ kind: 'datetime', ms: t('2023-07-16T14:00Z') });
  });

  it('adds durations to instants in local calendar terms', () => {
    const oneMonth = durationOf(1, 'month')!;
    // 2023-03-30T20:00Z is 03-31 04:00 in Shanghai; a month later is 04-30 04:00 there…
    expect(addDurationToInstant(t('2023-03-30T20:00Z'), oneMonth, 1, 'Asia/Shanghai')).toBe(t('2023-04-29T20:00Z'));
    // …but in UTC it is 04-30 20:00.
    expect(addDurationToInstant(t('2023-03-30T20:00Z'), oneMonth, 1, 'UTC')).toBe(t('2023-04-30T20:00Z'));
    expect(addDurationToInstant(t('2023-01-31T10:00+08:00'), oneMonth, 1)).toBe(t('2023-02-28T10:00+08:00'));
    expect(addDurationToInstant(t('2024-02-29T10:00+08:00'), durationOf(1, 'year')!, 1)).toBe(
      t('2025-02-28T10:00+08:00'),
    );
    expect(addDurationToInstant(t('2023-07-17T10:00Z'), durationOf(24, 'hour')!, 1)).toBe(t('2023-07-18T10:00Z'));
    expect(addDurationToInstant(t('2023-07-17T10:00Z'), durationOf(1.5, 'hour')!, -1)).toBe(t('2023-07-17T08:30Z'));
  });

  it('distinguishes a day from 24 hours across DST', () => {
    const noon = t('2023-03-11T12:00-05:00'); // New York, the day before spring-forward
    expect(addDurationToInstant(noon, durationOf(1, 'day')!, 1, 'America/New_York')).toBe(t('2023-03-12T12:00-04:00'));
    expect(addDurationToInstant(noon, durationOf(24, 'hour')!, 1, 'America/New_York')).toBe(t('2023-03-12T13:00-04:00'));
  });
});

describe('windows', () => {
  it('builds rolling windows including both ends', () => {
    expect(show(rollingWindow(d('2023-09-08'), 3, 'day'))).toBe('2023-09-05..2023-09-08');
    expect(show(rollingWindow(d('2023-09-08'), 1, 'year'))).toBe('2022-09-08..2023-09-08');
    expect(show(rollingWindow(d('2024-02-29'), 1, 'year'))).toBe('2023-02-28..2024-02-29');
    expect(show(rollingWindow(d('2023-05-31'), 3, 'month'))).toBe('2023-02-28..2023-05-31');
    expect(show(rollingWindow(d('2024-01-15'), 1, 'month'))).toBe('2023-12-15..2024-01-15');
    expect(show(rollingWindow(d('2023-09-08'), 0, 'day'))).toBe('2023-09-08..2023-09-08');
    expect(rollingWindow(d('2023-09-08'), 1, 'day').startMs).toBeUndefined();
  });

  it('rejects bad window lengths', () => {
    expect(() => rollingWindow(0, -1, 'day')).toThrow(RangeError);
    expect(() => rollingWindow(0, 1.5, 'month')).toThrow(RangeError);
    expect(() => naturalWindow(0, -3, 'month')).toThrow(RangeError);
    expect(() => rollingHoursWindow(0, -1)).toThrow(RangeError);
    expect(() => naturalHoursWindow(0, 0.5)).toThrow(RangeError);
  });

  it('builds natural windows from whole units before the current one', () => {
    expect(show(naturalWindow(d('2023-09-08'), 3, 'month'))).toBe('2023-06-01..2023-08-31');
    expect(show(naturalWindow(d('2024-01-15'), 3, 'month'))).toBe('2023-10-01..2023-12-31');
    expect(show(naturalWindow(d('2024-01-01'), 1, 'month'))).toBe('2023-12-01..2023-12-31');
    expect(show(naturalWindow(d('2024-03-01'), 1, 'month'))).toBe('2024-02-01..2024-02-29');
    expect(show(naturalWindow(d('2023-03-31'), 1, 'month'))).toBe('2023-02-01..2023-02-28');
    expect(show(naturalWindow(d('2024-03-01'), 1, 'year'))).toBe('2023-01-01..2023-12-31');
    expect(show(naturalWindow(d('2023-09-08'), 2, 'year'))).toBe('2021-01-01..2022-12-31');
    expect(show(naturalWindow(d('2023-01-02'), 3, 'day'))).toBe('2022-12-30..2023-01-01');
  });

  it('treats a zero-length natural window as empty', () => {
    const w = naturalWindow(d('2023-09-08'), 0, 'month');
    expect(w.startDay).toBe(w.endDay + 1);
    expect(monthsOfWindow(w)).toEqual([]);
    expect(dayInWindow(d('2023-09-01'), w)).toBe(false);
    expect(dayInWindow(d('2023-08-31'), w)).toBe(false);
  });

  it('lists the months a window touches, oldest first', () => {
    expect(monthsOfWindow(naturalWindow(d('2023-09-08'), 3, 'month')).map(formatMonthKey)).toEqual([
      '2023-06',
      '2023-07',
      '2023-08',
    ]);
    expect(monthsOfWindow(naturalWindow(d('2024-01-15'), 3, 'month'))).toEqual([
      month(2023, 10),
      month(2023, 11),
      month(2023, 12),
    ]);
    expect(monthsOfWindow(naturalWindow(d('2024-03-01'), 1, 'year'))).toHaveLength(12);
    // A rolling year touches 13 months: the partial first and current ones included.
    const rolling = monthsOfWindow(rollingWindow(d('2023-09-08'), 1, 'year'));
    expect(rolling).toHaveLength(13);
    expect(formatMonthKey(rolling[0]!)).toBe('2022-09');
    expect(formatMonthKey(rolling[12]!)).toBe('2023-09');
    expect(monthsOfWindow({ startDay: d('2023-09-01'), endDay: d('2023-09-01') })).toEqual([month(2023, 9)]);
  });

  it('tests dates against day windows, both ends inclusive', () => {
    const w = naturalWindow(d('2023-09-08'), 3, 'month');
    expect(dayInWindow(d('2023-06-01'), w)).toBe(true);
    expect(dayInWindow(d('2023-08-31'), w)).toBe(true);
    expect(dayInWindow(d('2023-05-31'), w)).toBe(false);
    expect(dayInWindow(d('2023-09-01'), w)).toBe(false);
    const lastYear = rollingWindow(d('2023-09-08'), 1, 'year');
    expect(dayInWindow(d('2022-09-08'), lastYear)).toBe(true);
    expect(dayInWindow(d('2022-09-07'), lastYear)).toBe(false);
    expect(dayInWindow(d('2023-09-08'), lastYear)).toBe(true);
    expect(dayInWindow(d('2023-09-09'), lastYear)).toBe(false);
  });

  it('tests instants against day windows by their civil date in the zone', () => {
    const q3 = naturalWindow(d('2023-10-15'), 3, 'month'); // 2023-07-01..2023-09-30
    expect(show(q3)).toBe('2023-07-01..2023-09-30');
    expect(instantInWindow(t('2023-09-30T17:00Z'), q3, 'Asia/Shanghai')).toBe(false); // Oct 1 there
    expect(instantInWindow(t('2023-09-30T17:00Z'), q3, 'UTC')).toBe(true);
    expect(instantInWindow(t('2023-09-30T15:59:59.999Z'), q3)).toBe(true);
    expect(instantInWindow(t('2023-06-30T16:00Z'), q3)).toBe(true); // Jul 1 00:00 in Shanghai
    expect(instantInWindow(t('2023-06-30T15:59:59.999Z'), q3)).toBe(false);
  });

  it('builds rolling hour windows on instants', () => {
    const now = t('2023-07-18T10:00+08:00');
    const w = rollingHoursWindow(now, 24);
    expect(w.startMs).toBe(t('2023-07-17T10:00+08:00'));
    expect(w.endMs).toBe(now);
    expect(show(w)).toBe('2023-07-17..2023-07-18');
    expect(instantInWindow(w.startMs!, w)).toBe(true);
    expect(instantInWindow(w.startMs! - 1, w)).toBe(false);
    expect(instantInWindow(now, w)).toBe(true);
    expect(instantInWindow(now + 1, w)).toBe(false);
    // A date against an hour window stands for its local midnight.
    expect(dayInWindow(d('2023-07-18'), w)).toBe(true);
    expect(dayInWindow(d('2023-07-17'), w)).toBe(false);
    expect(dayInWindow(d('2023-07-17'), rollingHoursWindow(now, 34))).toBe(true);
    expect(monthsOfWindow(w)).toEqual([month(2023, 7)]);
  });

  it('builds natural hour windows on local hour boundaries', () => {
    const w = naturalHoursWindow(t('2023-07-18T10:30+08:00'), 2);
    expect(w.startMs).toBe(t('2023-07-18T08:00+08:00'));
    expect(w.endMs).toBe(t('2023-07-18T10:00+08:00') - 1);
    // Kathmandu is +05:45, so its hours start at :15 UTC.
    const k = naturalHoursWindow(t('2023-07-18T04:50Z'), 1, 'Asia/Kathmandu');
    expect(k.startMs).toBe(t('2023-07-18T03:15Z'));
    expect(k.endMs).toBe(t('2023-07-18T04:15Z') - 1);
  });

  it('dispatches DSL periods', () => {
    const clock = { today: d('2023-09-08'), now: t('2023-09-08T10:30+08:00'), zone: 'Asia/Shanghai' };
    expect(show(periodWindow(3, 'month', true, clock))).toBe('2023-06-01..2023-08-31');
    expect(show(periodWindow(1, 'year', false, clock))).toBe('2022-09-08..2023-09-08');
    expect(show(periodWindow(30, 'day', false, clock))).toBe('2023-08-09..2023-09-08');
    expect(periodWindow(24, 'hour', false, clock).startMs).toBe(t('2023-09-07T10:30+08:00'));
    expect(periodWindow(1, 'hour', true, clock).startMs).toBe(t('2023-09-08T09:00+08:00'));
  });
});
