/**
 * Civil-date arithmetic for building witnesses, in the names the synthesizer
 * uses: a thin layer over the runtime's own calendar (`@bylaw/dsl/calendar`),
 * so that witnesses are written exactly the way the runtime will read them.
 */
import * as C from '@bylaw/dsl/calendar';

/** A duration as the language counts it: calendar months, days and milliseconds. */
export type Duration = C.Duration;

/** A window of days, both ends included (hour windows carry instants too). */
export type Window = C.Window;

/** Days since 1970-01-01 of a civil date. */
export const dayFromCivil = C.dayFromCivil;

/** `YYYY-MM-DD` (a longer text is read by its first ten characters) → day number, or undefined. */
export function parseDay(text: string): number | undefined {
  return C.parseDate(text.slice(0, 10));
}

/** Day number → `YYYY-MM-DD`. */
export const formatDay = C.formatDate;

/** The same day `n` months later, clamped to the end of a shorter month. */
export const addMonths = C.addMonths;

/** `YYYY-MM` of the month containing a day. */
export function monthKey(day: number): string {
  return C.formatMonthKey(C.monthKeyOfDay(day));
}

/** The duration of `amount unit` (zero when the amount is not a whole number of days, months or years). */
export function durationOf(amount: number, unit: C.TimeUnit): Duration {
  return C.durationOf(amount, unit) ?? { months: 0, days: 0, ms: 0 };
}

const MS_PER_DAY = 86_400_000;

/** A rough length in milliseconds, only for ordering durations of different units. */
export function approximateMs(d: Duration): number {
  return d.months * 30.44 * MS_PER_DAY + d.days * MS_PER_DAY + d.ms;
}

/** Add (sign 1) or subtract (sign -1) a duration to a day; hours make it a datetime. */
export function addToDay(day: number, d: Duration, sign: 1 | -1, zone: string): { date?: number; datetime?: number } {
  const r = C.addDurationToDay(day, d, sign, zone);
  return r.kind === 'date' ? { date: r.day } : { datetime: r.ms };
}

/** Add or subtract a duration to an instant (months in the zone's calendar). */
export const addToInstant = C.addDurationToInstant;

/** Minutes east of UTC of a zone (IANA name or `±HH:MM`) at an instant. */
export const zoneOffsetMinutes = C.zoneOffsetMinutes;

/** The instant of local midnight at the start of a day. */
export const startOfDay = C.startOfDay;

/** The local day of an instant. */
export const dayOfInstant = C.dayOfInstant;

/** An instant as data: `YYYY-MM-DDTHH:MM:SSZ` (UTC, which the runtime accepts whatever the policy's zone). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The window of `last N [natural] unit` on a day, as the runtime computes it (now = the day's midnight). */
export function windowOf(amount: number, unit: C.TimeUnit, natural: boolean, today: number, zone: string): Window {
  return C.periodWindow(amount, unit, natural, { today, now: C.startOfDay(today, zone), zone });
}

/** `YYYY-MM` of every month a window touches, oldest first. */
export function monthsOf(w: Window): string[] {
  return C.monthsOfWindow(w).map(C.formatMonthKey);
}
