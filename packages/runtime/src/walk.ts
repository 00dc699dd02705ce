/**
 * The one way Bylaw walks folders: `bylaw check` (through `loadPolicies`),
 * `fmt`, `test` and `diff` all find their files here, in the same order.
 *
 * - Depth first, entries of a folder in name order (UTF-16 code units, as
 *   `Array.prototype.sort`); the paths given are walked in the order given.
 * - A file named explicitly is always taken, and a folder named explicitly
 *   always walked; in folders, files whose name ends with one of the
 *   extensions asked for.
 * - Skipped: names starting with `.`, `node_modules`, and what `.gitignore`
 *   files say (git's rules, through the `ignore` package: those of each folder
 *   walked, and of its parents up to the repository's root), plus any other
 *   ignore file asked for.
 * - Loop-safe: a folder reached again (a symbolic link back up the tree) is
 *   walked once; a link loop, a dangling link or an unreadable entry is a
 *   problem reported with its path, and the walk goes on.
 * - A file reached twice (named and inside a folder given, or through a link)
 *   is listed once, where it was first found.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Ignore } from 'ignore';

/**
 * The `ignore` package (CommonJS), loaded by `require` when the first ignore file is found:
 * importing it as an ES module costs about 30 ms of start-up (Node's CommonJS translation),
 * requiring it about 5, and a walk without ignore files needs it not at all. In a bundle,
 * `require` is the bundler's (which finds it in the bundle); run from `dist`, an ES module
 * has none, so one is made for this file.
 */
let ignoreFactory: ((options?: object) => Ignore) | undefined;
function newIgnore(): Ignore {
  ignoreFactory ??= (typeof require === 'function' ? require('ignore') : createRequire(import.meta.url)('ignore')) as (options?: object) => Ignore;
  return ignoreFactory();
}

/** What {@link walkFiles} looks for. */
export interface WalkOptions {
  /** Name endings of the files to take in folders, such as `.policy` or `.test.yaml`. */
  readonly extensions: readonly string[];
  /** Ignore files honoured in every folder (default `.gitignore`); `bylaw fmt` adds `.prettierignore`. */
  readonly ignoreFiles?: readonly string[];
}

/** A path the walk could not read. */
export interface WalkProblem {
  readonly path: string;
  /** The system's code: `ENOENT`, `ELOOP`, `EACCES`, … */
  readonly code: string;
}

/** What {@link walkFiles} finds: files in walk order, and the paths it could not read. */
export interface Walked {
  /** Paths as given, joined with the names found below them. */
  readonly files: readonly string[];
  readonly problems: readonly WalkProblem[];
}

/** One ignore file's rules and the folder they are relative to. */
interface Rules {
  readonly base: string;
  readonly ignore: Ignore;
}

/**
 * The files under the given files and folders (see the module comment).
 *
 * @example
 * ```ts
 * const { files, problems } = walkFiles(['policies'], { extensions: ['.policy'] });
 * ```
 */
export function walkFiles(paths: readonly string[], options: WalkOptions): Walked {
  const ignoreFiles = options.ignoreFiles ?? ['.gitignore'];
  const files: string[] = [];
  const problems: WalkProblem[] = [];
  const seenFiles = new Set<string>();
  const seenFolders = new Set<string>();

  const take = (path: string, real: string) => {
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(path);
  };
  const problem = (path: string, e: unknown) => problems.push({ path, code: (e as NodeJS.ErrnoException).code ?? 'EIO' });

  const rulesIn = (folder: string): Rules[] => {
    const rules: Rules[] = [];
    for (const name of ignoreFiles) {
      const file = join(folder, name);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      rules.push({ base: folder, ignore: newIgnore().add(text) });
    }
    return rules;
  };

  const ignored = (full: string, isFolder: boolean, rules: readonly Rules[]): boolean => {
    let result = false;
    // Shallow to deep: a deeper file's rule (a `!pattern` too) has the last word, as in git.
    for (const r of rules) {
      const rel = relative(r.base, full).split(sep).join('/');
      if (!rel || rel.startsWith('..')) continue;
      const t = r.ignore.test(isFolder ? `${rel}/` : rel);
      if (t.ignored) result = true;
      else if (t.unignored) result = false;
    }
    return result;
  };

  const walk = (path: string, full: string, rules: readonly Rules[]) => {
    let real: string;
    try {
      real = realpathSync(full);
    } catch (e) {
      problem(path, e);
      return;
    }
    if (seenFolders.has(real)) return;
    seenFolders.add(real);
    let names: string[];
    try {
      names = readdirSync(full).sort();
    } catch (e) {
      problem(path, e);
      return;
    }
    const here = [...rules, ...rulesIn(full)];
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const childPath = join(path, name);
      const childFull = join(full, name);
      let st: Stats;
      try {
        st = statSync(childFull);
      } catch (e) {
        // A dangling link, a link loop, no permission: said, unless the entry is not one we would take.
        if (options.extensions.some((x) => name.endsWith(x)) || !name.includes('.')) problem(childPath, e);
        continue;
      }
      if (st.isDirectory()) {
        if (!ignored(childFull, true, here)) walk(childPath, childFull, here);
      } else if (options.extensions.some((x) => name.endsWith(x)) && !ignored(childFull, false, here)) {
        try {
          take(childPath, realpathSync(childFull));
        } catch (e) {
          problem(childPath, e);
        }
      }
    }
  };

  for (const path of paths) {
    const full = resolve(path);
    let st: Stats;
    try {
      st = statSync(full);
    } catch (e) {
      problem(path, e);
      continue;
    }
    if (st.isDirectory()) {
      // A folder named explicitly is walked even if its parents' rules ignore it (its own rules still apply).
      const parents = ancestorRules(full, rulesIn);
      walk(path, full, ignored(full, true, parents) ? [] : parents);
    }
    else take(path, realpathSync(full));
  }
  return { files, problems };
}

/** The ignore rules of a folder's parents, from the repository's root (the folder holding `.git`) down; none outside a repository. */
function ancestorRules(folder: string, rulesIn: (folder: string) => Rules[]): Rules[] {
  const parents: string[] = [];
  for (let dir = dirname(folder); ; dir = dirname(dir)) {
    parents.unshift(dir);
    if (existsSync(join(dir, '.git'))) return parents.flatMap(rulesIn);
    if (dirname(dir) === dir) break;
  }
  // The folder itself may be the repository's root: then it has no parent rules either.
  return [];
}
