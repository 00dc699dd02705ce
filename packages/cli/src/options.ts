/**
 * Flags shared by several commands, each declared once with its check: a bad
 * value is a one-line error in Bylaw's words (`--format must be text or json,
 * not xml (did you mean json?)`), never the argument library's.
 */
import { Option } from './libraries.js';
import { CliError } from './errors.js';

/** `a`, `a or b`, `a, b or c`. */
export function orList(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? '') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** A flag whose value is one of `values`; help and shell completion list them. */
export function choiceOption(flags: string, description: string, values: readonly string[]): Option {
  const option = new Option(flags, description).choices(values);
  return option.argParser((value: string) => {
    if (!values.includes(value)) throw new CliError(`${option.long} must be ${orList(values)}, not ${value}`, undefined, { word: value, among: values });
    return value;
  });
}

/** A flag whose value is a whole number of at least `min`. */
export function countOption(flags: string, description: string, min = 1): Option {
  const option = new Option(flags, description);
  return option.argParser((value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new CliError(`${option.long} must be a whole number of at least ${min}, not ${value}`);
    return n;
  });
}

/** `--as-of DATE`: the evaluation date or instant, checked when given (see {@link checkAsOf}). */
export function asOfOption(description = 'the evaluation date YYYY-MM-DD (or an instant YYYY-MM-DDTHH:MM+08:00); default: today in China time'): Option {
  return new Option('--as-of <date>', description);
}

/**
 * An `--as-of` value that is a real day or instant, else a usage error: `2024-02-30`,
 * `2023-13-01` and hour 25 are invalid dates, never "not in force".
 */
export async function checkAsOf(value: string): Promise<string> {
  const { parseDate, parseDateTime } = await import('@bylaw/runtime/calendar');
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (parseDate(value) === undefined) throw new CliError(`--as-of ${value} is not a valid date: ${whyNotADate(value)}`);
    return value;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && parseDateTime(value, 'UTC') !== undefined) return value;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && parseDate(value.slice(0, 10)) === undefined) {
    throw new CliError(`--as-of ${value} is not a valid date: ${whyNotADate(value.slice(0, 10))}`);
  }
  const time = /^\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2})/.exec(value);
  if (time && Number(time[1]) > 23) throw new CliError(`--as-of ${value} is not a valid instant: there is no hour ${Number(time[1])}`);
  if (time && Number(time[2]) > 59) throw new CliError(`--as-of ${value} is not a valid instant: there is no minute ${Number(time[2])}`);
  throw new CliError(`--as-of ${value} is not a valid date or instant (expected YYYY-MM-DD, or YYYY-MM-DDTHH:MM with an offset such as +08:00)`);
}

function whyNotADate(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if (m < 1 || m > 12) return `there is no month ${m}`;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${String(m).padStart(2, '0')} has ${days} days`;
}

/** Today in China time (the default `--as-of`). */
export function today(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}
