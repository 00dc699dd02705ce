/**
 * The policy registry: every version of every policy in a set of files,
 * answering "which version is in force on date D" and resolving `satisfies`
 * references to the version in force on the same date.
 */
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, relative, isAbsolute } from 'node:path';
import { check, diagnostic, type CheckedPolicy, type Diagnostic, type SourceHost, type SourceInput, type Limits } from '@bylaw/dsl';
import { compile, type CompiledPolicy, type CompileOptions, type EvaluateOptions } from './compile.js';
import type { Decision } from './decision.js';
import { defaultRuntimeLimits, type RuntimeLimits } from './limits.js';
import { dayOfInstant, formatDate, parseDate, parseDateTime } from './values/calendar.js';

/** One version of a policy and the period it is in force. */
export interface PolicyVersion {
  readonly policy: CompiledPolicy;
  readonly version: string;
  readonly from: string;
  /** Exclusive end: its own `until`, else the next version's effective date, else open. */
  readonly until: string | undefined;
}

/** Options for {@link loadPolicies} and {@link PolicyRegistry.fromSources}. */
export interface LoadOptions {
  readonly limits?: Partial<Limits>;
  readonly runtimeLimits?: Partial<RuntimeLimits>;
  /** Paths are shown relative to this folder in diagnostics. Default: the current directory. */
  readonly cwd?: string;
  /** Generate JavaScript for the plain path (default true); see {@link CompileOptions.codegen}. */
  readonly codegen?: boolean;
}

/** What loading returns: a registry only when no file had an error, so it never answers from a partial load. */
export interface LoadResult {
  readonly registry: PolicyRegistry | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** Every `.policy` file that was read (policies and libraries), relative to cwd. */
  readonly files: readonly string[];
  /** The text of every file read, by path, for rendering diagnostics with code frames. */
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * All versions of a set of policies.
 *
 * @example
 * ```ts
 * const { registry, diagnostics } = loadPolicies(['policies']);
 * const decision = registry!.evaluate('douyin.belt_provider', provider, { asOf: '2023-10-08' });
 * ```
 */
export class PolicyRegistry {
  private readonly byId = new Map<string, PolicyVersion[]>();
  private readonly limits: RuntimeLimits;

  private constructor(policies: readonly CheckedPolicy[], runtimeLimits: Partial<RuntimeLimits> = {}, codegen = true) {
    this.limits = { ...defaultRuntimeLimits, ...runtimeLimits };
    const resolver = { decide: (id: string, subject: unknown, options: EvaluateOptions, depth: number) => this.decideAt(id, subject, options, depth) };
    const grouped = new Map<string, CompiledPolicy[]>();
    for (const p of policies) {
      const compiled = compile(p, { references: resolver, limits: runtimeLimits, codegen });
      grouped.set(p.id, [...(grouped.get(p.id) ?? []), compiled]);
    }
    for (const [id, list] of grouped) {
      list.sort((a, b) => (a.checked.effective.from < b.checked.effective.from ? -1 : 1));
      this.byId.set(
        id,
        list.map((c, i) => ({
          policy: c,
          version: c.checked.version,
          from: c.checked.effective.from,
          until: c.checked.effective.until ?? list[i + 1]?.checked.effective.from,
        })),
      );
    }
  }

  /** Check policy texts given in memory and build a registry (imports are read relative to each path). */
  static fromSources(inputs: readonly SourceInput[], options: LoadOptions & { host?: SourceHost } = {}): LoadResult {
    const result = check(inputs, { host: options.host ?? nodeHost, limits: options.limits ?? {} });
    const failed = result.diagnostics.some((d) => d.severity === 'error');
    return {
      registry: failed ? undefined : new PolicyRegistry(result.policies, options.runtimeLimits, options.codegen ?? true),
      diagnostics: result.diagnostics,
      files: [...result.files.keys()],
      sources: new Map([...result.files].map(([k, v]) => [k, v.text])),
    };
  }

  /**
   * A registry of policies already checked — by another registry, for instance, in another
   * thread: checked policies are plain data and Maps, which `postMessage` copies whole. Nothing
   * is parsed or checked again, so a worker thread that only decides starts faster.
   */
  static fromChecked(policies: readonly CheckedPolicy[], options: Pick<LoadOptions, 'runtimeLimits' | 'codegen'> = {}): PolicyRegistry {
    return new PolicyRegistry(policies, options.runtimeLimits, options.codegen ?? true);
  }

  /** Every checked policy version in the registry (for {@link fromChecked}). */
  checkedPolicies(): CheckedPolicy[] {
    return [...this.byId.values()].flatMap((versions) => versions.map((v) => v.policy.checked));
  }

  /** Ids of all policies, sorted. */
  ids(): string[] {
    return [...this.byId.keys()].sort();
  }

  /** Every version of a policy, oldest first (empty for an unknown id). */
  versions(id: string): readonly PolicyVersion[] {
    return this.byId.get(id) ?? [];
  }

  /**
   * The version in force on a date (`YYYY-MM-DD`), if any. An instant
   * (`2024-02-29T16:30:00Z`) counts by its day in the policy's time zone.
   */
  inForce(id: string, date: string): PolicyVersion | undefined {
    const versions = this.versions(id);
    if (versions.length === 0 || typeof date !== 'string') return undefined;
    const day = dayOf(date, versions[0]!.policy.checked.timezone);
    if (day === undefined) return undefined;
    return versions.find((v) => v.from <= day && (v.until === undefined || day < v.until));
  }

  /**
   * Evaluate a subject under the version of `id` in force on `options.asOf`.
   * Before the first version (or after the last one ends) the outcome is `not_in_force`.
   */
  evaluate(id: string, subject: unknown, options: EvaluateOptions): Decision {
    const versions = this.versions(id);
    if (versions.length > 0 && (typeof options.asOf !== 'string' || dayOf(options.asOf, versions[0]!.policy.checked.timezone) === undefined)) {
      // Which version applies cannot be known: let the first one report the bad date.
      return versions[0]!.policy.evaluate(subject, options);
    }
    return this.decideAt(id, subject, options, 0) ?? notInForce(id, options.asOf, versions);
  }

  private decideAt(id: string, subject: unknown, options: EvaluateOptions, depth: number): Decision | undefined {
    if (depth > this.limits.maxReferenceDepth) return referenceTooDeep(id, options.asOf, this.limits.maxReferenceDepth);
    const asOf = typeof options.asOf === 'string' ? options.asOf : '';
    const v = this.inForce(id, asOf);
    if (!v) return undefined;
    return depth === 0 ? v.policy.evaluate(subject, options) : evaluateNested(v.policy, subject, options, depth);
  }
}

/** The civil day (`YYYY-MM-DD`) of a date or instant in a zone. */
function dayOf(asOf: string, zone: string): string | undefined {
  if (parseDate(asOf) !== undefined) return asOf;
  const ms = parseDateTime(asOf, zone);
  return ms === undefined ? undefined : formatDate(dayOfInstant(ms, zone));
}

function evaluateNested(policy: CompiledPolicy, subject: unknown, options: EvaluateOptions, depth: number): Decision {
  // Referenced policies are evaluated plainly: the caller records their outcome, not their tree.
  // The depth goes along, so that the next reference counts from here (maxReferenceDepth).
  return policy.evaluate(subject, { ...options, explain: false }, depth);
}

/** The decision of a `satisfies` beyond the reference depth limit: undetermined, with a data error that says why. */
function referenceTooDeep(id: string, asOf: string, max: number): Decision {
  return {
    policy: { id, version: '', title: undefined, hash: '', effective: { from: '', until: undefined }, file: '' },
    asOf,
    outcome: 'undetermined',
    priorities: [],
    benefits: [],
    unknown: [`policy ${id}`],
    dataErrors: [{ path: 'satisfies', message: `policies refer to one another more than ${max} deep (limits.maxReferenceDepth)` }],
  };
}

function notInForce(id: string, asOf: string, versions: readonly PolicyVersion[]): Decision {
  const first = versions[0];
  return {
    policy: first
      ? { ...first.policy.stamp, version: '', hash: '', effective: { from: first.from, until: versions.at(-1)!.until } }
      : { id, version: '', title: undefined, hash: '', effective: { from: '', until: undefined }, file: '' },
    asOf,
    outcome: 'not_in_force',
    reason: !first
      ? `no policy has the id ${id}`
      : asOf < first.from
        ? `no version of ${id} is in force on ${asOf} (the first takes effect on ${first.from})`
        : `no version of ${id} is in force on ${asOf} (the last one ended on ${versions.at(-1)!.until})`,
    priorities: [],
    benefits: [],
    unknown: [],
    dataErrors: [],
  };
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
 * Load every `.policy` file under the given files and folders, check them
 * together and build a registry. Unreadable files, symlink loops and
 * invalid UTF-8 are reported as diagnostics.
 */
export function loadPolicies(paths: readonly string[], options: LoadOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const problems: Diagnostic[] = [];
  const badSources = new Map<string, string>();
  const inputs: SourceInput[] = [];
  const seenReal = new Set<string>();
  const show = (p: string) => {
    const r = relative(cwd, p);
    return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
  };
  const visit = (path: string, explicit: boolean) => {
    let real: string;
    let stat;
    try {
      real = realpathSync(path);
      stat = statSync(real);
    } catch (e) {
      problems.push(diagnostic('BYL2011', show(path), { start: 0, end: 0 }, `cannot read ${show(path)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
        hint: (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'a symbolic link points back at itself' : 'check that the path exists and is readable',
      }));
      return;
    }
    if (seenReal.has(real)) return; // a link back into a folder already visited (or a loop)
    seenReal.add(real);
    if (stat.isDirectory()) {
      let entries: string[];
      try {
        entries = readdirSync(path).sort();
      } catch (e) {
        problems.push(diagnostic('BYL2011', show(path), { start: 0, end: 0 }, `cannot read folder ${show(path)}: ${(e as NodeJS.ErrnoException).code}`));
        return;
      }
      for (const name of entries) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        const child = join(path, name);
        if (name.endsWith('.policy') || safeIsDirectory(child)) visit(child, false);
      }
      return;
    }
    if (!explicit && !path.endsWith('.policy')) return;
    const decoded = readSource(resolve(path), show(path));
    if (decoded.diagnostic) problems.push(decoded.diagnostic);
    if (decoded.lossy !== undefined) badSources.set(show(path), decoded.lossy);
    if (decoded.text !== undefined) inputs.push({ path: show(path), text: decoded.text });
  };
  for (const p of paths) visit(resolve(cwd, p), true);
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

function safeIsDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return true; // let visit() report it
  }
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
