/**
 * The policy registry: every version of every policy in a set of files,
 * answering "which version is in force on date D" and resolving `satisfies`
 * references to the version in force on the same date.
 */
import { check, memoryHost, type CheckedPolicy, type Diagnostic, type SourceHost, type SourceInput, type Limits } from '@bylaw/dsl';
import { compile, type CompiledPolicy, type CompileOptions, type EvaluateOptions } from './compile.js';
import type { Decision } from './decision.js';
import { defaultRuntimeLimits, type RuntimeLimits } from './limits.js';
import { dayOfInstant, formatDate, parseDate, parseDateTime } from '@bylaw/dsl/calendar';

/** One version of a policy and the period it is in force. */
export interface PolicyVersion {
  readonly policy: CompiledPolicy;
  readonly version: string;
  readonly from: string;
  /** Exclusive end: its own `until`, else the next version's effective date, else open. */
  readonly until: string | undefined;
}

/** Options for {@link PolicyRegistry.fromSources} (and `loadPolicies` of `@bylaw/runtime/node`). */
export interface LoadOptions {
  readonly limits?: Partial<Limits>;
  readonly runtimeLimits?: Partial<RuntimeLimits>;
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
 * // Policy texts from anywhere (an editor, a database, a bundle): imports are resolved among them.
 * const { registry, diagnostics } = PolicyRegistry.fromSources([
 *   { path: 'belt/types.policy', text: types },
 *   { path: 'belt/2023-09-08.policy', text: policy },
 * ]);
 * const decision = registry!.evaluate('douyin.belt_provider', provider, { asOf: '2023-10-08' });
 * ```
 * In Node, `loadPolicies(['policies'])` of `@bylaw/runtime/node` reads the files.
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

  /**
   * Check policy texts and build a registry. Imports are resolved relative to each
   * path and read through `host`; by default, among the inputs themselves
   * ({@link memoryHost} of the inputs).
   */
  static fromSources(inputs: readonly SourceInput[], options: LoadOptions & { host?: SourceHost } = {}): LoadResult {
    const result = check(inputs, { host: options.host ?? memoryHost(inputs), limits: options.limits ?? {} });
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
