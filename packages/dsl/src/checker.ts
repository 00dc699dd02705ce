/**
 * The checker: AST → checked program. Parses the files given and the
 * libraries they import, checks each file (check-file.ts, on top of names.ts
 * and typecheck.ts, with the warnings of lint.ts), then what holds across
 * files: how deep evaluation nests (depth.ts), the versions of each policy
 * and the references between policies (versions.ts). Every mistake is found
 * before anything runs.
 */
import type * as A from './ast.js';
import { parse, type ParseResult } from './parser.js';
import { diagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { defaultLimits, type Limits } from './limits.js';
import type { CheckedPolicy, ResolvedName } from './checked.js';
import type { Type } from './types.js';
import { FileChecker } from './check-file.js';
import { checkAcrossPolicies } from './versions.js';
import { checkEvaluationDepth } from './depth.js';
import { withSuggestionBudget } from './suggest.js';

export type { CheckedPolicy, EffectivePeriod, ResolvedName } from './checked.js';

/** A file given to the checker. */
export interface SourceInput {
  readonly path: string;
  readonly text: string;
}

/** How the checker reads imported files. */
export interface SourceHost {
  /** The text of a file, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** The path of `specifier` imported from the file at `from`. */
  resolve(from: string, specifier: string): string;
}

/** What {@link check} returns. */
export interface CheckResult {
  readonly policies: readonly CheckedPolicy[];
  readonly diagnostics: readonly Diagnostic[];
  /** Parsed files by path, including imported libraries. */
  readonly files: ReadonlyMap<string, { readonly text: string; readonly ast: A.SourceFile }>;
  /**
   * What the names and expressions of each file resolve to, by path: for editors (hover, go to
   * definition, rename). Files with syntax errors have one only under {@link CheckOptions.resolveBrokenFiles}.
   */
  readonly resolutions: ReadonlyMap<string, FileResolution>;
}

/**
 * The checker's findings about one file, seen with its imports: the type of every checked
 * expression and what each name refers to. Library declarations are the imported files' own AST nodes.
 */
export interface FileResolution {
  /** The type of every checked expression. */
  readonly types: ReadonlyMap<A.Expression, Type>;
  /** What each name (and each `Enum.member` access) refers to. */
  readonly names: ReadonlyMap<A.Expression, ResolvedName>;
  /** The type each written type name (`Merchant`, `Level`) stands for. */
  readonly typeNames: ReadonlyMap<A.NamedTypeRef, Type>;
}

/** Options for {@link check}. */
export interface CheckOptions {
  readonly host?: SourceHost;
  readonly limits?: Partial<Limits>;
  /** Ids of policies that exist outside the checked files (so `satisfies` to them is not an error). */
  readonly knownPolicies?: readonly string[];
  /**
   * Results of earlier checks to reuse: a file is parsed again only when its text changed, and
   * checked again only when its text or an import's text changed. For an editor that checks after
   * every keystroke; the diagnostics are those a check without the cache gives.
   */
  readonly cache?: CheckCache;
  /**
   * Also resolve the names of files that have syntax errors (or import files that have), as far as
   * error recovery lets the parser build them, for an editor's hover and completion while the
   * author types. Their diagnostics are the syntax errors alone, as without this option.
   */
  readonly resolveBrokenFiles?: boolean;
}

/**
 * What {@link check} may reuse from one call to the next (see {@link CheckOptions.cache}). Give the
 * same cache to each check of the same set of files; it holds the latest result of each file only.
 *
 * @example
 * ```ts
 * const cache = new CheckCache();
 * check(files, { host, cache });            // parses and checks everything
 * check(filesAfterAnEdit, { host, cache }); // parses and checks the edited file and the files importing it
 * ```
 */
export class CheckCache {
  /** @internal */
  readonly parses: Map<string, { text: string; limits: string; parsed: ParseResult }>;
  /** @internal */
  readonly results = new Map<string, { inputs: readonly string[]; limits: string; result: FileCheckResult }>();
  /** @internal */
  readonly ownsParses: boolean;

  /**
   * A new, empty cache. With `sharesParsesWith`, it shares that cache's parses (the latest of
   * each path): files checked through either get the same AST objects, so that what one check
   * resolves can be matched with the other's (an editor checking a variant of a file).
   */
  constructor(options: { sharesParsesWith?: CheckCache } = {}) {
    this.parses = options.sharesParsesWith?.parses ?? new Map();
    this.ownsParses = options.sharesParsesWith === undefined;
  }
}

/** One file's own findings, as the cache keeps them. */
interface FileCheckResult {
  readonly policy: CheckedPolicy | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly resolution: FileResolution | undefined;
}

/**
 * Check a set of policy files together: parse them (and their imports), check
 * each file, then check the versions and references across files.
 *
 * @example
 * ```ts
 * const result = check([{ path: 'silver.policy', text }]);
 * if (result.diagnostics.some((d) => d.severity === 'error')) …
 * ```
 */
export function check(inputs: readonly SourceInput[], options: CheckOptions = {}): CheckResult {
  return withSuggestionBudget(() => checkFiles(inputs, options));
}

function checkFiles(inputs: readonly SourceInput[], options: CheckOptions): CheckResult {
  const limits = { ...defaultLimits, ...options.limits };
  const diagnostics: Diagnostic[] = [];
  // Not diagnostics.push(...many): a hostile file can have more diagnostics than the stack holds arguments.
  const add = (ds: readonly Diagnostic[]) => {
    for (const d of ds) diagnostics.push(d);
  };
  const files = new Map<string, { text: string; ast: A.SourceFile; ok: boolean }>();
  const cache = options.cache;
  const limitsKey = `${limits.maxSourceLength}/${limits.maxNestingDepth}`;
  const load = (path: string, text: string) => {
    const cached = cache?.parses.get(path);
    const parsed = cached && cached.text === text && cached.limits === limitsKey ? cached.parsed : parse(text, path, limits);
    cache?.parses.set(path, { text, limits: limitsKey, parsed });
    add(parsed.diagnostics);
    const entry = { text, ast: parsed.ast, ok: !parsed.diagnostics.some((d) => d.severity === 'error') };
    files.set(path, entry);
    return entry;
  };
  for (const input of inputs) if (!files.has(input.path)) load(input.path, input.text);

  // Imports, transitively, each file read once.
  const importsOf = new Map<string, string[]>();
  const queue = [...files.keys()];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const entry = files.get(path)!;
    const resolved: string[] = [];
    for (const imp of entry.ast.imports) {
      if (!options.host) {
        diagnostics.push(
          diagnostic('BYL2011', path, imp.path.span, `cannot import ${imp.path.raw}: no file system here`, {
            hint: 'check the files with the CLI or pass a host that can read files',
          }),
        );
        continue;
      }
      const target = options.host.resolve(path, imp.path.value);
      if (!files.has(target)) {
        const text = options.host.readFile(target);
        if (text === undefined) {
          diagnostics.push(
            diagnostic('BYL2011', path, imp.path.span, `cannot read imported file ${imp.path.raw}`, {
              hint: `the path is relative to this file; looked for ${target}`,
            }),
          );
          continue;
        }
        load(target, text);
        queue.push(target);
      }
      const imported = files.get(target)!;
      if (imported.ast.header) {
        diagnostics.push(
          diagnostic('BYL2011', path, imp.path.span, `${imp.path.raw} is a policy, not a library`, {
            hint: 'import only files without a policy header (types and shared definitions)',
          }),
        );
        continue;
      }
      resolved.push(target);
    }
    importsOf.set(path, resolved);
  }

  const libraryClosure = (path: string): string[] => {
    const seen = new Set<string>();
    const visit = (p: string) => {
      for (const dep of importsOf.get(p) ?? []) {
        if (seen.has(dep) || dep === path) continue;
        seen.add(dep);
        visit(dep);
      }
    };
    visit(path);
    return [...seen];
  };

  const policies: CheckedPolicy[] = [];
  const resolutions = new Map<string, FileResolution>();
  for (const [path, entry] of files) {
    const libs = libraryClosure(path);
    const broken = !entry.ok || libs.some((l) => !files.get(l)!.ok);
    if (broken && !options.resolveBrokenFiles) continue;
    // What this file's result depends on: its text and its imports' texts, in order.
    const inputs = [entry.text, ...libs.flatMap((l) => [l, files.get(l)!.text])];
    const cached = cache?.results.get(path);
    let result: FileCheckResult;
    if (cached && cached.limits === limitsKey && sameInputs(cached.inputs, inputs)) result = cached.result;
    else {
      result = checkFile(path, entry, libs.map((l) => ({ path: l, ...files.get(l)! })), limits, broken);
      cache?.results.set(path, { inputs, limits: limitsKey, result });
    }
    if (result.resolution) resolutions.set(path, result.resolution);
    if (broken) continue;
    add(result.diagnostics);
    if (result.policy) policies.push(result.policy);
  }
  if (cache) {
    if (cache.ownsParses) for (const path of cache.parses.keys()) if (!files.has(path)) cache.parses.delete(path);
    for (const path of cache.results.keys()) if (!files.has(path)) cache.results.delete(path);
  }
  add(checkAcrossPolicies(policies, [...files.values()].map((f) => f.ast), options.knownPolicies ?? []));
  return {
    policies,
    diagnostics: dedupe(sortDiagnostics(diagnostics)),
    files: new Map([...files].map(([k, v]) => [k, { text: v.text, ast: v.ast }])),
    resolutions,
  };
}

/**
 * Check one file with its libraries. A file with syntax errors (`broken`) is checked only for its
 * resolutions, and only as far as its partial AST allows: its findings are not reported.
 */
function checkFile(
  path: string,
  entry: { text: string; ast: A.SourceFile },
  libs: { path: string; text: string; ast: A.SourceFile }[],
  limits: Limits,
  broken: boolean,
): FileCheckResult {
  const checker = new FileChecker(path, entry.text, entry.ast, libs);
  if (broken) {
    try {
      checker.run();
    } catch {
      // Error recovery can leave holes the checker does not expect: then the file has no resolution.
      return { policy: undefined, diagnostics: [], resolution: undefined };
    }
    return { policy: undefined, diagnostics: [], resolution: checker.resolution() };
  }
  const result = checker.run();
  const diagnostics = [...result.diagnostics];
  let policy: CheckedPolicy | undefined;
  if (result.policy && !result.diagnostics.some((d) => d.severity === 'error')) {
    const tooDeep = checkEvaluationDepth(result.policy, limits.maxNestingDepth);
    if (tooDeep) diagnostics.push(tooDeep);
    else policy = result.policy;
  }
  return { policy, diagnostics, resolution: checker.resolution() };
}

function sameInputs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.file}|${d.span.start}|${d.span.end}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

