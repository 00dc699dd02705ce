/**
 * Dates, datetimes, time zones, durations and windows.
 *
 * Representations (all plain numbers, so values compare with `<` and `===`):
 *  - a civil **date** is an integer *epoch day*: days since 1970-01-01 in the
 *    proleptic Gregorian calendar (1970-01-01 = 0, 1969-12-31 = -1);
 *  - a **datetime** is an integer *epoch millisecond*: a UTC instant;
 *  - a **month** is an integer *month key* `year * 12 + (month - 1)`, so
 *    consecutive months are consecutive integers;
 *  - a **duration** is `{ months, days, ms }` ({@link Duration});
 *  - a **window** is a range of civil days, optionally with exact instant
 *    bounds for windows measured in hours ({@link Window}).
 *
 * Time zones are IANA names (default {@link DEFAULT_ZONE}) or fixed offsets
 * `±HH:MM`. Every function taking a zone throws a RangeError for an invalid
 * one: zones come from policy headers, which are checked once up front with
 * {@link isValidZone}, so a bad zone here is a programming error, not data.
 *
 * Local times that a DST change skips or repeats are resolved like
 * Temporal's `"compatible"` disambiguation: a repeated local time means its
 * earlier instant, a skipped one is moved forward by the length of the gap.
 */

import { mul } from './decimal.js';

/** The zone used when a policy names none. */
export const DEFAULT_ZONE = 'Asia/Shanghai';

/** Milliseconds in a (24-hour) day. */
export const MS_PER_DAY = 86_400_000;
/** Milliseconds in an hour. */
export const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;

/** `Math.floor(a / b)` for a positive divisor, written out for clarity. */
function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

// ---------------------------------------------------------------------------
// Civil dates

/** Whether `year` is a Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Number of days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_LENGTHS[month - 1]!;
}

/** Whether integers y-m-d name an existing day (month 1–12, day within the month). */
export function isValidCivil(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/**
 * Epoch day of a civil date (no validation: day 0 of March is the last day
 * of February). Howard Hinnant's `days_from_civil`, which counts in 400-year
 * eras starting on March 1 so that leap days fall at the end of each year.
 */
export function dayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = floorDiv(153 * (month > 2 ? month - 3 : month + 9) + 2, 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

// Out-parameters of splitDay: the hot paths (month keys, month arithmetic)
// need a day's fields without allocating an object per call.
let splitYear = 0;
let splitMonth = 0;
let splitDayOfMonth = 0;

/** Inverse of dayFromCivil (Hinnant's `civil_from_days`), into the split* variables. */
function splitDay(epochDay: number): void {
  const z = epochDay + 719_468;
  const era = floorDiv(z, 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = floorDiv(
    dayOfEra - floorDiv(dayOfEra, 1460) + floorDiv(dayOfEra, 36_524) - floorDiv(dayOfEra, 146_096),
    365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + floorDiv(yearOfEra, 4) - floorDiv(yearOfEra, 100));
  const mp = floorDiv(5 * dayOfYear + 2, 153);
  splitDayOfMonth = dayOfYear - floorDiv(153 * mp + 2, 5) + 1;
  splitMonth = mp < 10 ? mp + 3 : mp - 9;
  splitYear = yearOfEra + era * 400 + (splitMonth <= 2 ? 1 : 0);
}

/** Civil fields of an epoch day. */
export interface CivilDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

/** Year, month (1–12) and day of month of an epoch day. */
export function civilFromDay(epochDay: number): CivilDate {
  splitDay(epochDay);
  return { year: splitYear, month: splitMonth, day: splitDayOfMonth };
}

/** The value of two ASCII digits at `i`, or -1 when either is not a digit. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  // charCodeAt past the end is NaN, which fails these tests too.
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Value of the four digits at `i`, or -1. */
function fourDigits(text: string, i: number): number {
  const hi = twoDigits(text, i);
  const lo = twoDigits(text, i + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}

/** Epoch day of a strict `YYYY-MM-DD` at the start of `text`, or undefined. */
function parseDatePrefix(text: string): number | undefined {
  if (text.charCodeAt(4) !== 45 /* - */ || text.charCodeAt(7) !== 45) return undefined;
  const year = fourDigits(text, 0);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return dayFromCivil(year, month, day);
}

/**
 * Epoch day of a strict `YYYY-MM-DD` (four-digit year, two-digit month and
 * day, an existing date); undefined otherwise (`2023-02-30`, `2023-13-01`,
 * `2023-1-01`, `2023-01-01T00:00`, surrounding spaces).
 */
export function parseDate(text: string): number | undefined {
  return text.length === 10 ? parseDatePrefix(text) : undefined;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Years 0–9999 as four digits; others in ISO 8601 expanded form (`+010000`, `-000001`). */
function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
}

/** `YYYY-MM-DD` of an epoch day (years outside 0–9999 in ISO expanded form). */
export function formatDate(epochDay: number): string {
  splitDay(epochDay);
  return `${formatYear(splitYear)}-${pad2(splitMonth)}-${pad2(splitDayOfMonth)}`;
}

/** The epoch day `n` days after `day` (n may be negative). */
export function addDays(day: number, n: number): number {
  return day + n;
}

/**
 * The same day of month `n` months later (earlier for negative n), clamped
 * to the end of a shorter month: 2023-01-31 + 1 month = 2023-02-28.
 * `n` must be an integer.
 */
export function addMonths(day: number, n: number): number {
  if (n === 0) return day;
  splitDay(day);
  const target = splitYear * 12 + (splitMonth - 1) + n;
  const year = floorDiv(target, 12);
  const month = target - year * 12 + 1;
  const length = daysInMonth(year, month);
  return dayFromCivil(year, month, splitDayOfMonth < length ? splitDayOfMonth : length);
}

/** `addMonths(day, 12 * n)`: 2024-02-29 + 1 year = 2025-02-28. `n` must be an integer. */
export function addYears(day: number, n: number): number {
  return addMonths(day, 12 * n);
}

// ---------------------------------------------------------------------------
// Month keys

/** Month key (`year * 12 + month - 1`) of the month containing an epoch day. */
export function monthKeyOfDay(day: number): number {
  splitDay(day);
  return splitYear * 12 + splitMonth - 1;
}

/** Month key of a strict `YYYY-MM` (month 01–12), or undefined. */
export function parseMonthKey(text: string): number | undefined {
  if (text.length !== 7 || text.charCodeAt(4) !== 45 /* - */) return undefined;
  const year = fourDigits(text, 0);
  const month = twoDigits(text, 5);
  if (year < 0 || month < 1 || month > 12) return undefined;
  return year * 12 + month - 1;
}

/** `YYYY-MM` of a month key. */
export function formatMonthKey(key: number): string {
  const year = floorDiv(key, 12);
  return `${formatYear(year)}-${pad2(key - year * 12 + 1)}`;
}

/** Epoch day of the first day of a month key's month. */
export function monthKeyStartDay(key: number): number {
  const year = floorDiv(key, 12);
  return dayFromCivil(year, key - year * 12 + 1, 1);
}

/** Epoch day of the last day of a month key's month. */
export function monthKeyEndDay(key: number): number {
  return monthKeyStartDay(key + 1) - 1;
}

// ---------------------------------------------------------------------------
// Time zones

/**
 * China has kept UTC+8 without DST since its last DST period ended on
 * 1991-09-15; from 1992 on the offset is constant, which lets the default
 * zone skip Intl entirely. Earlier instants go through Intl (tzdb knows the
 * 1986–1991 DST and older local mean time).
 */
const SHANGHAI_STABLE_FROM_MS = Date.UTC(1992, 0, 1);
const SHANGHAI_OFFSET = 480;

/**
 * Intl is only asked about instants in this range. Below 1800 every zone is
 * on constant local mean time anyway, and Intl's `year` field turns
 * ambiguous there (era-less BC years, two-digit years); above, Date ends.
 */
const INTL_MIN_MS = Date.UTC(1800, 0, 1);
const INTL_MAX_MS = 8.64e15;

interface ZoneRules {
  /** Offset in minutes for `±HH:MM` zones. */
  readonly fixed: number | undefined;
  readonly isShanghai: boolean;
  /** The IANA name, for the Intl formatter, made when first needed. */
  readonly zone: string;
  formatter: Intl.DateTimeFormat | undefined;
  /** One-entry memo of the last Intl answer (instants recur within an evaluation). */
  memoMs: number;
  memoOffset: number;
}

const zoneCache = new Map<string, ZoneRules>();

/** Offset in minutes of a strict `±HH:MM` (HH 00–23, MM 00–59), or undefined. */
function parseOffset(text: string, i: number): number | undefined {
  const sign = text.charCodeAt(i);
  if ((sign !== 43 /* + */ && sign !== 45) /* - */ || text.charCodeAt(i + 3) !== 58 /* : */) return undefined;
  const hours = twoDigits(text, i + 1);
  const minutes = twoDigits(text, i + 4);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  return sign === 45 ? -total : total;
}

function makeRules(zone: string): ZoneRules | undefined {
  const c = zone.charCodeAt(0);
  if (c === 43 || c === 45) {
    // Offsets are ours to parse, so `+0800` or `+8` are invalid on every Node
    // version, whatever its Intl happens to accept.
    const fixed = zone.length === 6 ? parseOffset(zone, 0) : undefined;
    if (fixed === undefined) return undefined;
    return { fixed, isShanghai: false, zone, formatter: undefined, memoMs: NaN, memoOffset: 0 };
  }
  // The default zone: no Intl formatter (its first one costs ~15 ms of ICU set-up) until an
  // instant before 1991 needs one.
  if (zone === 'Asia/Shanghai') return { fixed: undefined, isShanghai: true, zone, formatter: undefined, memoMs: NaN, memoOffset: 0 };
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = newFormatter(zone);
  } catch {
    return undefined;
  }
  // The resolved name is canonical, so `asia/shanghai` and aliases such as
  // `PRC` share the fast path.
  const isShanghai = formatter.resolvedOptions().timeZone === 'Asia/Shanghai';
  return { fixed: undefined, isShanghai, zone, formatter, memoMs: NaN, memoOffset: 0 };
}

function newFormatter(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/** Cached rules of a zone; undefined for an invalid zone (not cached). */
function lookupZone(zone: string): ZoneRules | undefined {
  let rules = zoneCache.get(zone);
  if (rules === undefined) {
    rules = makeRules(zone);
    if (rules !== undefined) zoneCache.set(zone, rules);
  }
  return rules;
}

function rulesOf(zone: string): ZoneRules {
  const rules = lookupZone(zone);
  if (rules === undefined) throw new RangeError(`invalid time zone: ${JSON.stringify(zone)}`);
  return rules;
}

/**
 * Whether `zone` is a usable time zone: an IANA name known to this Node's
 * ICU (`Asia/Shanghai`, `UTC`; Intl matches names case-insensitively) or a
 * fixed offset `±HH:MM`.
 */
export function isValidZone(zone: string): boolean {
  return lookupZone(zone) !== undefined;
}

function intlOffsetMinutes(formatter: Intl.DateTimeFormat, utcMs: number): number {
  const t = utcMs < INTL_MIN_MS ? INTL_MIN_MS : utcMs > INTL_MAX_MS ? INTL_MAX_MS : utcMs;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatter.formatToParts(t)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  const local = dayFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000;
  // Intl reports whole seconds, so compare against the instant's whole second.
  const wholeSecond = floorDiv(t, 1000) * 1000;
  // Historic local mean time has offsets with seconds (Shanghai: +08:05:43);
  // whole minutes keep formatting and local arithmetic consistent.
  return Math.round((local - wholeSecond) / MS_PER_MINUTE);
}

function offsetOf(rules: ZoneRules, utcMs: number): number {
  if (rules.fixed !== undefined) return rules.fixed;
  if (rules.isShanghai && utcMs >= SHANGHAI_STABLE_FROM_MS) return SHANGHAI_OFFSET;
  if (utcMs === rules.memoMs) return rules.memoOffset;
  if (rules.formatter === undefined) {
    // Only Asia/Shanghai is made without a formatter; a Node without time zone data cannot
    // know its summer time before 1991, and its standard offset is the best answer there.
    try {
      rules.formatter = newFormatter(rules.zone);
    } catch {
      return SHANGHAI_OFFSET;
    }
  }
  const offset = intlOffsetMinutes(rules.formatter, utcMs);
  rules.memoMs = utcMs;
  rules.memoOffset = offset;
  return offset;
}

/** UTC offset in minutes (east positive) of `zone` at the instant `utcMs`. Throws RangeError for an invalid zone. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  return offsetOf(rulesOf(zone), utcMs);
}

/**
 * The instant of a local wall-clock time, given as `localMs` (the local
 * date and time encoded as if they were UTC). Skipped local times move
 * forward by the gap, repeated ones take the earlier instant.
 */
function localToInstant(rules: ZoneRules, localMs: number): number {
  if (rules.fixed !== undefined) return localMs - rules.fixed * MS_PER_MINUTE;
  const shanghaiGuess = localMs - SHANGHAI_OFFSET * MS_PER_MINUTE;
  if (rules.isShanghai && shanghaiGuess >= SHANGHAI_STABLE_FROM_MS) return shanghaiGuess;
  // Offsets a day either side bracket at most one transition (true of every
  // real zone). With the same offset on both sides there is none near.
  const before = offsetOf(rules, localMs - MS_PER_DAY);
  const after = offsetOf(rules, localMs + MS_PER_DAY);
  const withBefore = localMs - before * MS_PER_MINUTE;
  if (before === after) return withBefore;
  const withAfter = localMs - after * MS_PER_MINUTE;
  const beforeFits = offsetOf(rules, withBefore) === before;
  const afterFits = offsetOf(rules, withAfter) === after;
  if (beforeFits && afterFits) return withBefore < withAfter ? withBefore : withAfter; // repeated hour
  if (afterFits) return withAfter;
  // Either only the old offset fits, or neither does (a skipped hour): the
  // old offset carries a skipped time past the gap, like a clock moved on.
  return withBefore;
}

/**
 * The instant of a local date and time in `zone`, with the local time
 * encoded as milliseconds as if it were UTC (`day * MS_PER_DAY + time of
 * day`). Skipped times move forward, repeated ones take the earlier instant.
 */
export function instantFromLocal(localMs: number, zone: string = DEFAULT_ZONE): number {
  return localToInstant(rulesOf(zone), localMs);
}

/** The civil date, in `zone`, on which the instant `ms` falls. */
export function dayOfInstant(ms: number, zone: string = DEFAULT_ZONE): number {
  return floorDiv(ms + offsetOf(rulesOf(zone), ms) * MS_PER_MINUTE, MS_PER_DAY);
}

/** The first instant of civil day `day` in `zone` (local midnight, or the end of a DST gap at midnight). */
export function startOfDay(day: number, zone: string = DEFAULT_ZONE): number {
  return localToInstant(rulesOf(zone), day * MS_PER_DAY);
}

// ---------------------------------------------------------------------------
// Datetimes

/**
 * Parses `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS` or `YYYY-MM-DDTHH:MM:SS.f`
 * (1–9 fraction digits, truncated to the millisecond), optionally followed by
 * `Z` or `±HH:MM`, into an epoch millisecond. Without an offset the time is
 * local to `zone`. Strict: uppercase `T` and `Z`, hours 00–23, no leap
 * seconds, no surrounding spaces; undefined otherwise. Throws RangeError for
 * an invalid zone.
 */
export function parseDateTime(text: string, zone: string = DEFAULT_ZONE): number | undefined {
  const rules = rulesOf(zone);
  if (text.length < 16 || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(13) !== 58 /* : */) return undefined;
  const day = parseDatePrefix(text);
  if (day === undefined) return undefined;
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  let i = 16;
  let second = 0;
  let millis = 0;
  if (text.charCodeAt(i) === 58 /* : */) {
    second = twoDigits(text, i + 1);
    if (second < 0 || second > 59) return undefined;
    i += 3;
    if (text.charCodeAt(i) === 46 /* . */) {
      i++;
      const start = i;
      // Only the first three digits count: finer digits are truncated.
      for (let c = text.charCodeAt(i) - 48; c >= 0 && c <= 9; c = text.charCodeAt(i) - 48) {
        if (i - start < 3) millis = millis * 10 + c;
        i++;
      }
      const digits = i - start;
      if (digits < 1 || digits > 9) return undefined;
      if (digits < 3) millis *= digits === 1 ? 100 : 10;
    }
  }
  const local = day * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000 + millis;
  if (i === text.length) return localToInstant(rules, local);
  if (text.charCodeAt(i) === 90 /* Z */) return i + 1 === text.length ? local : undefined;
  if (i + 6 !== text.length) return undefined;
  const offset = parseOffset(text, i);
  return offset === undefined ? undefined : local - offset * MS_PER_MINUTE;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/**
 * ISO 8601 text of an instant in `zone`: `2023-07-17T10:00:00+08:00`, with
 * `.mmm` only when the milliseconds are not zero, and `+00:00` (not `Z`) for
 * UTC so the offset is always explicit.
 */
export function formatDateTime(ms: number, zone: string = DEFAULT_ZONE): string {
  const offset = offsetOf(rulesOf(zone), ms);
  const local = ms + offset * MS_PER_MINUTE;
  const day = floorDiv(local, MS_PER_DAY);
  const timeOfDay = local - day * MS_PER_DAY;
  const hour = Math.floor(timeOfDay / MS_PER_HOUR);
  const minute = Math.floor((timeOfDay % MS_PER_HOUR) / MS_PER_MINUTE);
  const second = Math.floor((timeOfDay % MS_PER_MINUTE) / 1000);
  const millis = timeOfDay % 1000;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`;
  return `${formatDate(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}${fraction}${formatOffset(offset)}`;
}

// ---------------------------------------------------------------------------
// Durations

/** Units of durations and windows (as in the DSL's `TimeUnit`). */
export type TimeUnit = 'hour' | 'day' | 'month' | 'year';

/**
 * A duration with calendar parts kept apart: months (a year is 12), days
 * (local calendar days, which need not be 24 hours across DST), and an exact
 * number of milliseconds (hours). Parts are integers and may be negative.
 */
export interface Duration {
  readonly months: number;
  readonly days: number;
  readonly ms: number;
}

/**
 * The duration `amount unit` (`24 hours`, `30 days`, `1 year`). Days, months
 * and years need an integer amount; hours may be fractional if they come to
 * whole milliseconds (`1.5 hours`). Undefined otherwise.
 */
export function durationOf(amount: number, unit: TimeUnit): Duration | undefined {
  switch (unit) {
    case 'hour': {
      const ms = Number.isSafeInteger(amount) ? amount * MS_PER_HOUR : mul(amount, MS_PER_HOUR);
      return ms !== undefined && Number.isSafeInteger(ms) ? { months: 0, days: 0, ms } : undefined;
    }
    case 'day':
      return Number.isSafeInteger(amount) ? { months: 0, days: amount, ms: 0 } : undefined;
    case 'month':
      return Number.isSafeInteger(amount) ? { months: amount, days: 0, ms: 0 } : undefined;
    case 'year':
      return Number.isSafeInteger(amount) && Number.isSafeInteger(amount * 12)
        ? { months: amount * 12, days: 0, ms: 0 }
        : undefined;
  }
}

/**
 * Orders durations when that is meaningful: two month-only durations by
 * months (`1 year` = `12 months`), two month-free ones by length with a day
 * counted as 24 hours (`1 day` = `24 hours`). Undefined when months must be
 * weighed against days or hours.
 */
export function compareDurations(a: Duration, b: Duration): -1 | 0 | 1 | undefined {
  if (a.months === 0 && b.months === 0) {
    const x = a.days * MS_PER_DAY + a.ms;
    const y = b.days * MS_PER_DAY + b.ms;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.days === 0 && a.ms === 0 && b.days === 0 && b.ms === 0) {
    return a.months < b.months ? -1 : a.months > b.months ? 1 : 0;
  }
  return a.months === b.months && a.days === b.days && a.ms === b.ms ? 0 : undefined;
}

/** A date, or (after adding hours to a date) a datetime. */
export type DateOrDateTime =
  | { readonly kind: 'date'; readonly day: number }
  | { readonly kind: 'datetime'; readonly ms: number };

/**
 * `day + sign × dur`: months first (clamped to the month's end), then days.
 * Stays a date when `dur.ms === 0`; otherwise the result is the datetime at
 * local midnight (in `zone`) of that day plus `sign × dur.ms`.
 */
export function addDurationToDay(
  day: number,
  dur: Duration,
  sign: 1 | -1,
  zone: string = DEFAULT_ZONE,
): DateOrDateTime {
  let d = day;
  if (dur.months !== 0) d = addMonths(d, sign * dur.months);
  d += sign * dur.days;
  if (dur.ms === 0) return { kind: 'date', day: d };
  return { kind: 'datetime', ms: startOfDay(d, zone) + sign * dur.ms };
}

/**
 * `ms + sign × dur`: months and days move the local date in `zone` keeping
 * the local time of day (months clamped to the month's end, DST resolved as
 * described in the module comment); then hours are added as exact time.
 */
export function addDurationToInstant(ms: number, dur: Duration, sign: 1 | -1, zone: string = DEFAULT_ZONE): number {
  let t = ms;
  if (dur.months !== 0 || dur.days !== 0) {
    const rules = rulesOf(zone);
    const local = ms + offsetOf(rules, ms) * MS_PER_MINUTE;
    const day = floorDiv(local, MS_PER_DAY);
    const timeOfDay = local - day * MS_PER_DAY;
    let d = day;
    if (dur.months !== 0) d = addMonths(d, sign * dur.months);
    d += sign * dur.days;
    t = localToInstant(rules, d * MS_PER_DAY + timeOfDay);
  }
  return t + sign * dur.ms;
}

// ---------------------------------------------------------------------------
// Windows

/**
 * A window of time, both ends included.
 *
 * Every window has `startDay..endDay`, the civil days it covers (touches, for
 * hour windows). Windows measured in days, months or years are exactly those
 * days, whatever the zone. Windows measured in hours also carry their exact
 * instant bounds `startMs..endMs`; their presence is what marks an hour
 * window, and membership tests then use the instants. A window with
 * `startDay > endDay` is empty (`last 0 natural months`).
 */
export interface Window {
  readonly startDay: number;
  readonly endDay: number;
  readonly startMs?: number;
  readonly endMs?: number;
}

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`window length must be a non-negative integer, got ${amount}`);
  }
}

/**
 * `last N days|months|years`: `[today − N unit, today]`, both ends included
 * (months and years clamped like {@link addMonths}). N must be a non-negative
 * integer (RangeError otherwise). For hours see {@link rollingHoursWindow}.
 */
export function rollingWindow(today: number, amount: number, unit: 'day' | 'month' | 'year'): Window {
  checkAmount(amount);
  const startDay = unit === 'day' ? today - amount : addMonths(today, (unit === 'year' ? -12 : -1) * amount);
  return { startDay, endDay: today };
}

/**
 * `last N hours`: the instants `[now − N hours, now]`, with startDay/endDay the
 * local days (in `zone`) of those bounds. N ≥ 0, possibly fractional if it
 * comes to whole milliseconds (RangeError otherwise).
 */
export function rollingHoursWindow(now: number, hours: number, zone: string = DEFAULT_ZONE): Window {
  const dur = durationOf(hours, 'hour');
  if (dur === undefined || dur.ms < 0) throw new RangeError(`invalid window length: ${hours} hours`);
  const startMs = now - dur.ms;
  return { startDay: dayOfInstant(startMs, zone), endDay: dayOfInstant(now, zone), startMs, endMs: now };
}

/**
 * `last N natural days|months|years`: the N whole calendar units before the
 * one containing `today`. On 2023-09-08, 3 natural months are 2023-06-01 ..
 * 2023-08-31 and 1 natural year is 2022-01-01 .. 2022-12-31; 3 natural days
 * are 2023-09-05 .. 2023-09-07. N = 0 gives an empty window. N must be a
 * non-negative integer (RangeError otherwise).
 */
export function naturalWindow(today: number, amount: number, unit: 'day' | 'month' | 'year'): Window {
  checkAmount(amount);
  if (unit === 'day') return { startDay: today - amount, endDay: today - 1 };
  splitDay(today);
  if (unit === 'month') {
    const current = splitYear * 12 + splitMonth - 1;
    return { startDay: monthKeyStartDay(current - amount), endDay: monthKeyStartDay(current) - 1 };
  }
  const yearStart = dayFromCivil(splitYear, 1, 1);
  return { startDay: dayFromCivil(splitYear - amount, 1, 1), endDay: yearStart - 1 };
}

/**
 * `last N natural hours`: the N whole local hours before the one containing
 * `now`, as instants `[start of that hour − N hours, start of that hour − 1 ms]`.
 */
export function naturalHoursWindow(now: number, hours: number, zone: string = DEFAULT_ZONE): Window {
  checkAmount(hours);
  const offsetMs = zoneOffsetMinutes(zone, now) * MS_PER_MINUTE;
  // Local hours, so zones such as +05:45 get their own hour boundaries.
  const hourStart = floorDiv(now + offsetMs, MS_PER_HOUR) * MS_PER_HOUR - offsetMs;
  const startMs = hourStart - hours * MS_PER_HOUR;
  const endMs = hourStart - 1;
  return { startDay: dayOfInstant(startMs, zone), endDay: dayOfInstant(endMs, zone), startMs, endMs };
}

/** The evaluation clock: `today` (epoch day), `now` (epoch ms) and the policy's zone. */
export interface Clock {
  readonly today: number;
  readonly now: number;
  readonly zone: string;
}

/**
 * The window of a DSL period `last <amount> [natural] <unit>`, dispatching to
 * {@link rollingWindow}, {@link naturalWindow}, {@link rollingHoursWindow}
 * or {@link naturalHoursWindow}.
 */
export function periodWindow(amount: number, unit: TimeUnit, natural: boolean, clock: Clock): Window {
  if (unit === 'hour') {
    return natural ? naturalHoursWindow(clock.now, amount, clock.zone) : rollingHoursWindow(clock.now, amount, clock.zone);
  }
  return natural ? naturalWindow(clock.today, amount, unit) : rollingWindow(clock.today, amount, unit);
}

/** How many months a window touches, whole or in part ({@link monthsOfWindow} lists them); 0 for an empty window. */
export function monthCountOfWindow(w: Window): number {
  return w.startDay > w.endDay ? 0 : monthKeyOfDay(w.endDay) - monthKeyOfDay(w.startDay) + 1;
}

/**
 * Month keys of every month the window touches, oldest first, including
 * partly covered months: the rolling `last 1 month` on 2023-09-08 gives
 * 2023-08 and 2023-09. Empty for an empty window.
 */
export function monthsOfWindow(w: Window): number[] {
  const months: number[] = [];
  if (w.startDay > w.endDay) return months;
  const last = monthKeyOfDay(w.endDay);
  for (let k = monthKeyOfDay(w.startDay); k <= last; k++) months.push(k);
  return months;
}

/**
 * Whether a date lies in the window. Against an hour window the date stands
 * for its local midnight in `zone` (as in `date + hours`).
 */
export function dayInWindow(day: number, w: Window, zone: string = DEFAULT_ZONE): boolean {
  if (w.startMs !== undefined && w.endMs !== undefined) {
    const t = startOfDay(day, zone);
    return t >= w.startMs && t <= w.endMs;
  }
  return day >= w.startDay && day <= w.endDay;
}

/**
 * Whether an instant lies in the window: against an hour window by its exact
 * time, otherwise by its civil date in `zone`.
 */
export function instantInWindow(ms: number, w: Window, zone: string = DEFAULT_ZONE): boolean {
  if (w.startMs !== undefined && w.endMs !== undefined) return ms >= w.startMs && ms <= w.endMs;
  const day = dayOfInstant(ms, zone);
  return day >= w.startDay && day <= w.endDay;
}
