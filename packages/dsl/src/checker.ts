/**
 * The checker: AST → checked program. Parses the files given and the
 * libraries they import, checks each file (check-file.ts, on top of names.ts
 * and typecheck.ts, with the warnings of lint.ts), then what holds across
 * files: how deep evaluation nests (depth.ts), the versions of each policy
 * and the references between policies (versions.ts). Every mistake is found
 * before anything runs.
 */
import type * as A from './ast.js';
import { parse } from './parser.js';
import { diagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { defaultLimits, type Limits } from './limits.js';
import type { CheckedPolicy } from './checked.js';
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
}

/** Options for {@link check}. */
export interface CheckOptions {
  readonly host?: SourceHost;
  readonly limits?: Partial<Limits>;
  /** Ids of policies that exist outside the checked files (so `satisfies` to them is not an error). */
  readonly knownPolicies?: readonly string[];
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
  const load = (path: string, text: string) => {
    const parsed = parse(text, path, limits);
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
  for (const [path, entry] of files) {
    const libs = libraryClosure(path);
    if (!entry.ok || libs.some((l) => !files.get(l)!.ok)) continue;
    const checker = new FileChecker(path, entry.text, entry.ast, libs.map((l) => ({ path: l, ...files.get(l)! })));
    const result = checker.run();
    add(result.diagnostics);
    if (result.policy && !result.diagnostics.some((d) => d.severity === 'error')) {
      const tooDeep = checkEvaluationDepth(result.policy, limits.maxNestingDepth);
      if (tooDeep) add([tooDeep]);
      else policies.push(result.policy);
    }
  }
  add(checkAcrossPolicies(policies, [...files.values()].map((f) => f.ast), options.knownPolicies ?? []));
  return {
    policies,
    diagnostics: dedupe(sortDiagnostics(diagnostics)),
    files: new Map([...files].map(([k, v]) => [k, { text: v.text, ast: v.ast }])),
  };
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

