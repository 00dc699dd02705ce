/**
 * The compiler and evaluator: a checked policy → closures, compiled once,
 * evaluated many times.
 *
 * Two closure trees are built from the same AST: a plain one for decisions
 * (no bookkeeping beyond data errors), and a traced one, built on first use,
 * that records every criterion, comparison and unknown field for
 * explanations. Unknown is `undefined` throughout; and/or/not and the
 * aggregations follow three-valued logic.
 *
 * On top of them, generated code (codegen.ts) takes the common cases:
 * decide() through a generated entry per policy, and evaluate() — plain, or
 * explained through a flat record built into a tree when read
 * (explanation.ts) — whenever the rules decide without unknowns or data
 * errors. Everything else, and every policy built with `codegen: false`,
 * runs on the closures, which define what the generated code must compute.
 */
import { createHash } from 'node:crypto';
import { isLiteral, type CheckedPolicy, type ResolvedName, type Type, type RecordType, type EnumType } from '@bylaw/dsl';
import type * as A from '@bylaw/dsl';
import * as D from './values/decimal.js';
import * as C from './values/calendar.js';
import type {
  ComparisonTrace,
  DataError,
  Decision,
  PlainDecision,
  DecisionStamp,
  ExplanationNode,
  Labelled,
  Truth,
} from './decision.js';
import { ConversionFailure, convertValue, describeRaw, isPlainRecord, plainRecord, readOwn, type Converter } from './convert.js';
import { defaultRuntimeLimits, type RuntimeLimits } from './limits.js';
import { comparisonTrace, decisionMaker, MAX_RECORDED_COMPARISONS, displayer, isComparison, labelFields, labelled, lazyExplanation, truth, type DecisionMaker } from './explanation.js';
import { generateExplainer, generateRules, type CodegenHost, type DecideEntry, type RulesFunction } from './codegen.js';

type Fn = (ctx: EvalContext) => unknown;
type BoolFn = (ctx: EvalContext) => boolean | undefined;


/** Resolves `satisfies` references: evaluates another policy on a value. */
export interface ReferenceResolver {
  /** The decision of policy `id` (in force on the same date) for `subject`, or undefined if none is in force. */
  decide(id: string, subject: unknown, options: EvaluateOptions, depth: number): Decision | undefined;
}

/** Options for one evaluation. */
export interface EvaluateOptions {
  /** The evaluation date `YYYY-MM-DD` or instant `YYYY-MM-DDTHH:MM[:SS][±HH:MM]`. */
  readonly asOf: string;
  /** Values for params and placeholders, by name (tables as objects keyed by key). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Build the explanation tree (slower). */
  readonly explain?: boolean;
}

interface Trace {
  /** Unknown sources seen and still relevant; truncated when a node is decided. */
  unknowns: string[];
  /** The node whose children are being evaluated. */
  stack: ExplanationNode[];
  criterionNodes: Map<number, ExplanationNode>;
  /**
   * For a condition whose comparisons are full (inside aggregations): its latest comparison,
   * made when the condition ends (it takes the last place; the ones between are only counted).
   */
  latest: Map<ExplanationNode, () => ComparisonTrace>;
  /** Whether comparisons are recorded (not when the trace only finds which unknowns decide). */
  readonly comparisons: boolean;
  /** Without comparisons: each let's value and the unknowns its evaluation recorded, by slot. */
  readonly lets: Map<number, { value: unknown; unknowns: string[]; failures: number }>;
}

/** Per-evaluation state. */
export interface EvalContext {
  subject: unknown;
  clock: C.Clock;
  /**
   * The as-of option that `clock` was made for (the generated entry reuses the clock while it is
   * the same); {@link NO_CLOCK}, which no option equals, when there is none.
   */
  clockAsOf: unknown;
  params: unknown[];
  /** Evaluation number: a cached let or criterion value counts only if stamped with it. */
  gen: number;
  lets: unknown[];
  letGen: number[];
  /** Data errors met evaluating each let (a use of its cached value meets them again, for `is present`). */
  letFailures: number[];
  criteria: unknown[];
  criterionGen: number[];
  /** The same for criteria. */
  criterionFailures: number[];
  /** 1 for a param whose given value failed its check as a whole (it reads as a data error), else 0. */
  paramFailures: number[];
  vars: unknown[];
  indices: number[];
  errors: DataError[];
  /** Data errors met so far, repeats included (for `is present`). */
  failures: number;
  errorPaths: Set<string> | undefined;
  trace: Trace | undefined;
  options: EvaluateOptions;
  depth: number;
  steps: number;
}

/** Thrown inside evaluation when a limit is exceeded; turned into a data error. */
class LimitExceeded extends Error {}

/** A compiled policy: evaluate it on many subjects. */
export interface CompiledPolicy {
  readonly checked: CheckedPolicy;
  readonly stamp: DecisionStamp;
  /**
   * Evaluate one subject. Never throws on bad data: problems become data errors and unknowns.
   * `depth` is how many `satisfies` led here (the registry passes it, so that
   * {@link RuntimeLimits.maxReferenceDepth} holds along a chain of references); default 0.
   */
  evaluate(subject: unknown, options: EvaluateOptions, depth?: number): Decision;
  /**
   * The plain decision (outcome, tier, veto, data errors) without explanations,
   * unknown lists, priorities or benefits: the fast path for batch jobs and hot
   * services. Agrees with {@link evaluate} on every field it has.
   */
  decide(subject: unknown, options: EvaluateOptions): PlainDecision;
  /** The JavaScript generated for {@link decide}, for review and debugging (undefined with `codegen: false`, and for policies too large for generated code, which the interpreter decides). */
  readonly generatedSource: string | undefined;
}

/** Options for {@link compile}. */
export interface CompileOptions {
  readonly references?: ReferenceResolver;
  readonly limits?: Partial<RuntimeLimits>;
  /**
   * Generate JavaScript for the plain decision path (default true). Turn it off
   * where `new Function` is not allowed; decisions are the same, only slower.
   */
  readonly codegen?: boolean;
}

// ---------------------------------------------------------------------------

interface RuleInfo {
  readonly rule: A.DecisionRule;
  readonly labelled: Labelled | undefined;
  readonly body: A.CriterionBody | undefined;
  /** Place in the array of rule values (rules with a body only). */
  index: number;
  /** The frozen outcome when this rule decides (see quickCore). */
  core?: Core;
  plain: BoolFn | undefined;
  traced: BoolFn | undefined;
}

/** The outcome of the rules' truth values, before it is dressed as a decision. */
interface Core {
  outcome: string;
  admission?: 'admitted' | 'rejected' | 'undetermined';
  tier?: RuleInfo;
  possible?: RuleInfo[];
  veto?: RuleInfo;
  reason?: string;
  /** Rules whose unknowns decide an undetermined outcome. */
  unknownRules: RuleInfo[];
  /** For a shared core: its plain decision when there are no data errors. */
  plain?: PlainDecision;
}

/** A core shared between decisions, frozen, with its plain decision made once. */
function sealCore(core: Core): Core {
  core.plain = Object.freeze(plainOf(core, NO_ERRORS));
  return Object.freeze(core);
}

function undeterminedPlain(errors: readonly DataError[]): PlainDecision {
  return { outcome: 'undetermined', admission: undefined, tier: undefined, vetoedBy: undefined, dataErrors: errors };
}

function plainOf(core: Core, errors: readonly DataError[]): PlainDecision {
  return {
    outcome: core.outcome,
    admission: core.admission,
    tier: core.tier?.labelled!.id,
    vetoedBy: core.veto?.labelled!.id,
    dataErrors: errors,
  };
}

const NO_ERRORS: DataError[] = Object.freeze([]) as unknown as DataError[];
/** The `clockAsOf` of a context without a clock: unequal to every as-of option, `undefined` included. */
const NO_CLOCK = Symbol('no clock');

function asOfError(asOf: unknown): DataError {
  return { path: 'asOf', message: `not a date: ${JSON.stringify(asOf)}` };
}

/**
 * Compile a checked policy. Parsing and checking happen before; compiling
 * happens once; {@link CompiledPolicy.evaluate} is the per-subject call.
 *
 * @example
 * ```ts
 * const compiled = compile(checked.policies[0]);
 * const decision = compiled.evaluate(merchant, { asOf: '2023-09-08' });
 * ```
 */
export function compile(policy: CheckedPolicy, options: CompileOptions = {}): CompiledPolicy {
  return new PolicyCompiler(policy, options).build();
}

class PolicyCompiler {
  private readonly limits: RuntimeLimits;
  private readonly letSlots = new Map<A.LetDecl, number>();
  private readonly criterionSlots = new Map<A.CriterionDecl, number>();
  private readonly paramSlots = new Map<string, number>();
  private readonly varSlots = new Map<A.Identifier, number>();
  private readonly letFns: { plain: Fn | undefined; traced: Fn | undefined }[] = [];
  private readonly criterionFns: { plain: BoolFn | undefined; traced: BoolFn | undefined }[] = [];
  private readonly paramConverters: {
    name: string;
    kind: 'param' | 'placeholder';
    type: Type;
    defaultFn: Fn | undefined;
    cache: WeakMap<object, { value: unknown; errors: DataError[] }>;
  }[] = [];
  private readonly stamp: DecisionStamp;
  private readonly rules: RuleInfo[];

  constructor(
    private readonly p: CheckedPolicy,
    private readonly options: CompileOptions,
  ) {
    this.limits = { ...defaultRuntimeLimits, ...options.limits };
    p.lets.forEach((d, i) => {
      this.letSlots.set(d, i);
      this.letFns.push({ plain: undefined, traced: undefined });
    });
    p.criteria.forEach((d, i) => {
      this.criterionSlots.set(d, i);
      this.criterionFns.push({ plain: undefined, traced: undefined });
    });
    for (const d of [...p.params, ...p.placeholders, ...p.tables]) {
      if (d.kind === 'TableDecl') continue;
      this.paramSlots.set(d.name.name, this.paramConverters.length);
      this.paramConverters.push({
        name: d.name.name,
        kind: d.kind === 'ParamDecl' ? 'param' : 'placeholder',
        type: p.declaredTypes.get(d.name.name)!,
        defaultFn: undefined,
        cache: new WeakMap(),
      });
    }
    this.stamp = {
      id: p.id,
      version: p.version,
      title: p.title,
      hash: 'sha256:' + createHash('sha256').update(p.text).digest('hex'),
      effective: { from: p.effective.from, until: p.effective.until },
      file: p.file,
    };
    this.rules = p.decide.rules.map((rule) => ({
      rule,
      labelled: 'id' in rule ? labelled(rule) : undefined,
      body: 'body' in rule ? rule.body : undefined,
      index: -1,
      plain: undefined,
      traced: undefined,
    }));
    // Rules with a condition, in order; `index` is their place in the values array.
    this.bodies = this.rules.filter((r) => r.body !== undefined);
    this.bodies.forEach((r, i) => (r.index = i));
    const kinds = (...k: A.DecisionRule['kind'][]) => this.rules.filter((r) => k.includes(r.rule.kind));
    this.excludeRules = kinds('ExcludeRule');
    this.tierRules = kinds('TierRule', 'DefaultTierRule');
    this.outcomeRules = kinds('OutcomeRule', 'OtherwiseRule');
    this.preferRules = kinds('PreferRule');
    this.benefitRules = kinds('BenefitRule');
    this.admitRule = kinds('AdmitRule')[0];
    this.otherwiseRule = kinds('OtherwiseRule')[0];
    this.hasDefaultTier = kinds('DefaultTierRule').length > 0;
    this.shared = this.newContext();
    this.sharedEvaluate = this.newContext();
  }

  private readonly bodies: RuleInfo[];
  private readonly excludeRules: RuleInfo[];
  private readonly tierRules: RuleInfo[];
  private readonly outcomeRules: RuleInfo[];
  private readonly preferRules: RuleInfo[];
  private readonly benefitRules: RuleInfo[];
  private readonly admitRule: RuleInfo | undefined;
  private readonly otherwiseRule: RuleInfo | undefined;
  private readonly hasDefaultTier: boolean;

  build(): CompiledPolicy {
    for (const pc of this.paramConverters) {
      const decl = this.p.params.find((d) => d.name.name === pc.name);
      if (!decl) continue;
      pc.defaultFn = this.expr(decl.value, false);
      // Most defaults are literals: compute them once.
      if (isConstant(decl.value)) {
        const value = pc.defaultFn(this.newContext());
        pc.defaultFn = () => value;
      }
    }
    for (const r of this.rules) if (r.body) r.plain = this.body(r.body, false);
    const generated = this.options.codegen !== false ? withinStack(() => this.generate()) : undefined;
    this.rulesFn = generated?.fn;
    const self = this;
    const decide = generated?.decide ?? ((subject: unknown, options: EvaluateOptions) => self.decide(subject, options));
    return {
      checked: this.p,
      stamp: this.stamp,
      generatedSource: generated?.source,
      evaluate(subject: unknown, options: EvaluateOptions, depth = 0): Decision {
        return self.evaluate(subject, options, depth);
      },
      decide,
    };
  }

  // ---------------------------------------------------------------- decisions

  private newContext(): EvalContext {
    return {
      subject: undefined,
      clock: { today: 0, now: 0, zone: this.p.timezone },
      clockAsOf: NO_CLOCK,
      params: new Array(this.paramConverters.length),
      paramFailures: new Array(this.paramConverters.length).fill(0),
      gen: 0,
      lets: new Array(this.letFns.length),
      letGen: new Array(this.letFns.length).fill(-1),
      letFailures: new Array(this.letFns.length).fill(0),
      criteria: new Array(this.criterionFns.length),
      criterionGen: new Array(this.criterionFns.length).fill(-1),
      criterionFailures: new Array(this.criterionFns.length).fill(0),
      vars: [],
      indices: [],
      errors: NO_ERRORS,
      failures: 0,
      errorPaths: undefined,
      trace: undefined,
      options: { asOf: '' },
      depth: 0,
      steps: 0,
    };
  }

  /** The one context that {@link decide} reuses: evaluation is synchronous and a policy never refers to itself. */
  private readonly shared: EvalContext;

  /** Reset a context for a new subject; undefined when the as-of date is not a date. */
  private begin(ctx: EvalContext, subject: unknown, options: EvaluateOptions, depth: number): boolean {
    const asOf = options.asOf;
    ctx.gen++;
    ctx.subject = subject;
    ctx.errors = NO_ERRORS;
    ctx.failures = 0;
    ctx.errorPaths = undefined;
    ctx.trace = undefined;
    ctx.options = options;
    ctx.depth = depth;
    ctx.steps = 0;
    // The common case: the date this context's clock is for, no params, a plain record.
    if (asOf === ctx.clockAsOf && this.paramConverters.length === 0 && isPlainRecord(subject)) return true;
    const clock = asOf === this.lastAsOf ? this.lastClock : this.clockFor(asOf);
    if (!clock) {
      ctx.clockAsOf = NO_CLOCK;
      return false;
    }
    ctx.clock = clock;
    ctx.clockAsOf = asOf;
    this.readParams(ctx, options.params);
    if (subject === null || typeof subject !== 'object' || Array.isArray(subject)) {
      ctx.subject = undefined;
      this.fail(ctx, this.p.subject.name, `expected a record (JSON object), got ${describeRaw(subject)}`);
    } else ctx.subject = plainRecord(subject);
    return true;
  }

  private readonly clocks = new Map<string, C.Clock | undefined>();

  private lastAsOf: unknown = undefined;
  private lastClock: C.Clock | undefined = undefined;

  private clockFor(asOf: string): C.Clock | undefined {
    let clock = this.clocks.get(asOf);
    this.lastAsOf = asOf;
    if (clock === undefined && !this.clocks.has(asOf)) {
      if (this.clocks.size >= 256) this.clocks.clear();
      clock = clockOf(asOf, this.p.timezone);
      this.clocks.set(asOf, clock);
    }
    this.lastClock = clock;
    return clock;
  }

  /**
   * Params are read on every evaluation (so a changed params object or a default
   * that depends on today is always current); tables and lists given as params are
   * converted once per object.
   */
  private readParams(ctx: EvalContext, given: Readonly<Record<string, unknown>> | undefined): void {
    const zone = this.p.timezone;
    for (let i = 0; i < this.paramConverters.length; i++) {
      const pc = this.paramConverters[i]!;
      const raw = given === undefined || given === null || typeof given !== 'object' ? undefined : readOwn(given, pc.name);
      ctx.paramFailures[i] = 0;
      if (raw === undefined || raw === null) {
        ctx.params[i] = pc.defaultFn ? pc.defaultFn(ctx) : undefined;
        continue;
      }
      let converted: { value: unknown; errors: DataError[] } | undefined;
      if (typeof raw === 'object') {
        converted = pc.cache.get(raw);
        if (!converted) {
          const errors: DataError[] = [];
          converted = { value: convertDeep(raw, pc.type, `params.${pc.name}`, zone, errors, this.limits), errors };
          pc.cache.set(raw, converted);
        }
      } else {
        const errors: DataError[] = [];
        converted = { value: convertDeep(raw, pc.type, `params.${pc.name}`, zone, errors, this.limits), errors };
      }
      for (const e of converted.errors) this.fail(ctx, e.path, e.message);
      ctx.params[i] = converted.value;
      // Wrong data is not missing data: each read of a value that failed as a whole meets its error
      // again (for `is present`), as a field's read does. A table or list with some bad rows is present.
      if (converted.value === undefined && converted.errors.length > 0) ctx.paramFailures[i] = 1;
    }
  }

  /** The plain decision: outcome and tier, nothing built that was not asked for. */
  decide(subject: unknown, options: EvaluateOptions): PlainDecision {
    const ctx = this.shared;
    if (!this.begin(ctx, subject, options, 0)) return undeterminedPlain([asOfError(options.asOf)]);
    const values = this.values;
    try {
      // The generated code assumes a record subject; anything else goes through the interpreter.
      if (this.rulesFn && ctx.subject !== undefined) {
        const decided = this.rulesFn(ctx, values) as PlainDecision | undefined;
        if (decided !== undefined && ctx.errors === NO_ERRORS) return decided;
      } else for (let i = 0; i < this.bodies.length; i++) values[i] = this.bodies[i]!.plain!(ctx);
    } catch (e) {
      if (!(e instanceof LimitExceeded)) throw e;
      return undeterminedPlain([...ctx.errors, { path: this.p.subject.name, message: e.message }]);
    }
    return this.finishDecide(ctx);
  }

  /** The plain decision from the rules' values (in {@link values}) when the generated epilogue could not tell. */
  private finishDecide(ctx: EvalContext): PlainDecision {
    const values = this.values;
    const core = this.quickCore(values) ?? this.core(values);
    // Without data errors the plain decision depends on the outcome alone: share one frozen object.
    if (ctx.errors === NO_ERRORS && core.plain) return core.plain;
    return plainOf(core, ctx.errors);
  }

  /** Frozen outcomes for the determined cases, so that the plain path allocates nothing for them. */
  private readonly cores = new Map<RuleInfo | string, Core>();

  private sharedCore(key: RuleInfo | string, make: () => Core): Core {
    if (typeof key !== 'string') return key.core ?? (key.core = sealCore(make()));
    let c = this.cores.get(key);
    if (!c) this.cores.set(key, (c = sealCore(make())));
    return c;
  }

  /**
   * {@link quickCore} as generated code, run at the end of the rules function:
   * it returns the shared plain decision of a determined outcome, or undefined.
   */
  private quickEpilogue(k: (value: unknown) => string): string[] {
    const plain = (core: Core) => k(core.plain);
    const lines: string[] = [];
    for (const r of this.excludeRules) {
      const core = this.outcomeRules.length > 0
        ? this.sharedCore(r, () => ({ outcome: this.otherwiseRule!.labelled!.id, veto: r, unknownRules: [] }))
        : this.sharedCore(r, () => ({ outcome: 'rejected', admission: 'rejected', veto: r, unknownRules: [] }));
      lines.push(`if (out[${r.index}] === undefined) return undefined;`, `if (out[${r.index}] === true) return ${plain(core)};`);
    }
    if (this.outcomeRules.length > 0) {
      for (const r of this.outcomeRules) {
        const core = this.sharedCore(r, () => ({ outcome: r.labelled!.id, unknownRules: [] }));
        if (r.rule.kind === 'OtherwiseRule') return [...lines, `return ${plain(core)};`];
        lines.push(`if (out[${r.index}] === undefined) return undefined;`, `if (out[${r.index}] === true) return ${plain(core)};`);
      }
      return [...lines, 'return undefined;'];
    }
    if (this.admitRule) {
      const notMet = this.sharedCore('not-met', () => ({ outcome: 'rejected', admission: 'rejected', reason: 'the admission conditions are not met', unknownRules: [] }));
      lines.push(`if (out[${this.admitRule.index}] === undefined) return undefined;`, `if (out[${this.admitRule.index}] === false) return ${plain(notMet)};`);
    }
    if (this.tierRules.length === 0) {
      return [...lines, `return ${plain(this.sharedCore('admitted', () => ({ outcome: 'admitted', admission: 'admitted', unknownRules: [] })))};`];
    }
    for (const r of this.tierRules) {
      const core = this.sharedCore(r, () => ({ outcome: 'admitted', admission: 'admitted', tier: r, unknownRules: [] }));
      if (r.rule.kind === 'DefaultTierRule') return [...lines, `return ${plain(core)};`];
      lines.push(`if (out[${r.index}] === undefined) return undefined;`, `if (out[${r.index}] === true) return ${plain(core)};`);
    }
    const noTier = this.sharedCore('no-tier', () => ({ outcome: 'rejected', admission: 'rejected', reason: 'no tier is reached', unknownRules: [] }));
    return [...lines, `return ${plain(noTier)};`];
  }

  /**
   * The outcome when nothing it depends on is unknown (the common case), without
   * allocating; undefined sends the caller to {@link core}, which handles unknowns.
   */
  private quickCore(values: readonly (boolean | undefined)[]): Core | undefined {
    for (const r of this.excludeRules) {
      const v = values[r.index];
      if (v === undefined) return undefined;
      if (v === true) {
        if (this.outcomeRules.length > 0) return this.sharedCore(r, () => ({ outcome: this.otherwiseRule!.labelled!.id, veto: r, unknownRules: [] }));
        return this.sharedCore(r, () => ({ outcome: 'rejected', admission: 'rejected', veto: r, unknownRules: [] }));
      }
    }
    if (this.outcomeRules.length > 0) {
      for (const r of this.outcomeRules) {
        const v = r.rule.kind === 'OtherwiseRule' ? true : values[r.index];
        if (v === undefined) return undefined;
        if (v === true) return this.sharedCore(r, () => ({ outcome: r.labelled!.id, unknownRules: [] }));
      }
      return undefined;
    }
    const admit = this.admitRule ? values[this.admitRule.index] : true;
    if (admit === undefined) return undefined;
    if (admit === false) {
      return this.sharedCore('not-met', () => ({ outcome: 'rejected', admission: 'rejected', reason: 'the admission conditions are not met', unknownRules: [] }));
    }
    if (this.tierRules.length === 0) return this.sharedCore('admitted', () => ({ outcome: 'admitted', admission: 'admitted', unknownRules: [] }));
    for (const r of this.tierRules) {
      const v = r.rule.kind === 'DefaultTierRule' ? true : values[r.index];
      if (v === undefined) return undefined;
      if (v === true) return this.sharedCore(r, () => ({ outcome: 'admitted', admission: 'admitted', tier: r, unknownRules: [] }));
    }
    return this.sharedCore('no-tier', () => ({ outcome: 'rejected', admission: 'rejected', reason: 'no tier is reached', unknownRules: [] }));
  }

  private readonly values: (boolean | undefined)[] = [];
  private rulesFn: RulesFunction<EvalContext> | undefined;

  /** The generated plain path (see codegen.ts); the interpreter's closures are its fallback. */
  private generate(): { fn: RulesFunction<EvalContext>; source: string; decide?: (subject: unknown, options: EvaluateOptions) => PlainDecision } | undefined {
    // The generated entry decides by itself the common case (a plain record, the as-of date of the
    // previous call, no params); anything else, and any data error or limit, goes back to decide().
    const entry: DecideEntry<EvalContext> | undefined =
      this.paramConverters.length > 0
        ? undefined
        : {
            ctx: this.shared,
            values: this.values,
            noErrors: NO_ERRORS,
            decide: (subject, options) => this.decide(subject, options),
            finish: (ctx) => this.finishDecide(ctx),
          };
    const generated = generateRules(this.codegenHost(), this.bodies.map((r) => r.body!), (k) => this.quickEpilogue(k), entry);
    // The generated entry returns what the epilogue and `entry` give it: plain decisions.
    return generated as typeof generated & { decide?: (subject: unknown, options: EvaluateOptions) => PlainDecision };
  }

  private codegenHost(): CodegenHost<EvalContext> {
    return {
      policy: this.p,
      closure: (e) => this.expr(e, false),
      letSlot: (d) => this.letSlots.get(d)!,
      criterionSlot: (d) => this.criterionSlots.get(d)!,
      paramSlot: (name) => this.paramSlots.get(name)!,
      converter: (type) => convertValue(type, this.p.timezone, this.limits),
      fail: (ctx, path, message) => this.fail(ctx, path, message),
      isRawData: (e) => this.isRawData(e),
      maxStringLength: this.limits.maxStringLength,
      maxListLength: this.limits.maxListLength,
      maxSteps: this.limits.maxSteps,
      textOf: (e) => this.textOf(e),
      limitExceeded: (message) => {
        throw new LimitExceeded(message);
      },
      variableSlot: (e) => {
        this.aggregateSources.set(e.variable, e.source);
        return this.varSlot(e.variable);
      },
    };
  }

  /** The generated explaining path, made on first use; null when the policy has none (the interpreter explains). */
  private explainer: ReturnType<typeof generateExplainer<EvalContext>> | null | undefined;

  private explainerOf(): ReturnType<typeof generateExplainer<EvalContext>> | null {
    if (this.explainer !== undefined) return this.explainer;
    const rules = this.bodies.map((r) => ({ body: r.body!, role: roleOf(r.rule), fields: r.labelled ? labelFields(r.labelled) : undefined }));
    return (this.explainer = withinStack(() => generateExplainer(this.codegenHost(), rules, (k) => this.quickEpilogue(k))) ?? null);
  }

  /** The context of the generated evaluate() path: evaluation is synchronous and a policy never refers to itself. */
  private readonly sharedEvaluate: EvalContext;
  private readonly evaluateValues: (boolean | undefined)[] = [];

  evaluate(subject: unknown, options: EvaluateOptions, depth: number): Decision {
    const fast = this.options.codegen !== false ? this.fastEvaluate(subject, options, depth, options.explain === true) : undefined;
    if (fast) return fast;
    const ctx = this.newContext();
    if (!this.begin(ctx, subject, options, depth)) return this.errorDecision(options.asOf, [asOfError(options.asOf)]);
    const decision = this.run(ctx, options.explain === true);
    if (decision.outcome === 'undetermined' && !options.explain) {
      // Rare path: find exactly which unknowns decide it.
      const again = this.newContext();
      this.begin(again, subject, options, depth);
      const traced = this.run(again, true, false);
      return { ...decision, unknown: traced.unknown };
    }
    return decision;
  }

  /**
   * The common case of evaluate() by generated code: a record subject whose rules decide the
   * outcome without unknowns or data errors. The explanation is recorded flat and built when
   * first read. Undefined for everything else, which the interpreter's run() does.
   */
  private fastEvaluate(subject: unknown, options: EvaluateOptions, depth: number, explain: boolean): Decision | undefined {
    const explainer = explain ? this.explainerOf() : undefined;
    if (explain ? !explainer : !this.rulesFn) return undefined;
    const ctx = this.sharedEvaluate;
    if (!this.begin(ctx, subject, options, depth) || ctx.subject === undefined || ctx.errors !== NO_ERRORS) return undefined;
    const values = this.evaluateValues;
    let plain: unknown;
    let record: unknown[] | undefined;
    try {
      if (explainer) {
        record = new Array(explainer.slots);
        plain = explainer.fn(ctx, values, record);
      } else plain = this.rulesFn!(ctx, values);
    } catch (e) {
      if (e instanceof LimitExceeded || e === explainer?.unknown) return undefined;
      throw e;
    }
    if (plain === undefined || ctx.errors !== NO_ERRORS) return undefined;
    const maker = this.makers.get(plain as PlainDecision);
    if (!maker) return undefined;
    const priorities = this.preferRules.length === 0 ? [] : this.preferRules.map((r) => ({ ...r.labelled!, met: truth(values[r.index]) }));
    if (!explainer) return maker.plain(options.asOf, priorities);
    return maker.explained(options.asOf, priorities, lazyExplanation(explainer.build, record!));
  }

  /** For each shared plain decision, a maker of the full decision with the same outcome (see {@link decisionMaker}). */
  private get makers(): Map<PlainDecision, DecisionMaker> {
    if (this.makerMap) return this.makerMap;
    const map = new Map<PlainDecision, DecisionMaker>();
    for (const core of [...this.cores.values(), ...this.rules.map((r) => r.core)]) {
      if (core?.plain) map.set(core.plain, this.decisionMaker(core));
    }
    return (this.makerMap = map);
  }

  private makerMap: Map<PlainDecision, DecisionMaker> | undefined;

  /** The decision fields a determined outcome fixes, in run()'s order, as a maker of decisions. */
  private decisionMaker(core: Core): DecisionMaker {
    const outcome = core.outcome;
    const outcomeRule = this.outcomeRules.find((r) => r.labelled!.id === outcome);
    const fixed: [string, unknown][] = [['outcome', outcome]];
    if (core.admission !== undefined) fixed.push(['admission', core.admission]);
    if (core.tier) fixed.push(['tier', core.tier.labelled!]);
    if (outcomeRule) fixed.push(['outcomeLabel', outcomeRule.labelled!.label]);
    if (core.veto) fixed.push(['vetoedBy', core.veto.labelled!]);
    if (core.reason && outcome === 'rejected') fixed.push(['reason', core.reason]);
    return decisionMaker(this.stamp, fixed, this.benefitsOf(core));
  }

  private errorDecision(asOf: string, errors: DataError[]): Decision {
    return {
      policy: this.stamp,
      asOf,
      outcome: 'undetermined',
      priorities: [],
      benefits: [],
      unknown: [],
      dataErrors: errors,
    };
  }

  /**
   * Evaluate with the interpreter; `explain` traces (explanation nodes, and the unknowns that
   * decide), `comparisons: false` leaves the comparisons out of the trace when only its unknowns
   * are wanted.
   */
  private run(ctx: EvalContext, explain: boolean, comparisons = true): Decision {
    if (explain) {
      ctx.trace = { unknowns: [], stack: [], criterionNodes: new Map(), latest: new Map(), comparisons, lets: new Map() };
      ctx.errorPaths = new Set(ctx.errors.map((e) => e.path));
      for (const r of this.bodies) r.traced ??= this.body(r.body!, true);
    }
    const values: (boolean | undefined)[] = new Array(this.bodies.length);
    const unknowns: string[][] = new Array(this.bodies.length);
    const nodes: ExplanationNode[] = [];
    try {
      if (!ctx.trace && this.rulesFn && ctx.subject !== undefined) this.rulesFn(ctx, values);
      else for (let i = 0; i < this.bodies.length; i++) {
        const r = this.bodies[i]!;
        if (!ctx.trace) {
          values[i] = r.plain!(ctx);
          continue;
        }
        const node: ExplanationNode = {
          kind: 'rule',
          role: roleOf(r.rule),
          ...(r.labelled ? labelFields(r.labelled) : {}),
          result: 'unknown',
          children: [],
        };
        ctx.trace.stack.push(node);
        const mark = ctx.trace.unknowns.length;
        const value = r.traced!(ctx);
        ctx.trace.stack.pop();
        const unknown = ctx.trace.unknowns.splice(mark);
        node.result = truth(value);
        if (value === undefined) setUnknown(node, unknown);
        nodes.push(node);
        values[i] = value;
        unknowns[i] = unknown;
      }
    } catch (e) {
      if (!(e instanceof LimitExceeded)) throw e;
      return this.errorDecision(ctx.options.asOf, [...ctx.errors, { path: this.p.subject.name, message: e.message }]);
    }
    const core = this.core(values);
    const relevant = core.unknownRules.flatMap((r) => unknowns[r.index] ?? []);
    const outcome = core.outcome;
    const benefits = this.benefitsOf(core);
    const outcomeRule = this.outcomeRules.find((r) => r.labelled!.id === outcome);
    return {
      policy: this.stamp,
      asOf: ctx.options.asOf,
      outcome,
      ...(core.admission !== undefined ? { admission: core.admission } : {}),
      ...(core.tier ? { tier: core.tier.labelled! } : {}),
      ...(core.possible ? { possible: core.possible.map((r) => r.labelled!) } : {}),
      ...(outcomeRule ? { outcomeLabel: outcomeRule.labelled!.label } : {}),
      ...(core.veto ? { vetoedBy: core.veto.labelled! } : {}),
      ...(core.reason && outcome === 'rejected' ? { reason: core.reason } : {}),
      priorities: this.preferRules.map((r) => ({ ...r.labelled!, met: truth(values[r.index]) })),
      benefits,
      unknown: outcome === 'undetermined' ? unique(relevant) : [],
      dataErrors: ctx.errors === NO_ERRORS ? [] : ctx.errors,
      ...(ctx.trace ? { explanation: nodes } : {}),
    };
  }

  /** The benefits an outcome grants. */
  private benefitsOf(core: Core): Labelled[] {
    const outcome = core.outcome;
    const granted = outcome === 'undetermined' || outcome === 'rejected' ? undefined : (core.tier?.labelled!.id ?? outcome);
    if (granted === undefined) return [];
    return this.benefitRules
      .filter((r) => {
        const to = (r.rule as A.BenefitRule).grantedTo;
        return to.length === 0 ? outcome === 'admitted' || this.outcomeRules.length > 0 : to.some((t) => t.name === granted || t.name === outcome);
      })
      .map((r) => r.labelled!);
  }

  /**
   * Turn the rules' truth values (indexed like {@link bodies}) into the outcome,
   * three-valued. Shared by the plain and the explaining paths, so they cannot disagree.
   */
  private core(values: readonly (boolean | undefined)[]): Core {
    const value = (r: RuleInfo) => values[r.index];
    const unknownRules: RuleInfo[] = [];
    let veto: RuleInfo | undefined;
    let vetoPossible = false;
    for (const r of this.excludeRules) {
      const v = values[r.index];
      if (v === true) {
        veto = r;
        break;
      }
      if (v === undefined) vetoPossible = true;
    }
    const vetoUnknown = () => this.excludeRules.filter((r) => value(r) === undefined);
    if (this.outcomeRules.length > 0) {
      const otherwise = this.otherwiseRule!;
      if (veto) return { outcome: otherwise.labelled!.id, veto, unknownRules };
      const pick = firstHolding(this.outcomeRules, value);
      if (pick.kind === 'decided' && (!vetoPossible || pick.rule === otherwise)) return { outcome: pick.rule.labelled!.id, unknownRules };
      const possible = pick.kind === 'open' ? [...pick.candidates] : pick.kind === 'decided' ? [pick.rule] : [];
      if (vetoPossible && !possible.includes(otherwise)) possible.push(otherwise);
      if (pick.kind === 'open') unknownRules.push(...pick.candidates);
      unknownRules.push(...vetoUnknown());
      return { outcome: 'undetermined', possible, unknownRules };
    }
    const admitValue = this.admitRule ? value(this.admitRule) : true;
    const hasDefault = this.hasDefaultTier;
    const tierPick = this.tierRules.length > 0 ? firstHolding(this.tierRules, value) : undefined;
    let admission: 'admitted' | 'rejected' | 'undetermined';
    let reason: string | undefined;
    if (veto) admission = 'rejected';
    else if (admitValue === false) {
      admission = 'rejected';
      reason = 'the admission conditions are not met';
    } else if (tierPick?.kind === 'none' && !hasDefault) {
      admission = 'rejected';
      reason = 'no tier is reached';
    } else if (
      admitValue === true &&
      !vetoPossible &&
      (!tierPick || tierPick.kind === 'decided' || hasDefault || (tierPick.kind === 'open' && tierPick.candidates.some((r) => value(r) === true)))
    ) {
      admission = 'admitted';
    } else {
      admission = 'undetermined';
      if (admitValue === undefined && this.admitRule) unknownRules.push(this.admitRule);
      unknownRules.push(...vetoUnknown());
      if (tierPick?.kind === 'open' && !hasDefault) unknownRules.push(...tierPick.candidates);
    }
    const core: Core = { outcome: admission, admission, unknownRules };
    if (veto) core.veto = veto;
    if (reason) core.reason = reason;
    if (admission === 'admitted' && tierPick?.kind === 'decided') core.tier = tierPick.rule;
    if (admission !== 'rejected' && tierPick?.kind === 'open') {
      core.outcome = 'undetermined';
      core.possible = tierPick.candidates;
      if (admission === 'admitted') unknownRules.push(...tierPick.candidates);
    }
    return core;
  }

  // ---------------------------------------------------------------- criteria

  private body(body: A.CriterionBody, traced: boolean): BoolFn {
    if (body.kind !== 'Combinator') return traced ? this.tracedCondition(body) : (this.expr(body, false) as BoolFn);
    const items = body.items.map((item) => this.item(item, traced));
    const mode = body.mode;
    const need = body.count ? Number(body.count.value) : 0;
    const combine = (values: (boolean | undefined)[]): boolean | undefined => combineItems(mode, need, values);
    if (!traced) {
      if (mode === 'all') {
        return (ctx) => {
          let unknown = false;
          for (const f of items) {
            const v = f(ctx);
            if (v === false) return false;
            if (v === undefined) unknown = true;
          }
          return unknown ? undefined : true;
        };
      }
      if (mode === 'any') {
        return (ctx) => {
          let unknown = false;
          for (const f of items) {
            const v = f(ctx);
            if (v === true) return true;
            if (v === undefined) unknown = true;
          }
          return unknown ? undefined : false;
        };
      }
      return (ctx) => combine(items.map((f) => f(ctx)));
    }
    return (ctx) => {
      const trace = ctx.trace!;
      const node: ExplanationNode = {
        kind: mode,
        ...(mode === 'atLeast' ? { count: need } : {}),
        result: 'unknown',
        children: [],
      };
      trace.stack.at(-1)!.children!.push(node);
      trace.stack.push(node);
      const mark = trace.unknowns.length;
      // Explanations evaluate every item, so that each shows its result. The items after the one
      // that decides are evaluated for the explanation only: their data errors do not make an
      // `is present` unknown, as on the plain path, which does not evaluate them.
      const values: (boolean | undefined)[] = new Array(items.length);
      let decided = false;
      for (let i = 0; i < items.length; i++) {
        if (decided) {
          // A trace of unknowns alone shows nothing: the items after the deciding one (whose
          // unknowns a decided block drops) are not evaluated, as on the plain path.
          if (!trace.comparisons) break;
          const failures = ctx.failures;
          values[i] = items[i]!(ctx);
          ctx.failures = failures;
        } else {
          values[i] = items[i]!(ctx);
          decided = (mode === 'all' && values[i] === false) || (mode === 'any' && values[i] === true);
        }
      }
      const v = combine(values);
      trace.stack.pop();
      node.result = truth(v);
      if (v !== undefined) trace.unknowns.length = mark;
      else setUnknown(node, trace.unknowns.slice(mark));
      return v;
    };
  }

  private item(item: A.CriterionItem, traced: boolean): BoolFn {
    const inner = this.body(item.body, traced);
    if (!traced || !item.id) return inner;
    const fields = labelFields(labelled(item as A.Heading));
    return (ctx) => {
      const trace = ctx.trace!;
      const node: ExplanationNode = { kind: 'item', ...fields, result: 'unknown', children: [] };
      trace.stack.at(-1)!.children!.push(node);
      trace.stack.push(node);
      const mark = trace.unknowns.length;
      const v = inner(ctx);
      trace.stack.pop();
      node.result = truth(v);
      if (v === undefined) setUnknown(node, trace.unknowns.slice(mark));
      return v;
    };
  }

  private tracedCondition(expr: A.Expression): BoolFn {
    const named = expr.kind === 'NameRef' ? this.p.names.get(expr) : undefined;
    if (named?.kind === 'criterion') return this.criterionRef(named.decl, true);
    const f = this.expr(expr, true) as BoolFn;
    const text = this.textOf(expr);
    return (ctx) => {
      const trace = ctx.trace!;
      const node: ExplanationNode = { kind: 'condition', text, result: 'unknown', comparisons: [], children: [] };
      trace.stack.at(-1)!.children!.push(node);
      trace.stack.push(node);
      const mark = trace.unknowns.length;
      const v = f(ctx);
      trace.stack.pop();
      const latest = trace.latest.get(node);
      if (latest) {
        // The latest comparison is the outermost (it completes last): it takes the last place.
        node.comparisons![MAX_RECORDED_COMPARISONS - 1] = latest();
        trace.latest.delete(node);
      }
      node.result = truth(v);
      if (v === undefined) setUnknown(node, trace.unknowns.slice(mark));
      return v;
    };
  }

  private criterionRef(decl: A.CriterionDecl, traced: boolean): BoolFn {
    const slot = this.criterionSlots.get(decl)!;
    const fns = this.criterionFns[slot]!;
    if (!traced) {
      return (ctx) => {
        if (ctx.criterionGen[slot] === ctx.gen) {
          ctx.failures += ctx.criterionFailures[slot]!;
          return ctx.criteria[slot] as boolean | undefined;
        }
        fns.plain ??= this.body(decl.body, false);
        const failures = ctx.failures;
        const v = fns.plain(ctx);
        ctx.criteria[slot] = v;
        ctx.criterionGen[slot] = ctx.gen;
        ctx.criterionFailures[slot] = ctx.failures - failures;
        return v;
      };
    }
    const fields = labelFields(labelled(decl));
    return (ctx) => {
      const trace = ctx.trace!;
      const parent = trace.stack.at(-1)!;
      const cachedNode = trace.criterionNodes.get(slot);
      if (cachedNode) {
        parent.children!.push(cachedNode);
        // One by one: a node can have more unknowns (list elements) than the stack holds arguments.
        if (cachedNode.unknown) for (const u of cachedNode.unknown) trace.unknowns.push(u);
        ctx.failures += ctx.criterionFailures[slot]!;
        return ctx.criteria[slot] as boolean | undefined;
      }
      fns.traced ??= this.body(decl.body, true);
      const node: ExplanationNode = { kind: 'criterion', ...fields, result: 'unknown', children: [] };
      parent.children!.push(node);
      trace.criterionNodes.set(slot, node);
      trace.stack.push(node);
      const mark = trace.unknowns.length;
      const failures = ctx.failures;
      const v = fns.traced(ctx);
      trace.stack.pop();
      node.result = truth(v);
      if (v === undefined) setUnknown(node, trace.unknowns.slice(mark));
      ctx.criteria[slot] = v;
      ctx.criterionGen[slot] = ctx.gen;
      ctx.criterionFailures[slot] = ctx.failures - failures;
      return v;
    };
  }

  // ------------------------------------------------------------- expressions

  private typeOf(e: A.Expression): Type {
    return this.p.types.get(e) ?? { kind: 'error' };
  }

  /** The source text of an expression as written (from its own file: imported ones come from libraries). */
  private textOf(e: A.Expression): string {
    const text = this.importedText().get(e) ?? this.p.text;
    return text.slice(e.span.start, e.span.end).replace(/\s+/g, ' ');
  }

  private imported: Map<object, string> | undefined;

  /** Every node of an imported declaration, mapped to its library's text (built on first use). */
  private importedText(): Map<object, string> {
    if (this.imported) return this.imported;
    const map = new Map<object, string>();
    const visit = (node: unknown, text: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) return node.forEach((n) => visit(n, text));
      map.set(node, text);
      for (const [key, value] of Object.entries(node)) if (key !== 'span') visit(value, text);
    };
    for (const [decl, file] of this.p.declarationFiles) {
      if (file !== this.p.file) visit(decl, this.p.sources.get(file) ?? '');
    }
    return (this.imported = map);
  }

  /** Compile an expression. In traced mode every decided node drops the unknowns below it. */
  private expr(e: A.Expression, traced: boolean): Fn {
    const f = this.exprInner(e, traced);
    // Only a decided condition makes the unknowns below it irrelevant; a value such as a
    // series window may be known while holding unknown elements.
    if (!traced || this.typeOf(e).kind !== 'bool') return f;
    return (ctx) => {
      const trace = ctx.trace!;
      const mark = trace.unknowns.length;
      const v = f(ctx);
      if (v !== undefined && trace.unknowns.length > mark) trace.unknowns.length = mark;
      return v;
    };
  }

  private exprInner(e: A.Expression, traced: boolean): Fn {
    switch (e.kind) {
      case 'NumberLiteral': {
        const v = Number(e.value);
        return () => v;
      }
      case 'StringLiteral': {
        const v = e.value;
        return () => v;
      }
      case 'BoolLiteral': {
        const v = e.value;
        return () => v;
      }
      case 'DateLiteral': {
        const v = C.dayFromCivil(e.year, e.month, e.day);
        return () => v;
      }
      case 'DateTimeLiteral': {
        const v = C.parseDateTime(e.raw, this.p.timezone);
        return () => v;
      }
      case 'DurationLiteral': {
        const v = C.durationOf(Number(e.amount.value), e.unit);
        return () => v;
      }
      case 'TodayRef':
        return (ctx) => ctx.clock.today;
      case 'NowRef':
        return (ctx) => ctx.clock.now;
      case 'PeriodExpr': {
        const amount = Number(e.length.amount.value);
        const { unit, natural } = e.length;
        // The window depends only on the clock, which is shared per as-of date: compute it once per clock.
        let lastClock: C.Clock | undefined;
        let lastWindow: C.Window | undefined;
        return (ctx) => {
          if (ctx.clock !== lastClock) {
            lastWindow = C.periodWindow(amount, unit, natural, ctx.clock);
            lastClock = ctx.clock;
          }
          return lastWindow;
        };
      }
      case 'ListLiteral': {
        const fns = e.elements.map((x) => this.expr(x, traced));
        return (ctx) => fns.map((f) => f(ctx));
      }
      case 'NameRef':
        return this.name(e, traced);
      case 'MemberAccess':
        return this.member(e, traced);
      case 'IndexAccess':
        return this.index(e, traced);
      case 'UnaryExpr': {
        const f = this.expr(e.operand, traced);
        if (e.operator === 'not') {
          return (ctx) => {
            const v = f(ctx);
            return v === undefined ? undefined : !v;
          };
        }
        const t = this.typeOf(e);
        if (t.kind === 'duration') {
          return (ctx) => {
            const v = f(ctx) as C.Duration | undefined;
            return v && { months: -v.months, days: -v.days, ms: -v.ms };
          };
        }
        return (ctx) => {
          const v = f(ctx) as number | undefined;
          return v === undefined ? undefined : D.neg(v);
        };
      }
      case 'BinaryExpr':
        return this.binary(e, traced);
      case 'ConditionalExpr': {
        const c = this.expr(e.condition, traced);
        const a = this.expr(e.then, traced);
        const b = this.expr(e.otherwise, traced);
        return (ctx) => {
          const v = c(ctx);
          return v === undefined ? undefined : v ? a(ctx) : b(ctx);
        };
      }
      case 'AggregateExpr':
        return this.aggregate(e, traced);
      case 'DuringExpr':
        return this.during(e, traced);
      case 'SatisfiesExpr':
        return this.satisfies(e, traced);
      case 'PresenceExpr': {
        const f = this.expr(e.operand, traced);
        return (ctx) => {
          const failuresBefore = ctx.failures;
          const v = f(ctx);
          // Wrong data is not missing data: a value that failed its type check is present but unusable.
          if (ctx.failures > failuresBefore) return undefined;
          return v === undefined ? !e.present : e.present;
        };
      }
    }
  }

  private name(e: A.NameRef, traced: boolean): Fn {
    const r = this.p.names.get(e) as ResolvedName | undefined;
    if (!r) return () => undefined;
    switch (r.kind) {
      case 'subject':
        return (ctx) => ctx.subject;
      case 'enumMember': {
        const index = r.index;
        return () => index;
      }
      case 'enumType':
        return () => undefined;
      case 'variable': {
        const slot = this.varSlot(r.binder);
        return (ctx) => ctx.vars[slot];
      }
      case 'param':
      case 'placeholder': {
        const slot = this.paramSlots.get(r.decl.name.name)!;
        const source = `${r.kind} ${r.decl.name.name}`;
        return (ctx) => {
          const v = ctx.params[slot];
          ctx.failures += ctx.paramFailures[slot]!;
          if (v === undefined && ctx.trace) ctx.trace.unknowns.push(source);
          return v;
        };
      }
      case 'table':
        return this.literalTable(r.decl, traced);
      case 'let': {
        const slot = this.letSlots.get(r.decl)!;
        const fns = this.letFns[slot]!;
        const decl = r.decl;
        if (!traced) {
          return (ctx) => {
            if (ctx.letGen[slot] === ctx.gen) {
              ctx.failures += ctx.letFailures[slot]!;
              return ctx.lets[slot];
            }
            fns.plain ??= this.expr(decl.value, false);
            const failures = ctx.failures;
            const v = fns.plain(ctx);
            ctx.lets[slot] = v;
            ctx.letGen[slot] = ctx.gen;
            ctx.letFailures[slot] = ctx.failures - failures;
            return v;
          };
        }
        // Traced lets are re-evaluated so that each use records its own unknowns and comparisons.
        // A trace of unknowns alone (no comparisons) evaluates a let once and gives each later use
        // the same value and the same unknowns again, as a criterion's node does.
        return (ctx) => {
          fns.traced ??= this.expr(decl.value, true);
          const trace = ctx.trace!;
          if (trace.comparisons) return fns.traced(ctx);
          const seen = trace.lets.get(slot);
          if (seen) {
            for (const u of seen.unknowns) trace.unknowns.push(u);
            ctx.failures += seen.failures;
            return seen.value;
          }
          const mark = trace.unknowns.length;
          const failures = ctx.failures;
          const value = fns.traced(ctx);
          trace.lets.set(slot, { value, unknowns: trace.unknowns.slice(mark), failures: ctx.failures - failures });
          return value;
        };
      }
      case 'criterion':
        return this.criterionRef(r.decl, traced);
    }
  }

  private varSlot(binder: A.Identifier): number {
    let slot = this.varSlots.get(binder);
    if (slot === undefined) this.varSlots.set(binder, (slot = this.varSlots.size));
    return slot;
  }

  /** The data path of an expression, for error messages; dynamic parts read the aggregation indices. */
  private pathOf(e: A.Expression): (ctx: EvalContext) => string {
    switch (e.kind) {
      case 'NameRef': {
        const r = this.p.names.get(e);
        if (r?.kind === 'variable') {
          const slot = this.varSlot(r.binder);
          const source = this.aggregateSources.get(r.binder);
          const base = source ? this.pathOf(source) : () => r.name;
          return (ctx) => `${base(ctx)}[${ctx.indices[slot] ?? '?'}]`;
        }
        return () => e.name;
      }
      case 'MemberAccess': {
        const base = this.pathOf(e.object);
        const name = e.member.name;
        return (ctx) => `${base(ctx)}.${name}`;
      }
      case 'IndexAccess':
        return () => this.textOf(e);
      case 'DuringExpr':
        return this.pathOf(e.series);
      default:
        return () => this.textOf(e);
    }
  }

  private readonly aggregateSources = new Map<A.Identifier, A.Expression>();

  private member(e: A.MemberAccess, traced: boolean): Fn {
    const r = this.p.names.get(e);
    if (r?.kind === 'enumMember') {
      const index = r.index;
      return () => index;
    }
    const objectType = this.typeOf(e.object) as RecordType;
    const field = objectType.fields?.get(e.member.name);
    const object = this.expr(e.object, traced);
    if (!field) return () => undefined;
    const name = e.member.name;
    const path = this.pathOf(e);
    const defaultFn = field.decl.defaultValue ? this.expr(field.decl.defaultValue, false) : undefined;
    const convert = this.converter(field.type);
    return (ctx) => {
      const obj = object(ctx);
      if (obj === undefined) return undefined;
      const raw = readOwn(obj as object, name);
      if (raw === undefined || raw === null) {
        if (defaultFn) return defaultFn(ctx);
        if (ctx.trace) ctx.trace.unknowns.push(path(ctx));
        return undefined;
      }
      return convert(raw, ctx, path);
    };
  }

  /**
   * A function that checks and converts a raw data value of a type; on failure records a data error
   * at `path`, followed by `[at]` for a list index or `["at"]` for a month key (built only then).
   */
  private converter(type: Type): (raw: unknown, ctx: EvalContext, path: (ctx: EvalContext) => string, at?: number | string) => unknown {
    const convert: Converter = convertValue(type, this.p.timezone, this.limits);
    return (raw, ctx, path, at) => {
      const v = convert(raw);
      if (typeof v === 'object' && v !== null && v instanceof ConversionFailure) {
        const where = at === undefined ? path(ctx) : typeof at === 'number' ? `${path(ctx)}[${at}]` : `${path(ctx)}["${at}"]`;
        return this.fail(ctx, where, v.message);
      }
      return v;
    };
  }

  private fail(ctx: EvalContext, path: string, message: string): undefined {
    ctx.failures++;
    // The paths seen as a set: a list of 100,000 bad elements costs linear time, not quadratic.
    const seen = (ctx.errorPaths ??= new Set(ctx.errors.map((x) => x.path)));
    if (!seen.has(path)) {
      if (ctx.errors === NO_ERRORS) ctx.errors = [];
      ctx.errors.push({ path, message });
      seen.add(path);
    }
    if (ctx.trace) ctx.trace.unknowns.push(path);
    return undefined;
  }


  private index(e: A.IndexAccess, traced: boolean): Fn {
    const objectType = this.typeOf(e.object);
    const object = this.expr(e.object, traced);
    const key = this.expr(e.index, traced);
    if (objectType.kind === 'table') {
      const keyType = objectType.key;
      const tableName = this.textOf(e.object);
      return (ctx) => {
        const table = object(ctx);
        const k = key(ctx);
        if (table === undefined || k === undefined) return undefined;
        if (table instanceof Map) {
          // A literal table: compiled entries.
          const f = (table as Map<unknown, Fn>).get(k) ?? (table as Map<unknown, Fn>).get(DEFAULT_KEY);
          if (f) return f(ctx);
        } else {
          const name = keyType.kind === 'enum' ? enumDataValue(keyType, k as number) : String(k);
          let raw = readOwn(table as object, name);
          if (raw === undefined) raw = readOwn(table as object, 'default');
          // A table from params: its values were checked when the params were read (readParams).
          if (raw !== undefined && raw !== null) return raw;
        }
        if (ctx.trace) ctx.trace.unknowns.push(`${tableName}[${JSON.stringify(keyType.kind === 'enum' ? enumDataValue(keyType, k as number) : k)}]`);
        return undefined;
      };
    }
    // A list by position (0-based).
    const elementType = objectType.kind === 'list' ? objectType.element : { kind: 'error' as const };
    const raw = this.isRawData(e.object);
    const convert = this.converter(elementType);
    const path = this.pathOf(e.object);
    return (ctx) => {
      const list = object(ctx) as unknown[] | undefined;
      const i = key(ctx) as number | undefined;
      if (list === undefined || i === undefined) return undefined;
      if (!Number.isInteger(i) || i < 0 || i >= list.length) {
        if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}[${i}]`);
        return undefined;
      }
      const v = list[i];
      if (v === undefined || v === null) {
        if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}[${i}]`);
        return undefined;
      }
      return raw ? convert(v, ctx, path, i) : v;
    };
  }

  private literalTable(decl: A.TableDecl, traced: boolean): Fn {
    const keyType = this.p.declaredTypes.get(decl.name.name) as Extract<Type, { kind: 'table' }> | undefined;
    const map = new Map<unknown, Fn>();
    for (const entry of decl.entries) {
      const key =
        keyType?.key.kind === 'enum'
          ? keyType.key.members.indexOf(entry.key.kind === 'Identifier' ? entry.key.name : entry.key.value)
          : entry.key.kind === 'Identifier'
            ? entry.key.name
            : entry.key.value;
      map.set(key, this.expr(entry.value, traced));
    }
    if (decl.defaultValue) map.set(DEFAULT_KEY, this.expr(decl.defaultValue, traced));
    return () => map;
  }

  /** Whether an expression yields values straight from the data, which must be checked when read. */
  private isRawData(e: A.Expression): boolean {
    switch (e.kind) {
      case 'MemberAccess':
        return this.p.names.get(e)?.kind !== 'enumMember';
      case 'IndexAccess':
        return this.typeOf(e.object).kind === 'list' && this.isRawData(e.object);
      case 'NameRef': {
        const r = this.p.names.get(e);
        if (r?.kind === 'let') return this.isRawData(r.decl.value);
        if (r?.kind === 'variable') {
          const source = this.aggregateSources.get(r.binder);
          return source ? this.isRawData(source) && this.typeOf(source).kind === 'list' : false;
        }
        return r?.kind === 'subject';
      }
      case 'ConditionalExpr':
        return this.isRawData(e.then) || this.isRawData(e.otherwise);
      default:
        return false;
    }
  }

  private binary(e: A.BinaryExpr, traced: boolean): Fn {
    const op = e.operator;
    const left = this.expr(e.left, traced);
    const right = this.expr(e.right, traced);
    if (op === 'and') {
      return (ctx) => {
        const a = left(ctx);
        if (a === false) return false;
        const b = right(ctx);
        if (b === false) return false;
        return a === undefined || b === undefined ? undefined : true;
      };
    }
    if (op === 'or') {
      return (ctx) => {
        const a = left(ctx);
        if (a === true) return true;
        const b = right(ctx);
        if (b === true) return true;
        return a === undefined || b === undefined ? undefined : false;
      };
    }
    const lt = this.typeOf(e.left);
    const rt = this.typeOf(e.right);
    const compute = this.binaryOp(e, op, lt, rt);
    if (!traced || !isComparison(op)) {
      return (ctx) => {
        const a = left(ctx);
        if (a === undefined) return op === 'in' || op === 'not in' || op === 'contains' ? this.membershipWithUnknownLeft(ctx, right) : undefined;
        const b = right(ctx);
        if (b === undefined) return undefined;
        return compute(a, b, ctx);
      };
    }
    const text = this.textOf(e);
    const showLeft = displayer(lt, this.p.timezone);
    const showRight = displayer(rt, this.p.timezone);
    const evaluatesRightWhenLeftUnknown = op === 'in' || op === 'not in' || op === 'contains';
    return (ctx) => {
      const a = left(ctx);
      let b: unknown;
      if (a === undefined && !evaluatesRightWhenLeftUnknown) {
        // Evaluated for the explanation only (the plain path stops at the unknown left side):
        // its data errors do not make an `is present` unknown.
        const failures = ctx.failures;
        b = right(ctx);
        ctx.failures = failures;
      } else b = right(ctx);
      const v = a === undefined || b === undefined ? undefined : compute(a, b, ctx);
      if (!ctx.trace!.comparisons) return v;
      const node = ctx.trace!.stack.at(-1);
      const list = node?.comparisons;
      if (list && list.length < MAX_RECORDED_COMPARISONS) list.push(comparisonTrace(text, op, a, b, v, lt, showLeft, showRight));
      else if (list) {
        // Full (a comparison repeated per element): count it, and keep it as the latest, shown only if no later one comes.
        node!.omittedComparisons = (node!.omittedComparisons ?? 0) + 1;
        // Lists as they are now (data read through getters could change them before it is shown).
        const left = Array.isArray(a) ? a.slice(0, 6) : a;
        const right = Array.isArray(b) ? b.slice(0, 6) : b;
        ctx.trace!.latest.set(node!, () => comparisonTrace(text, op, left, right, v, lt, showLeft, showRight));
      }
      return v;
    };
  }

  /** `x in list` with x unknown is still unknown; evaluate the right side only for its own errors. */
  private membershipWithUnknownLeft(ctx: EvalContext, right: Fn): undefined {
    right(ctx);
    return undefined;
  }

  private binaryOp(e: A.BinaryExpr, op: A.BinaryOperator, lt: Type, rt: Type): (a: unknown, b: unknown, ctx: EvalContext) => unknown {
    const zone = this.p.timezone;
    switch (op) {
      case '=':
      case '!=': {
        const eq = lt.kind === 'duration' ? (a: unknown, b: unknown) => C.compareDurations(a as C.Duration, b as C.Duration) === 0 : lt.kind === 'list' ? listEquals : (a: unknown, b: unknown) => a === b;
        return op === '=' ? (a, b) => eq(a, b) : (a, b) => !eq(a, b);
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (lt.kind === 'duration') {
          return (a, b) => {
            const c = C.compareDurations(a as C.Duration, b as C.Duration);
            return c === undefined ? undefined : compareResult(op, c);
          };
        }
        switch (op) {
          case '<':
            return (a, b) => (a as number) < (b as number);
          case '<=':
            return (a, b) => (a as number) <= (b as number);
          case '>':
            return (a, b) => (a as number) > (b as number);
          default:
            return (a, b) => (a as number) >= (b as number);
        }
      }
      case 'in':
      case 'not in': {
        const negate = op === 'not in';
        if (rt.kind === 'period') {
          const test =
            lt.kind === 'date'
              ? (a: unknown, b: unknown) => C.dayInWindow(a as number, b as C.Window, zone)
              : (a: unknown, b: unknown) => C.instantInWindow(a as number, b as C.Window, zone);
          return negate ? (a, b) => !test(a, b) : test;
        }
        const element = rt.kind === 'list' ? rt.element : ({ kind: 'any' } as Type);
        const member = this.membership(element, this.isRawData(e.right), this.pathOf(e.right));
        return negate
          ? (a, b, ctx) => {
              const v = member(b as unknown[], a, ctx);
              return v === undefined ? undefined : !v;
            }
          : (a, b, ctx) => member(b as unknown[], a, ctx);
      }
      case 'contains': {
        if (lt.kind === 'string') return (a, b) => (a as string).includes(b as string);
        const element = lt.kind === 'list' ? lt.element : ({ kind: 'any' } as Type);
        const member = this.membership(element, this.isRawData(e.left), this.pathOf(e.left));
        return (a, b, ctx) => member(a as unknown[], b, ctx);
      }
      case 'starts with':
        return (a, b) => (a as string).startsWith(b as string);
      case 'ends with':
        return (a, b) => (a as string).endsWith(b as string);
      case '+':
      case '-': {
        const sign = op === '+' ? 1 : -1;
        if (lt.kind === 'number') return op === '+' ? (a, b) => D.add(a as number, b as number) : (a, b) => D.sub(a as number, b as number);
        if (lt.kind === 'duration' && rt.kind === 'duration') {
          return (a, b) => {
            const x = a as C.Duration;
            const y = b as C.Duration;
            return { months: x.months + sign * y.months, days: x.days + sign * y.days, ms: x.ms + sign * y.ms };
          };
        }
        if (lt.kind === 'duration') return this.binaryOp(e, op, rt, lt) && ((a, b) => addToTime(b, rt, a as C.Duration, 1, zone));
        if (rt.kind === 'duration') return (a, b) => addToTime(a, lt, b as C.Duration, sign, zone);
        // date - date, datetime - datetime: a duration in days or milliseconds.
        if (lt.kind === 'date') return (a, b) => ({ months: 0, days: (a as number) - (b as number), ms: 0 });
        return (a, b) => ({ months: 0, days: 0, ms: (a as number) - (b as number) });
      }
      case '*':
        return (a, b) => D.mul(a as number, b as number);
      case '/':
        return (a, b) => D.div(a as number, b as number);
      default:
        return () => undefined;
    }
  }

  /** Membership of a value in a list (from data, checked element by element, or computed). Three-valued. */
  private membership(element: Type, raw: boolean, path: (ctx: EvalContext) => string): (list: unknown[], x: unknown, ctx: EvalContext) => boolean | undefined {
    const convert = raw ? this.converter(element) : undefined;
    const enumType = element.kind === 'enum' ? element : undefined;
    const direct = element.kind === 'number' || element.kind === 'string' || element.kind === 'bool';
    return (list, x, ctx) => {
      let unknown = false;
      const n = list.length;
      if (n > this.limits.maxListLength) throw new LimitExceeded(`${path(ctx)} has ${n} elements; the limit is ${this.limits.maxListLength}`);
      // A list from data counts as steps like an aggregation's: `any(x in xs: x in ys)` is |xs| × |ys|.
      if (convert && (ctx.steps += n) > this.limits.maxSteps) throw new LimitExceeded(`evaluation took more than ${this.limits.maxSteps} steps`);
      for (let i = 0; i < n; i++) {
        let v = list[i];
        if (convert) {
          if (v === undefined || v === null) {
            unknown = true;
            if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}[${i}]`);
            continue;
          }
          // Fast path for the common case: strings compared with strings, enum data values with a member.
          if (enumType && typeof v === 'string') {
            const index = enumType.byDataValue.get(v);
            if (index === x) return true;
            if (index !== undefined) continue;
          } else if (direct && typeof v === typeof x && (typeof v !== 'number' || v - v === 0)) {
            // Only where data and runtime values are alike: a number in data is not an enum member's
            // index nor an epoch day, and NaN or Infinity is a data error, not a non-match.
            if (v === x) return true;
            continue;
          }
          v = convert(v, ctx, path, i);
        }
        if (v === undefined) unknown = true;
        else if (v === x) return true;
      }
      return unknown ? undefined : false;
    };
  }

  private aggregate(e: A.AggregateExpr, traced: boolean): Fn {
    if (e.variable) this.aggregateSources.set(e.variable, e.source);
    const source = this.expr(e.source, traced);
    const sourceType = this.typeOf(e.source);
    const elementType: Type = sourceType.kind === 'list' || sourceType.kind === 'monthly' ? sourceType.element : { kind: 'error' };
    const raw = this.isRawData(e.source);
    const convert = raw ? this.converter(elementType) : undefined;
    const path = this.pathOf(e.source);
    const slot = e.variable ? this.varSlot(e.variable) : -1;
    const filter = e.filter ? (this.expr(e.filter, traced) as BoolFn) : undefined;
    const projection = e.projection ? this.expr(e.projection, traced) : undefined;
    const fn = e.fn;
    const limits = this.limits;
    const valueType = e.projection ? this.typeOf(e.projection) : elementType;
    const isDuration = valueType.kind === 'duration';
    return (ctx) => {
      let list = source(ctx) as unknown[] | Record<string, unknown> | undefined;
      if (list === undefined) return undefined;
      if (!Array.isArray(list)) list = Object.keys(list).sort().map((k) => (list as Record<string, unknown>)[k]);
      const n = list.length;
      if (n > limits.maxListLength) throw new LimitExceeded(`${path(ctx)} has ${n} elements; the limit is ${limits.maxListLength}`);
      ctx.steps += n;
      if (ctx.steps > limits.maxSteps) throw new LimitExceeded(`evaluation took more than ${limits.maxSteps} steps`);
      let count = 0;
      let sum: number | undefined = 0;
      let best: unknown = undefined;
      let unknown = false;
      let seenTrue = false;
      let seenFalse = false;
      for (let i = 0; i < n; i++) {
        let item = list[i];
        if (convert) {
          if (item === undefined || item === null) {
            item = undefined;
            if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}[${i}]`);
          } else item = convert(item, ctx, path, i);
        }
        if (slot >= 0) {
          ctx.vars[slot] = item;
          ctx.indices[slot] = i;
        }
        if (filter) {
          const keep = filter(ctx);
          if (keep === false) continue;
          if (keep === undefined) {
            unknown = true;
            continue;
          }
        }
        const value = projection ? projection(ctx) : item;
        switch (fn) {
          case 'count':
            if (projection) {
              if (value === undefined) unknown = true;
              else if (value === true) count++;
            } else count++;
            break;
          case 'sum':
            if (value === undefined) unknown = true;
            else if (sum !== undefined) sum = D.add(sum, value as number);
            break;
          case 'min':
          case 'max':
            if (value === undefined) unknown = true;
            else if (best === undefined) best = value;
            else {
              const c = isDuration ? C.compareDurations(value as C.Duration, best as C.Duration) : (value as number) < (best as number) ? -1 : (value as number) > (best as number) ? 1 : 0;
              if (c === undefined) unknown = true;
              else if ((fn === 'min' && c < 0) || (fn === 'max' && c > 0)) best = value;
            }
            break;
          case 'any':
          case 'all':
            if (value === undefined) unknown = true;
            else if (value) seenTrue = true;
            else seenFalse = true;
            break;
        }
      }
      switch (fn) {
        case 'count':
          return unknown ? undefined : count;
        case 'sum':
          return unknown ? undefined : sum;
        case 'min':
        case 'max':
          return unknown ? undefined : best;
        case 'any':
          return seenTrue ? true : unknown ? undefined : false;
        case 'all':
          return seenFalse ? false : unknown ? undefined : true;
      }
    };
  }

  private during(e: A.DuringExpr, traced: boolean): Fn {
    const series = this.expr(e.series, traced);
    const period = this.expr(e.period, traced);
    const seriesType = this.typeOf(e.series);
    const elementType = seriesType.kind === 'monthly' ? seriesType.element : ({ kind: 'error' } as Type);
    const convert = this.converter(elementType);
    const path = this.pathOf(e.series);
    // Month keys of the last window seen (windows are cached per clock, so this hits almost always).
    let lastWindow: C.Window | undefined;
    let keys: string[] = [];
    return (ctx) => {
      const s = series(ctx) as Record<string, unknown> | undefined;
      const w = period(ctx) as C.Window | undefined;
      if (s === undefined || w === undefined) return undefined;
      if (w !== lastWindow) {
        // The months are listed only when there are not more of them than a list may have.
        const count = C.monthCountOfWindow(w);
        if (!(count <= this.limits.maxListLength)) throw new LimitExceeded(`${path(ctx)} during a window of ${count} months; the limit is ${this.limits.maxListLength}`);
        keys = C.monthsOfWindow(w).map(C.formatMonthKey);
        lastWindow = w;
      }
      const months = keys;
      const out: unknown[] = new Array(months.length);
      for (let i = 0; i < months.length; i++) {
        const key = months[i]!;
        const raw = readOwn(s, key);
        if (raw === undefined || raw === null) {
          if (ctx.trace) ctx.trace.unknowns.push(`${path(ctx)}["${key}"]`);
          out[i] = undefined;
        } else out[i] = convert(raw, ctx, path, key);
      }
      return out;
    };
  }

  private satisfies(e: A.SatisfiesExpr, traced: boolean): Fn {
    const subject = this.expr(e.subject, traced);
    const id = e.policy.text;
    const resolver = this.options.references;
    const path = this.pathOf(e.subject);
    return (ctx) => {
      const value = subject(ctx);
      if (value === undefined) return undefined;
      const d = resolver?.decide(id, value, { asOf: ctx.options.asOf, params: ctx.options.params }, ctx.depth + 1);
      // Admission decides `satisfies`, whatever the tier: admitted but with its tier open is still admitted.
      const admitted = d?.admission ?? (d?.outcome === 'admitted' ? 'admitted' : d?.outcome === 'rejected' ? 'rejected' : 'undetermined');
      if (d === undefined || admitted === 'undetermined') {
        if (ctx.trace) ctx.trace.unknowns.push(d?.unknown.length ? d.unknown.map((u) => `${id}: ${u}`).join(', ') : `policy ${id}`);
        for (const err of d?.dataErrors ?? []) this.fail(ctx, `${path(ctx)} (${id}: ${err.path})`, err.message);
        return undefined;
      }
      for (const err of d.dataErrors) this.fail(ctx, `${path(ctx)} (${id}: ${err.path})`, err.message);
      return admitted === 'admitted';
    };
  }
}

// ---------------------------------------------------------------------------
// Helpers

const DEFAULT_KEY = Symbol('default row');

function convertDeep(raw: unknown, type: Type, path: string, zone: string, errors: DataError[], limits: RuntimeLimits): unknown {
  if (type.kind === 'table') {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ path, message: `expected a table (JSON object), got ${describeRaw(raw)}` });
      return undefined;
    }
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(raw)) {
      const converted = convertDeep(v, type.value, `${path}[${JSON.stringify(k)}]`, zone, errors, limits);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  }
  if (type.kind === 'list') {
    if (!Array.isArray(raw)) {
      errors.push({ path, message: `expected a list, got ${describeRaw(raw)}` });
      return undefined;
    }
    return raw.map((v, i) => convertDeep(v, type.element, `${path}[${i}]`, zone, errors, limits));
  }
  const v = convertValue(type, zone, limits)(raw);
  if (v instanceof ConversionFailure) {
    errors.push({ path, message: v.message });
    return undefined;
  }
  return v;
}

/** Whether an expression's value is the same on every evaluation. */
function isConstant(e: A.Expression): boolean {
  if (isLiteral(e)) return true;
  switch (e.kind) {
    case 'ListLiteral':
      return e.elements.every(isConstant);
    case 'UnaryExpr':
      return isConstant(e.operand);
    default:
      return false;
  }
}

function combineItems(mode: A.CombinatorMode, need: number, values: (boolean | undefined)[]): boolean | undefined {
  let t = 0;
  let u = 0;
  for (const v of values) {
    if (v === true) t++;
    else if (v === undefined) u++;
  }
  const n = values.length;
  switch (mode) {
    case 'all':
      return t === n ? true : t + u < n ? false : undefined;
    case 'any':
      return t > 0 ? true : u === 0 ? false : undefined;
    case 'atLeast':
      return t >= need ? true : t + u < need ? false : undefined;
  }
}

type Pick = { kind: 'decided'; rule: RuleInfo } | { kind: 'open'; candidates: RuleInfo[] } | { kind: 'none' };

/** The first rule that holds, in order; unknown rules before it leave the pick open. */
function firstHolding(rules: RuleInfo[], value: (r: RuleInfo) => boolean | undefined): Pick {
  const candidates: RuleInfo[] = [];
  for (const r of rules) {
    const always = r.rule.kind === 'DefaultTierRule' || r.rule.kind === 'OtherwiseRule';
    const v = always ? true : value(r);
    if (v === true) {
      if (candidates.length === 0) return { kind: 'decided', rule: r };
      candidates.push(r);
      return { kind: 'open', candidates };
    }
    if (v === undefined) candidates.push(r);
  }
  return candidates.length === 0 ? { kind: 'none' } : { kind: 'open', candidates };
}

function roleOf(rule: A.DecisionRule): string {
  return { AdmitRule: 'admit', ExcludeRule: 'exclude', TierRule: 'tier', OutcomeRule: 'outcome', PreferRule: 'prefer' }[
    rule.kind as 'AdmitRule'
  ];
}

function setUnknown(node: ExplanationNode, sources: string[]): void {
  if (sources.length > 0) node.unknown = unique(sources);
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}


function compareResult(op: string, c: -1 | 0 | 1): boolean {
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

function listEquals(a: unknown, b: unknown): boolean {
  const x = a as unknown[];
  const y = b as unknown[];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function addToTime(time: unknown, type: Type, dur: C.Duration, sign: 1 | -1, zone: string): unknown {
  if (type.kind === 'date') {
    const r = C.addDurationToDay(time as number, dur, sign, zone);
    return r.kind === 'date' ? r.day : r.ms;
  }
  return C.addDurationToInstant(time as number, dur, sign, zone);
}

function enumDataValue(t: EnumType, index: number): string {
  const member = t.decl.members[index];
  return member?.value?.value ?? t.members[index] ?? String(index);
}

/**
 * Generating code recurses through the policy's expressions, criteria and lets: for a chain of
 * definitions deeper than the stack (possible only with limits.maxNestingDepth raised far), the
 * policy is left to the interpreter instead of failing to load.
 */
function withinStack<T>(generate: () => T): T | undefined {
  try {
    return generate();
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

function clockOf(asOf: string, zone: string): C.Clock | undefined {
  if (typeof asOf !== 'string') return undefined;
  const day = C.parseDate(asOf);
  if (day !== undefined) return { today: day, now: C.startOfDay(day, zone), zone };
  const ms = C.parseDateTime(asOf, zone);
  if (ms === undefined) return undefined;
  return { today: C.dayOfInstant(ms, zone), now: ms, zone };
}
