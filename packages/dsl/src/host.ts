/**
 * Hosts: how the checker reads imported files. The core reads no file itself;
 * the Node host lives in `@bylaw/runtime/node`, and this one serves files held
 * in memory (an editor's open documents, a playground's tabs, tests).
 */
import type { SourceHost } from './checker.js';

/**
 * The path of `specifier` imported from the file at `from`: relative to its
 * folder, with `/` separators, `.` and `..` resolved (`a/b.policy` importing
 * `../types.policy` → `types.policy`). An absolute specifier is taken as it is.
 */
export function resolveImport(from: string, specifier: string): string {
  const base = specifier.startsWith('/') ? [] : from.replaceAll('\\', '/').split('/').slice(0, -1);
  const absolute = specifier.startsWith('/') || (base.length > 0 && base[0] === '');
  const parts: string[] = [];
  for (const part of [...base, ...specifier.replaceAll('\\', '/').split('/')]) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts.at(-1) !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

/**
 * A host over files in memory, by path. Imports resolve with {@link resolveImport};
 * a path not in `files` cannot be read.
 *
 * @example
 * ```ts
 * const files = { 'shop/types.policy': 'type Shop { rating: number }', 'shop/grade.policy': grade };
 * const result = check([{ path: 'shop/grade.policy', text: grade }], { host: memoryHost(files) });
 * ```
 */
export function memoryHost(files: Readonly<Record<string, string>> | ReadonlyMap<string, string> | Iterable<{ readonly path: string; readonly text: string }>): SourceHost {
  const byPath = new Map<string, string>();
  if (files instanceof Map) for (const [path, text] of files) byPath.set(resolveImport('', path), text);
  else if (Symbol.iterator in (files as object)) for (const f of files as Iterable<{ path: string; text: string }>) byPath.set(resolveImport('', f.path), f.text);
  else for (const [path, text] of Object.entries(files)) byPath.set(resolveImport('', path), text);
  return {
    readFile: (path) => byPath.get(resolveImport('', path)),
    resolve: resolveImport,
  };
}
