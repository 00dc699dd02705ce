/**
 * Where a command writes, and in which colours.
 *
 * Colour follows the conventions users have from Node and other tools, first
 * match wins: `--color` / `--no-color`; `FORCE_COLOR` (`0` or `false` turns
 * it off, anything else on); `NO_COLOR` (set and not empty: off); `TERM=dumb`
 * (off); otherwise on for a terminal and off for a pipe or a file.
 */
import { createColors } from './libraries.js';

/** Colour functions (identity functions when colour is off). */
export interface Style {
  readonly color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  gray(text: string): string;
}

/** What a command writes with: a line of standard output or standard error, each stream with its style. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  style: Style;
  errStyle: Style;
}

/** The style for colour on or off. */
export function styleOf(color: boolean): Style {
  const c = createColors(color);
  return { color, bold: c.bold, dim: c.dim, red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan, gray: c.gray };
}

/** Whether to colour a stream: the flag, then FORCE_COLOR, NO_COLOR, TERM=dumb, then whether it is a terminal. */
export function wantsColor(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['NO_COLOR']) return false;
  if (env['TERM'] === 'dumb') return false;
  return isTTY;
}

/** Standard output and standard error of this process. */
export function processIo(): Io {
  return {
    out: (s) => void process.stdout.write(s + '\n'),
    err: (s) => void process.stderr.write(s + '\n'),
    style: styleOf(wantsColor(undefined, Boolean(process.stdout.isTTY))),
    errStyle: styleOf(wantsColor(undefined, Boolean(process.stderr.isTTY))),
  };
}

/**
 * The io with colour as `--color` / `--no-color` says. Colour forced by the flag
 * applies to both streams; without the flag each stream keeps its own.
 */
export function withColorFlag(io: Io, flag: boolean | undefined): Io {
  if (flag === undefined) return io;
  return { ...io, style: styleOf(flag), errStyle: styleOf(flag) };
}
