/**
 * Civil-date arithmetic for building witnesses: the few calendar rules of the
 * language (day numbers, month clamping, rolling and natural windows) that
 * the synthesizer needs to write data the runtime will read the intended way.
 * The runtime keeps its own calendar internal; this mirrors its documented
 * behaviour (docs/language.md, "Dates, durations and windows").
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a civil date. */
export function dayFromCivil(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** `YYYY-MM-DD` → day number, or undefined. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const n = dayFromCivil(y, mo, d);
  return formatDay(n) === `${m[1]}-${m[2]}-${m[3]}` ? n : undefined;
}

/** Day number → `YYYY-MM-DD`. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

function civil(day: number): { y: number; m: number; d: number } {
  const date = new Date(day * MS_PER_DAY);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The same day `n` months later, clamped to the end of a shorter month. */
export function addMonths(day: number, n: number): number {
  const { y, m, d } = civil(day);
  const target = y * 12 + (m - 1) + n;
  const ty = Math.floor(target / 12);
  const tm = target - ty * 12 + 1;
  return dayFromCivil(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

/** `YYYY-MM` of the month containing a day. */
export function monthKey(day: number): string {
  return formatDay(day).slice(0, 7);
}

/** A duration as the language counts it: calendar months, days and milliseconds. */
export interface Duration {
  readonly months: number;
  readonly days: number;
  readonly ms: number;
}

/** The duration of `amount unit`. */
export function durationOf(amount: number, unit: 'hour' | 'day' | 'month' | 'year'): Duration {
  switch (unit) {
    case 'hour':
      return { months: 0, days: 0, ms: amount * 3_600_000 };
    case 'day':
      return { months: 0, days: amount, ms: 0 };
    case 'month':
      return { months: amount, days: 0, ms: 0 };
    case 'year':
      return { months: 12 * amount, days: 0, ms: 0 };
  }
}

/** A rough length in milliseconds, only for ordering durations of different units. */
export function approximateMs(d: Duration): number {
  return d.months * 30.44 * MS_PER_DAY + d.days * MS_PER_DAY + d.ms;
}

/** Add (sign 1) or subtract (sign -1) a duration to a day; hours make it a datetime. */
export function addToDay(day: number, d: Duration, sign: 1 | -1, zone: string): { date?: number; datetime?: number } {
  let x = day;
  if (d.months) x = addMonths(x, sign * d.months);
  x += sign * d.days;
  if (d.ms === 0) return { date: x };
  return { datetime: startOfDay(x, zone) + sign * d.ms };
}

/** Add or subtract a duration to an instant (months in the zone's calendar). */
export function addToInstant(ms: number, d: Duration, sign: 1 | -1, zone: string): number {
  if (d.months === 0 && d.days === 0) return ms + sign * d.ms;
  const offset = zoneOffsetMinutes(zone, ms) * 60_000;
  const local = ms + offset;
  const day = Math.floor(local / MS_PER_DAY);
  const within = local - day * MS_PER_DAY;
  let x = day;
  if (d.months) x = addMonths(x, sign * d.months);
  x += sign * d.days;
  return localToInstant(x * MS_PER_DAY + within, zone) + sign * d.ms;
}

/** Minutes east of UTC of a zone (IANA name or `±HH:MM`) at an instant. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  const fixed = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(new Date(utcMs));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((local - Math.floor(utcMs / 1000) * 1000) / 60_000);
  } catch {
    return 0;
  }
}

function localToInstant(localMs: number, zone: string): number {
  const guess = localMs - zoneOffsetMinutes(zone, localMs) * 60_000;
  return localMs - zoneOffsetMinutes(zone, guess) * 60_000;
}

/** The instant of local midnight at the start of a day. */
export function startOfDay(day: number, zone: string): number {
  return localToInstant(day * MS_PER_DAY, zone);
}

/** The local day of an instant. */
export function dayOfInstant(ms: number, zone: string): number {
  return Math.floor((ms + zoneOffsetMinutes(zone, ms) * 60_000) / MS_PER_DAY);
}

/** An instant as data: `YYYY-MM-DDTHH:MM:SSZ` (UTC, which the runtime accepts whatever the policy's zone). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A window of days, both ends included (hour windows carry instants too). */
export interface Window {
  readonly startDay: number;
  readonly endDay: number;
  readonly startMs?: number;
  readonly endMs?: number;
}

/** The window of `last N [natural] unit` on a day, as the runtime computes it. */
export function windowOf(amount: number, unit: 'hour' | 'day' | 'month' | 'year', natural: boolean, today: number, zone: string): Window {
  if (unit === 'hour') {
    const now = startOfDay(today, zone);
    const startMs = now - amount * 3_600_000;
    return { startDay: dayOfInstant(startMs, zone), endDay: today, startMs, endMs: now };
  }
  if (!natural) {
    const startDay = unit === 'day' ? today - amount : addMonths(today, (unit === 'year' ? -12 : -1) * amount);
    return { startDay, endDay: today };
  }
  if (unit === 'day') return { startDay: today - amount, endDay: today - 1 };
  const { y, m } = civil(today);
  if (unit === 'month') {
    const first = dayFromCivil(y, m, 1);
    return { startDay: addMonths(first, -amount), endDay: first - 1 };
  }
  return { startDay: dayFromCivil(y - amount, 1, 1), endDay: dayFromCivil(y, 1, 1) - 1 };
}

/** `YYYY-MM` of every month a window touches, oldest first. */
export function monthsOf(w: Window): string[] {
  const out: string[] = [];
  if (w.startDay > w.endDay) return out;
  const { y, m } = civil(w.startDay);
  let k = y * 12 + m - 1;
  const last = civil(w.endDay);
  const end = last.y * 12 + last.m - 1;
  for (; k <= end; k++) out.push(`${String(Math.floor(k / 12)).padStart(4, '0')}-${String((k % 12) + 1).padStart(2, '0')}`);
  return out;
}
