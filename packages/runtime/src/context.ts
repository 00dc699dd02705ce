/**
 * The state of one evaluation, shared by the interpreter's closures, the
 * generated code and the decision assembly: the subject, the clock, params,
 * cached lets and criteria, data errors, the trace of an explanation, and
 * the step count that limits bound.
 */
import type * as C from '@bylaw/dsl/calendar';
import type { ComparisonTrace, DataError, Decision, ExplanationNode } from './decision.js';

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

/** What an explaining evaluation records as it goes. */
export interface Trace {
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

/** A closure of the interpreter: the value of an expression in a context (unknown is `undefined`). */
export type Fn = (ctx: EvalContext) => unknown;
/** A closure of the interpreter for a condition: three-valued. */
export type BoolFn = (ctx: EvalContext) => boolean | undefined;

/** Thrown inside evaluation when a limit is exceeded; turned into a data error. */
export class LimitExceeded extends Error {}

/** The shared empty list of data errors: a context holding it has met none. */
export const NO_ERRORS: DataError[] = Object.freeze([]) as unknown as DataError[];
/** The `clockAsOf` of a context without a clock: unequal to every as-of option, `undefined` included. */
export const NO_CLOCK = Symbol('no clock');

/** How many slots of each kind a policy's contexts have. */
export interface ContextSizes {
  readonly params: number;
  readonly lets: number;
  readonly criteria: number;
}

/** A fresh context for a policy in time zone `zone`; compile.ts readies it for each subject. */
export function newContext(sizes: ContextSizes, zone: string): EvalContext {
  return {
    subject: undefined,
    clock: { today: 0, now: 0, zone },
    clockAsOf: NO_CLOCK,
    params: new Array(sizes.params),
    paramFailures: new Array(sizes.params).fill(0),
    gen: 0,
    lets: new Array(sizes.lets),
    letGen: new Array(sizes.lets).fill(-1),
    letFailures: new Array(sizes.lets).fill(0),
    criteria: new Array(sizes.criteria),
    criterionGen: new Array(sizes.criteria).fill(-1),
    criterionFailures: new Array(sizes.criteria).fill(0),
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
