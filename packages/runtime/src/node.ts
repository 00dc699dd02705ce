/**
 * The Node side of the runtime (`@bylaw/runtime/node`): policies read from
 * files and folders. The rest of the runtime (`@bylaw/runtime`) reads no file
 * and runs anywhere; this entry gives it the file system.
 *
 * @example
 * ```ts
 * import { loadPolicies } from '@bylaw/runtime/node';
 *
 * const { registry, diagnostics } = loadPolicies(['policies']);
 * const decision = registry!.evaluate('douyin.belt_provider', provider, { asOf: '2023-10-08' });
 * ```
 *
 * @module @bylaw/runtime/node
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, relative, isAbsolute } from 'node:path';
import { diagnostic, type Diagnostic, type SourceHost, type SourceInput } from '@bylaw/dsl';
import { PolicyRegistry, type LoadOptions, type LoadResult } from './registry.js';
import { walkFiles } from './walk.js';

export { walkFiles, type WalkOptions, type WalkProblem, type Walked } from './walk.js';

/** Options for {@link loadPolicies}. */
export interface NodeLoadOptions extends LoadOptions {
  /** Paths are shown relative to this folder in diagnostics. Default: the current directory. */
  readonly cwd?: string;
}

/** Reads imports from the file system; paths are relative to the importing file. */
export const nodeHost: SourceHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolve(from, specifier) {
    return join(dirname(from), specifier);
  },
};

/**
 * Load every `.policy` file under the given files and folders (walked by
 * {@link walkFiles}: name order, `.gitignore` honoured, loop-safe), check them
 * together and build a registry. Unreadable files, symlink loops and
 * invalid UTF-8 are reported as diagnostics.
 */
export function loadPolicies(paths: readonly string[], options: NodeLoadOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const problems: Diagnostic[] = [];
  const badSources = new Map<string, string>();
  const inputs: SourceInput[] = [];
  const show = (p: string) => {
    const r = relative(cwd, p);
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
  const walked = walkFiles(
    paths.map((p) => resolve(cwd, p)),
    { extensions: ['.policy'] },
  );
  for (const { path, code } of walked.problems) {
    problems.push(
      diagnostic('BYL2011', show(path), { start: 0, end: 0 }, `cannot read ${show(path)}: ${code}`, {
        hint: code === 'ELOOP' ? 'a symbolic link points back at itself' : 'check that the path exists and is readable',
      }),
    );
  }
  for (const path of walked.files) {
    const decoded = readSource(path, show(path));
    if (decoded.diagnostic) problems.push(decoded.diagnostic);
    if (decoded.lossy !== undefined) badSources.set(show(path), decoded.lossy);
    if (decoded.text !== undefined) inputs.push({ path: show(path), text: decoded.text });
  }
  const host: SourceHost = {
    readFile: (p) => readSource(resolve(cwd, p), p).text,
    resolve: (from, spec) => show(join(dirname(resolve(cwd, from)), spec)),
  };
  const result = PolicyRegistry.fromSources(inputs, { ...options, host });
  const diagnostics = [...problems, ...result.diagnostics];
  const failed = diagnostics.some((d) => d.severity === 'error');
  return {
    registry: failed ? undefined : result.registry,
    diagnostics,
    files: result.files,
    sources: new Map([...result.sources, ...badSources]),
  };
}

/**
 * Read a policy file as UTF-8. A byte-order mark is dropped by the decoder;
 * invalid UTF-8 is reported with the offset of the first bad byte.
 */
export function readSource(path: string, shownAs: string): { text: string | undefined; diagnostic?: Diagnostic; lossy?: string } {
  let bytes: Buffer;
  try {
    // Only regular files: reading a FIFO (a named pipe) blocks forever, a device may never end.
    if (!statSync(path).isFile()) {
      return {
        text: undefined,
        diagnostic: diagnostic('BYL2011', shownAs, { start: 0, end: 0 }, `cannot read ${shownAs}: not a regular file`, {
          hint: 'a policy is a regular file; this is a named pipe, socket or device',
        }),
      };
    }
    bytes = readFileSync(path);
  } catch (e) {
    return {
      text: undefined,
      diagnostic: diagnostic('BYL2011', shownAs, { start: 0, end: 0 }, `cannot read ${shownAs}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`),
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const at = text.indexOf('\ufffd');
    return {
      text: undefined,
      lossy: text,
      diagnostic: diagnostic('BYL1009', shownAs, { start: Math.max(0, at), end: Math.max(0, at) + 1 }, 'the file is not valid UTF-8', {
        hint: 'save the file as UTF-8 (policy files with Chinese labels must be UTF-8, not GBK)',
      }),
    };
  }
}
