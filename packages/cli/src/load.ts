/**
 * What several commands do with policies and input files: find the paths,
 * load and check the policies, read JSON. Loaded by the commands' actions
 * (it brings in the policy packages).
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { suggest, type Diagnostic } from '@bylaw/dsl';
import type { LoadResult, PolicyRegistry } from '@bylaw/runtime';
import { loadPolicies } from '@bylaw/runtime/node';
import { CliError, EXIT_USAGE, reasonOf } from './errors.js';
import type { Io } from './io.js';
import { countLine, renderDiagnostics } from './render.js';

/** The paths given, or `./policies` when none is given. */
export function defaultPaths(paths: readonly string[]): string[] {
  if (paths.length > 0) return [...paths];
  if (existsSync('policies')) return ['policies'];
  throw new CliError('no paths given and no ./policies folder here');
}

/** Every path can be looked at (else a usage error naming it and saying why: missing, a link loop, no permission). */
export function mustExist(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      statSync(p);
      accessSync(p, constants.R_OK);
    } catch (e) {
      throw new CliError((e as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file or folder: ${p}` : `cannot read ${p}: ${reasonOf(e)}`);
    }
  }
}

/**
 * Load and check policies; when any has an error, print the errors (with code
 * frames) on standard error and stop with `code` (the command's exit code for it).
 */
export function loadOrFail(paths: readonly string[], io: Io, code: number = EXIT_USAGE): PolicyRegistry {
  const result: LoadResult = loadPolicies(paths);
  if (!result.registry) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    io.err(renderDiagnostics(errors, result.sources, io.errStyle));
    throw new CliError(`the policies have ${countLine(errors).split(',')[0]}: run bylaw check`, code);
  }
  return result.registry;
}

/** The registry's policy, or a usage error naming the close ones. */
export function knownPolicy(registry: PolicyRegistry, id: string): string {
  if (registry.versions(id).length > 0) return id;
  const ids = registry.ids();
  const close = suggest(id, ids);
  const more = close ? ` (${close})` : ids.length === 0 ? ' (no policies were found)' : ids.length <= 10 ? ` (known: ${ids.join(', ')})` : ` (see bylaw versions for the ${ids.length} known)`;
  throw new CliError(`no policy has the id ${id}${more}`);
}

/** A UTF-8 text file without its byte-order mark, or a one-line error saying why it cannot be read. */
export function readText(path: string | 0, what: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/^\ufeff/, '');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${path === 0 ? '(standard input)' : path}: ${reasonOf(e)}`);
  }
}

/** A JSON file's value (`0`: standard input), or a one-line error saying why it cannot be read. */
export function readJson(path: string | 0, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} ${path === 0 ? '(standard input)' : path} is not JSON: ${(e as Error).message}`);
  }
}

/** A diagnostic with 1-based line and column of its start and end. */
export function withPosition(d: Diagnostic, sources: ReadonlyMap<string, string>) {
  const text = sources.get(d.file) ?? '';
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split(/\r\n|\r|\n/).length;
    const column = [...before.slice(Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1)].length + 1;
    return { line, column };
  };
  return { ...d, start: pos(d.span.start), end: pos(d.span.end) };
}
