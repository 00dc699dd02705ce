/**
 * `bylaw fmt [--check] [paths…]`: format policy files in place through
 * Prettier and the Bylaw plugin, or check that they are formatted.
 *
 * The same style as `prettier --plugin prettier-plugin-bylaw --write`, and
 * the same configuration: a `.prettierrc` next to the files applies (for
 * example its `printWidth`). A file that does not parse is reported with its
 * diagnostics and left untouched, as is a file that is not valid UTF-8.
 */
import { writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import plugin from 'prettier-plugin-bylaw';
import type { Diagnostic } from '@bylaw/dsl';
import { readSource, walkFiles } from '@bylaw/runtime/node';
import { EXIT_FAIL, EXIT_OK, reasonOf } from './errors.js';
import type { Io } from './io.js';
import { defaultPaths, mustExist } from './load.js';
import { renderDiagnostics } from './render.js';

/** The flags of `bylaw fmt`. */
export interface FmtFlags {
  readonly check: boolean;
}

/** The diagnostics a parse failure carries (`BylawSyntaxError.diagnostics`), if it is one. */
function diagnosticsOf(error: unknown): readonly Diagnostic[] | undefined {
  const ds = (error as { diagnostics?: unknown }).diagnostics;
  return Array.isArray(ds) ? (ds as Diagnostic[]) : undefined;
}

/**
 * Run `bylaw fmt`. Exit codes: 0 when every file is (now) formatted, 1 when
 * `--check` finds unformatted files or a file does not parse, 2 for a usage
 * problem.
 */
export async function fmt(given: readonly string[], values: FmtFlags, io: Io): Promise<number> {
  const paths = defaultPaths(given);
  mustExist(paths);

  // The files Prettier would format: the walk skips what .gitignore and .prettierignore say in
  // every folder, and Prettier itself what its own rules say (its ignore files in this folder).
  const walked = walkFiles(paths, { extensions: ['.policy'], ignoreFiles: ['.gitignore', '.prettierignore'] });
  const broken: string[] = [];
  for (const p of walked.problems) {
    broken.push(p.path);
    io.err(`${p.path}: cannot read: ${p.code}`);
  }
  const files: string[] = [];
  for (const file of walked.files) if (!(await prettier.getFileInfo(file, { ignorePath: ['.gitignore', '.prettierignore'] })).ignored) files.push(file);
  const changed: string[] = [];
  for (const file of files) {
    // Read as the checker reads: invalid UTF-8 is refused (BYL1009), never decoded to U+FFFD
    // and written back, which would turn a file `check` refuses into one it accepts.
    const read = readSource(file, file);
    if (read.text === undefined) {
      broken.push(file);
      io.err(renderDiagnostics(read.diagnostic ? [read.diagnostic] : [], new Map([[file, read.lossy ?? '']]), io.errStyle) + '\n');
      continue;
    }
    const text = read.text;
    let formatted: string;
    try {
      const config = (await prettier.resolveConfig(file)) ?? {};
      formatted = await prettier.format(text, { ...config, filepath: file, parser: 'bylaw', plugins: [plugin] });
    } catch (e) {
      broken.push(file);
      const ds = diagnosticsOf(e);
      io.err(ds ? renderDiagnostics(ds, new Map([[file, text]]), io.errStyle) + '\n' : `${file}: ${(e as Error).message}\n`);
      continue;
    }
    if (formatted === text) continue;
    changed.push(file);
    if (values.check) io.out(file);
    else {
      try {
        writeFileSync(file, formatted);
      } catch (e) {
        broken.push(file);
        io.err(`${file}: cannot write: ${reasonOf(e)}`);
        continue;
      }
      io.out(`formatted ${file}`);
    }
  }

  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (values.check) {
    parts.push(changed.length ? `${n(changed.length, 'file')} not formatted (run bylaw fmt)` : `${n(files.length - broken.length, 'file')} already formatted`);
  } else {
    parts.push(`${n(changed.length, 'file')} formatted`, `${files.length - changed.length - broken.length} unchanged`);
  }
  if (broken.length) parts.push(io.errStyle.red(`${n(broken.length, 'file')} not parsed, left as they are`));
  io.out(parts.join(', '));
  return broken.length > 0 || (values.check && changed.length > 0) ? EXIT_FAIL : EXIT_OK;
}
