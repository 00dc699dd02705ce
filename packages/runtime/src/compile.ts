/**
 * The compiler: a checked policy → a compiled policy, compiled once,
 * evaluated many times.
 *
 * It puts together the parts, each in a file of its own: the interpreter's
 * closures (interpreter.ts), the params (params.ts), the decision assembly
 * (outcome.ts) and the generated code (generated.ts, codegen.ts). Generated
 * code takes the common cases: decide() through a generated entry per policy,
 * and evaluate() — plain, or explained through a flat record built into a
 * tree when read (explanation.ts) — whenever the rules decide without
 * unknowns or data errors. Everything else, and every policy built with
 * `codegen: false`, runs on the interpreter, which defines what the generated
 * code must compute.
 */
import { sha256Hex } from './sha256.js';
import type { CheckedPolicy } from '@bylaw/dsl';
import * as C from '@bylaw/dsl/calendar';
import type { DataError, Decision, PlainDecision, DecisionStamp, ExplanationNode } from './decision.js';
import { describeRaw, isPlainRecord, plainRecord } from './convert.js';
import { defaultRuntimeLimits, type RuntimeLimits } from './limits.js';
import { labelFields, truth } from './explanation.js';
import type { RulesFunction } from './codegen.js';
import { LimitExceeded, newContext, NO_CLOCK, NO_ERRORS, type EvalContext, type EvaluateOptions, type ReferenceResolver } from './context.js';
import { Interpreter, setUnknown, unique } from './interpreter.js';
import { Params } from './params.js';
import { Outcomes, plainOf, roleOf, undeterminedPlain } from './outcome.js';
import { codegenHost, FastEvaluate, generateDecide } from './generated.js';

export type { EvaluateOptions, ReferenceResolver } from './context.js';

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
  private readonly params: Params;
  private readonly interpreter: Interpreter;
  private readonly outcomes: Outcomes;
  private readonly stamp: DecisionStamp;

  constructor(
    private readonly p: CheckedPolicy,
    private readonly options: CompileOptions,
  ) {
    this.limits = { ...defaultRuntimeLimits, ...options.limits };
    this.params = new Params(p, this.limits);
    this.interpreter = new Interpreter(p, this.limits, this.params.slotOf, options.references);
    this.stamp = {
      id: p.id,
      version: p.version,
      title: p.title,
      hash: 'sha256:' + sha256Hex(p.text),
      effective: { from: p.effective.from, until: p.effective.until },
      file: p.file,
    };
    this.outcomes = new Outcomes(p, this.stamp);
    this.shared = this.newContext();
  }

  build(): CompiledPolicy {
    this.params.compileDefaults((e) => this.interpreter.expr(e, false), this.interpreter.sizes);
    for (const r of this.outcomes.rules) if (r.body) r.plain = this.interpreter.body(r.body, false);
    if (this.options.codegen !== false) {
      const host = codegenHost(this.p, this.interpreter, this.params, this.limits);
      // The generated entry decides by itself the common case (a plain record, the as-of date of the
      // previous call, no params); anything else, and any data error or limit, goes back to decide().
      const generated = generateDecide(
        host,
        this.outcomes,
        this.params.length > 0
          ? undefined
          : {
              ctx: this.shared,
              values: this.values,
              noErrors: NO_ERRORS,
              decide: (subject, options) => this.decide(subject, options),
              finish: (ctx) => this.finishDecide(ctx),
            },
      );
      this.rulesFn = generated?.fn;
      this.generatedSource = generated?.source;
      this.generatedDecide = generated?.decide;
      this.fast = new FastEvaluate(host, this.outcomes, this.rulesFn, this.newContext());
    }
    const self = this;
    return {
      checked: this.p,
      stamp: this.stamp,
      generatedSource: this.generatedSource,
      evaluate(subject: unknown, options: EvaluateOptions, depth = 0): Decision {
        return self.evaluate(subject, options, depth);
      },
      decide: this.generatedDecide ?? ((subject: unknown, options: EvaluateOptions) => self.decide(subject, options)),
    };
  }

  private rulesFn: RulesFunction<EvalContext> | undefined;
  private generatedSource: string | undefined;
  private generatedDecide: ((subject: unknown, options: EvaluateOptions) => PlainDecision) | undefined;
  /** The generated evaluate() path (none with `codegen: false`). */
  private fast: FastEvaluate | undefined;

  // ---------------------------------------------------------------- contexts

  private newContext(): EvalContext {
    return newContext({ params: this.params.length, ...this.interpreter.sizes }, this.p.timezone);
  }

  /** The one context that {@link decide} reuses: evaluation is synchronous and a policy never refers to itself. */
  private readonly shared: EvalContext;

  /** Reset a context for a new subject; false when the as-of date is not a date. */
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
    if (asOf === ctx.clockAsOf && this.params.length === 0 && isPlainRecord(subject)) return true;
    const clock = asOf === this.lastAsOf ? this.lastClock : this.clockFor(asOf);
    if (!clock) {
      ctx.clockAsOf = NO_CLOCK;
      return false;
    }
    ctx.clock = clock;
    ctx.clockAsOf = asOf;
    this.params.read(ctx, options.params, (c, path, message) => this.interpreter.fail(c, path, message));
    if (subject === null || typeof subject !== 'object' || Array.isArray(subject)) {
      ctx.subject = undefined;
      this.interpreter.fail(ctx, this.p.subject.name, `expected a record (JSON object), got ${describeRaw(subject)}`);
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

  // ---------------------------------------------------------------- decisions

  private readonly values: (boolean | undefined)[] = [];

  /** The plain decision: outcome and tier, nothing built that was not asked for. */
  decide(subject: unknown, options: EvaluateOptions): PlainDecision {
    const ctx = this.shared;
    if (!this.begin(ctx, subject, options, 0)) return undeterminedPlain([asOfError(options.asOf)]);
    const values = this.values;
    const bodies = this.outcomes.bodies;
    try {
      // The generated code assumes a record subject; anything else goes through the interpreter.
      if (this.rulesFn && ctx.subject !== undefined) {
        const decided = this.rulesFn(ctx, values) as PlainDecision | undefined;
        if (decided !== undefined && ctx.errors === NO_ERRORS) return decided;
      } else for (let i = 0; i < bodies.length; i++) values[i] = bodies[i]!.plain!(ctx);
    } catch (e) {
      if (!(e instanceof LimitExceeded)) throw e;
      return undeterminedPlain([...ctx.errors, { path: this.p.subject.name, message: e.message }]);
    }
    return this.finishDecide(ctx);
  }

  /** The plain decision from the rules' values (in {@link values}) when the generated epilogue could not tell. */
  private finishDecide(ctx: EvalContext): PlainDecision {
    const values = this.values;
    const core = this.outcomes.quickCore(values) ?? this.outcomes.core(values);
    // Without data errors the plain decision depends on the outcome alone: share one frozen object.
    if (ctx.errors === NO_ERRORS && core.plain) return core.plain;
    return plainOf(core, ctx.errors);
  }

  evaluate(subject: unknown, options: EvaluateOptions, depth: number): Decision {
    const fast = this.fast?.evaluate(subject, options, depth, options.explain === true, (c, s, o, d) => this.begin(c, s, o, d));
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
    const bodies = this.outcomes.bodies;
    if (explain) {
      ctx.trace = { unknowns: [], stack: [], criterionNodes: new Map(), latest: new Map(), comparisons, lets: new Map() };
      ctx.errorPaths = new Set(ctx.errors.map((e) => e.path));
      for (const r of bodies) r.traced ??= this.interpreter.body(r.body!, true);
    }
    const values: (boolean | undefined)[] = new Array(bodies.length);
    const unknowns: string[][] = new Array(bodies.length);
    const nodes: ExplanationNode[] = [];
    try {
      if (!ctx.trace && this.rulesFn && ctx.subject !== undefined) this.rulesFn(ctx, values);
      else for (let i = 0; i < bodies.length; i++) {
        const r = bodies[i]!;
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
    const outcomes = this.outcomes;
    const core = outcomes.core(values);
    const relevant = core.unknownRules.flatMap((r) => unknowns[r.index] ?? []);
    const outcome = core.outcome;
    const benefits = outcomes.benefitsOf(core);
    const outcomeRule = outcomes.outcomeRules.find((r) => r.labelled!.id === outcome);
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
      priorities: outcomes.preferRules.map((r) => ({ ...r.labelled!, met: truth(values[r.index]) })),
      benefits,
      unknown: outcome === 'undetermined' ? unique(relevant) : [],
      dataErrors: ctx.errors === NO_ERRORS ? [] : ctx.errors,
      ...(ctx.trace ? { explanation: nodes } : {}),
    };
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
