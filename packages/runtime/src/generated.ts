/**
 * The bridge between a compiled policy and its generated code (codegen.ts):
 * what the generator may ask of the interpreter (closures, slots, data
 * checks, limits), the plain decision path it generates, and the explaining
 * fast path — evaluate() of a record whose rules decide without unknowns or
 * data errors, its explanation recorded flat and built when first read
 * (explanation.ts). Everything else goes back to the interpreter.
 */
import type { CheckedPolicy } from '@bylaw/dsl';
import type { Decision, PlainDecision } from './decision.js';
import { convertValue } from './convert.js';
import type { RuntimeLimits } from './limits.js';
import { labelFields, lazyExplanation, truth } from './explanation.js';
import { generateExplainer, generateRules, type CodegenHost, type DecideEntry, type RulesFunction } from './codegen.js';
import { LimitExceeded, NO_ERRORS, type EvalContext, type EvaluateOptions } from './context.js';
import type { Interpreter } from './interpreter.js';
import type { Params } from './params.js';
import { roleOf, type Outcomes } from './outcome.js';

/** What the generator may ask of the interpreter it accelerates. */
export function codegenHost(p: CheckedPolicy, interpreter: Interpreter, params: Params, limits: RuntimeLimits): CodegenHost<EvalContext> {
  return {
    policy: p,
    closure: (e) => interpreter.expr(e, false),
    letSlot: (d) => interpreter.letSlot(d),
    criterionSlot: (d) => interpreter.criterionSlot(d),
    paramSlot: (name) => params.slotOf.get(name)!,
    converter: (type) => convertValue(type, p.timezone, limits),
    fail: (ctx, path, message) => interpreter.fail(ctx, path, message),
    isRawData: (e) => interpreter.isRawData(e),
    maxStringLength: limits.maxStringLength,
    maxListLength: limits.maxListLength,
    maxSteps: limits.maxSteps,
    textOf: (e) => interpreter.textOf(e),
    limitExceeded: (message) => {
      throw new LimitExceeded(message);
    },
    variableSlot: (e) => interpreter.variableSlot(e),
  };
}

/** The generated plain path: the rules function, and a decide() entry of its own when the policy has no params. */
export interface GeneratedDecide {
  readonly fn: RulesFunction<EvalContext>;
  readonly source: string;
  readonly decide?: (subject: unknown, options: EvaluateOptions) => PlainDecision;
}

/**
 * Generate the plain path. The generated entry decides by itself the common case (a plain record,
 * the as-of date of the previous call, no params); anything else, and any data error or limit, goes
 * back to `entry.decide`. Undefined when the policy is left to the interpreter.
 */
export function generateDecide(host: CodegenHost<EvalContext>, outcomes: Outcomes, entry: DecideEntry<EvalContext> | undefined): GeneratedDecide | undefined {
  const generated = withinStack(() => generateRules(host, outcomes.bodies.map((r) => r.body!), (k) => outcomes.quickEpilogue(k), entry));
  // The generated entry returns what the epilogue and `entry` give it: plain decisions.
  return generated as GeneratedDecide | undefined;
}

/** The generated explaining path of a policy, made on first use. */
export class FastEvaluate {
  /** The generated explaining path; null when the policy has none (the interpreter explains). */
  private explainer: ReturnType<typeof generateExplainer<EvalContext>> | null | undefined;
  private readonly values: (boolean | undefined)[] = [];

  constructor(
    private readonly host: CodegenHost<EvalContext>,
    private readonly outcomes: Outcomes,
    private readonly rulesFn: RulesFunction<EvalContext> | undefined,
    /** The context of this path: evaluation is synchronous and a policy never refers to itself. */
    private readonly ctx: EvalContext,
  ) {}

  private explainerOf(): ReturnType<typeof generateExplainer<EvalContext>> | null {
    if (this.explainer !== undefined) return this.explainer;
    const rules = this.outcomes.bodies.map((r) => ({ body: r.body!, role: roleOf(r.rule), fields: r.labelled ? labelFields(r.labelled) : undefined }));
    return (this.explainer = withinStack(() => generateExplainer(this.host, rules, (k) => this.outcomes.quickEpilogue(k))) ?? null);
  }

  /**
   * The common case of evaluate() by generated code: a record subject whose rules decide the
   * outcome without unknowns or data errors. The explanation is recorded flat and built when
   * first read. Undefined for everything else, which the interpreter's run() does. `begin`
   * readies the context for the subject (false when the as-of date is not a date).
   */
  evaluate(
    subject: unknown,
    options: EvaluateOptions,
    depth: number,
    explain: boolean,
    begin: (ctx: EvalContext, subject: unknown, options: EvaluateOptions, depth: number) => boolean,
  ): Decision | undefined {
    const explainer = explain ? this.explainerOf() : undefined;
    if (explain ? !explainer : !this.rulesFn) return undefined;
    const ctx = this.ctx;
    if (!begin(ctx, subject, options, depth) || ctx.subject === undefined || ctx.errors !== NO_ERRORS) return undefined;
    const values = this.values;
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
    const maker = this.outcomes.makers.get(plain as PlainDecision);
    if (!maker) return undefined;
    const preferRules = this.outcomes.preferRules;
    const priorities = preferRules.length === 0 ? [] : preferRules.map((r) => ({ ...r.labelled!, met: truth(values[r.index]) }));
    if (!explainer) return maker.plain(options.asOf, priorities);
    return maker.explained(options.asOf, priorities, lazyExplanation(explainer.build, record!));
  }
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
