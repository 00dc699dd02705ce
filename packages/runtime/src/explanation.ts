/**
 * Explanations: how a decision's explanation tree reads, and how it is built
 * from the record that generated explaining code fills.
 *
 * The generated explaining function (codegen.ts, explain mode) does not build
 * the tree: it stores each node's truth value and each comparison's operands
 * in a flat array, at slots fixed when the code was generated, described by
 * the templates here. The tree is made from that record by a builder
 * generated from the templates (codegen.ts, `generateMaterializer`) only when
 * the explanation is read, with the same nodes, texts and wording as the
 * interpreter's traced closures (interpreter.ts) make directly; the tests check
 * the two agree.
 *
 * Also here, for the same fast path: the decision objects that carry such an
 * explanation ({@link decisionMaker}) and the array that builds it when read
 * ({@link lazyExplanation}).
 */
import type * as A from '@bylaw/dsl';
import { binaryOperator, type BinaryOverload, type Type } from '@bylaw/dsl';
import * as D from '@bylaw/dsl/decimal';
import * as C from '@bylaw/dsl/calendar';
import { describeRaw } from './convert.js';
import type { ComparisonTrace, Decision, DecisionStamp, ExplanationNode, Labelled, Truth } from './decision.js';

/** The label fields of a node, present only when given. */
export type LabelFields = { id: string; label?: string; cites?: string };

/** The id, label and citation of a heading (a criterion, an item, a rule). */
export function labelled(h: A.Heading): Labelled {
  return { id: h.id.name, label: h.label?.value, cites: h.cites?.value };
}

/** A three-valued truth from a boolean or undefined. */
export function truth(v: boolean | undefined | unknown): Truth {
  return v === true ? true : v === false ? false : 'unknown';
}

/** A node's label fields from a heading's, without the ones not given. */
export function labelFields(l: Labelled): LabelFields {
  return { id: l.id, ...(l.label !== undefined ? { label: l.label } : {}), ...(l.cites !== undefined ? { cites: l.cites } : {}) };
}

/** A value as a person reads it: `9,000,000`, `2023-07-17`, `L3`. */
export function display(v: unknown, t: Type, zone: string): string {
  return displayer(t, zone)(v);
}

/** Shows values of one type (see {@link display}); made once per comparison, so each stays specialised. */
export type Displayer = (v: unknown) => string;

/** The {@link Displayer} for values of a type. */
export function displayer(t: Type, zone: string): Displayer {
  // The elements of a list from data are shown as they are, unchecked: briefly, and never by
  // String(), which recurses through nested arrays (`[[[…]]]` 10,000 deep overflows the stack).
  switch (t.kind) {
    case 'number':
      return (v) => (v === undefined ? '?' : typeof v === 'number' ? formatNumber(v) : asIs(v));
    case 'date':
      return (v) => (v === undefined ? '?' : typeof v === 'number' ? C.formatDate(v) : asIs(v));
    case 'datetime':
      return (v) => (v === undefined ? '?' : typeof v === 'number' ? C.formatDateTime(v, zone) : asIs(v));
    case 'enum':
      return (v) => (v === undefined ? '?' : typeof v === 'number' ? (t.members[v] ?? String(v)) : asIs(v));
    case 'string':
      return (v) => (v === undefined ? '?' : typeof v === 'string' ? quote(v) : asIs(v));
    case 'duration':
      return (v) => {
        if (v === undefined) return '?';
        const d = v as C.Duration;
        const parts = [d.months && `${d.months} months`, d.days && `${d.days} days`, d.ms && `${d.ms / 3_600_000} hours`].filter(Boolean);
        return parts.join(' ') || '0 days';
      };
    case 'period':
      return (v) => {
        if (v === undefined) return '?';
        const w = v as C.Window;
        return `${C.formatDate(w.startDay)}..${C.formatDate(w.endDay)}`;
      };
    case 'list': {
      const element = displayer(t.element, zone);
      return (v) => {
        if (v === undefined) return '?';
        if (!Array.isArray(v)) return '[…]';
        let out = '[';
        const n = Math.min(v.length, 5);
        for (let i = 0; i < n; i++) out += (i > 0 ? ', ' : '') + element(v[i]);
        return out + (v.length > 5 ? ', …]' : ']');
      };
    }
    case 'record': {
      const text = `(${t.name})`;
      return (v) => (v === undefined ? '?' : text);
    }
    default:
      return (v) => (v === undefined ? '?' : typeof v === 'object' && v !== null ? describeRaw(v) : String(v));
  }
}

/** A string as a JSON string literal (what `JSON.stringify` gives, without its cost for plain text). */
function quote(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(v);
  }
  return '"' + v + '"';
}

function asIs(v: unknown): string {
  return typeof v === 'string' ? (v.length > 40 ? v.slice(0, 40) + '…' : v) : describeRaw(v);
}

/** `9000000` → `9,000,000` (exact, keeping decimals). */
export function formatNumber(n: number): string {
  // Integers, the common case, without the decimal formatter or a regular expression.
  if (Number.isSafeInteger(n)) {
    const digits = String(n < 0 ? -n : n);
    let out = digits.length > 3 ? '' : digits;
    if (digits.length > 3) {
      const head = digits.length % 3 || 3;
      out = digits.slice(0, head);
      for (let i = head; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
    }
    return n < 0 ? '-' + out : out;
  }
  const text = D.formatDecimal(n);
  const [int, frac] = text.split('.');
  const sign = int!.startsWith('-') ? '-' : '';
  const digits = sign ? int!.slice(1) : int!;
  const grouped = digits.length > 3 && !digits.includes('e') ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : digits;
  return sign + grouped + (frac ? '.' + frac : '');
}

/** Whether explanations record an operator's uses: the tests (`=`, `<`, `in` …), not arithmetic nor `and`/`or`. */
export function isComparison(op: A.BinaryOperator): boolean {
  return binaryOperator(op).category === 'test';
}

/** How many comparisons one condition records in an explanation; the rest are counted. */
export const MAX_RECORDED_COMPARISONS = 20;

/** How far the left side of a failed comparison is from passing, in words: its overload's `shortfall`. */
export type Shortfall = BinaryOverload['shortfall'];

/** One comparison as an explanation shows it. */
export function comparisonTrace(text: string, op: A.BinaryOperator, a: unknown, b: unknown, v: unknown, shortfall: Shortfall, showLeft: Displayer, showRight: Displayer): ComparisonTrace {
  const c: { -readonly [K in keyof ComparisonTrace]: ComparisonTrace[K] } = {
    text,
    operator: op,
    left: showLeft(a),
    right: showRight(b),
    result: truth(v as boolean | undefined),
  };
  if (v === false && shortfall) {
    const gap = shortfall(a, b, formatNumber);
    if (gap !== undefined) c.shortfall = gap;
  }
  return c;
}

/**
 * Add a comparison to a condition node: the first {@link MAX_RECORDED_COMPARISONS} − 1 are
 * kept, then always the latest one (the outermost, which completes last), and the ones
 * between only counted. The interpreter's traced comparisons (interpreter.ts) keep the same ones,
 * making the text of a latest one only when the condition ends.
 */
export function addComparison(node: ExplanationNode, c: ComparisonTrace): void {
  const list = node.comparisons!;
  if (list.length >= MAX_RECORDED_COMPARISONS) {
    list.pop();
    node.omittedComparisons = (node.omittedComparisons ?? 0) + 1;
  }
  list.push(c);
}

// ------------------------------------------------------------ the record

/**
 * Where generated explaining code records a node or comparison, and what the node
 * shows. A slot holds a node's value (true or false); a comparison has three slots
 * (left, right, result). A slot left empty means the code never got there
 * (a side of `and`/`or` not needed, a branch of `if` not taken).
 */
export type ExplainTemplate =
  | { readonly kind: 'group'; readonly mode: 'all' | 'any' | 'atLeast'; readonly count: number | undefined; readonly slot: number; readonly children: readonly ExplainTemplate[] }
  | { readonly kind: 'item'; readonly fields: LabelFields; readonly slot: number; readonly child: ExplainTemplate }
  | { readonly kind: 'condition'; readonly text: string; readonly slot: number; readonly parts: readonly ConditionPart[] }
  | { readonly kind: 'criterion'; readonly slot: number; readonly criterion: CriterionTemplate };

/** What a condition shows: its comparisons, and the criteria it refers to, in evaluation order. */
export type ConditionPart =
  | {
      readonly kind: 'comparison';
      readonly text: string;
      readonly operator: A.BinaryOperator;
      readonly shortfall: Shortfall;
      readonly showLeft: Displayer;
      readonly showRight: Displayer;
      readonly slot: number;
    }
  | { readonly kind: 'criterion'; readonly slot: number; readonly criterion: CriterionTemplate };

/** A criterion: one node per decision, however many places refer to it. */
export interface CriterionTemplate {
  readonly index: number;
  readonly fields: LabelFields;
  /** The slot of its value (its body's); set once its body is generated. */
  slot: number;
  child: ExplainTemplate | undefined;
}

/** A rule of the decide block. */
export interface RuleTemplate {
  readonly role: string;
  readonly fields: LabelFields | undefined;
  readonly slot: number;
  readonly child: ExplainTemplate;
}

// ---------------------------------------------------------- decisions

/** Makes the full decisions of one determined outcome: only the date, priorities and explanation vary. */
export interface DecisionMaker {
  plain(asOf: string, priorities: Decision['priorities']): Decision;
  explained(asOf: string, priorities: Decision['priorities'], explanation: readonly ExplanationNode[]): Decision;
}

const FIXED_FIELDS = new Set(['outcome', 'admission', 'tier', 'outcomeLabel', 'vetoedBy', 'reason']);
const EMPTY: readonly never[] = Object.freeze([]);

/**
 * A maker of decisions with the given fixed fields, as object literals with their keys in the
 * interpreter's order (so JSON output does not depend on the path taken). The generated source
 * holds only these field names; every value is read from the array `V`.
 */
export function decisionMaker(policy: DecisionStamp, fixed: readonly (readonly [string, unknown])[], benefits: readonly Labelled[]): DecisionMaker {
  for (const [key] of fixed) if (!FIXED_FIELDS.has(key)) throw new Error(`not a fixed decision field: ${key}`);
  const V = [policy, ...fixed.map(([, value]) => value), benefits];
  const n = fixed.length;
  const fields = [
    'policy: V[0]',
    'asOf: asOf',
    ...fixed.map(([key], i) => `${key}: V[${i + 1}]`),
    'priorities: priorities',
    // Fresh arrays, as the interpreter gives: a caller may add to a decision's lists.
    benefits.length === 0 ? 'benefits: []' : `benefits: V[${n + 1}].slice()`,
    'unknown: []',
    'dataErrors: []',
  ].join(', ');
  const source = [
    '"use strict";',
    'return {',
    `  plain(asOf, priorities) { return { ${fields} }; },`,
    `  explained(asOf, priorities, explanation) { return { ${fields}, explanation: explanation }; },`,
    '};',
  ].join('\n');
  return new Function('V', source)(V) as DecisionMaker;
}

// ------------------------------------------------- explanations built on read

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Node's console and util.inspect print a proxy's target without going through its traps; on a
 * target not yet built they find this, and call it with the proxy as `this`: iterating the
 * proxy goes through the traps, which build.
 */
function inspectExplanation(this: readonly ExplanationNode[]): ExplanationNode[] {
  return [...this];
}

/**
 * The traps of one lazy explanation: every operation but asking for the prototype first builds
 * the nodes into the target (a plain array), then acts on it. The record is kept until the nodes
 * are in, so a failed build is tried again rather than leaving the array empty.
 */
class LazyExplanation implements ProxyHandler<ExplanationNode[]> {
  private make: ((record: readonly unknown[]) => ExplanationNode[]) | undefined;

  constructor(
    make: (record: readonly unknown[]) => ExplanationNode[],
    private record: readonly unknown[],
  ) {
    this.make = make;
  }

  private build(target: ExplanationNode[]): ExplanationNode[] {
    const make = this.make;
    if (make) {
      const nodes = make(this.record);
      for (const node of nodes) target.push(node);
      this.make = undefined;
      this.record = EMPTY;
      // Built: printing the target shows the nodes themselves.
      delete (target as unknown as Record<symbol, unknown>)[INSPECT];
    }
    return target;
  }

  get(t: ExplanationNode[], key: string | symbol) {
    return Reflect.get(this.build(t), key);
  }
  has(t: ExplanationNode[], key: string | symbol) {
    return Reflect.has(this.build(t), key);
  }
  ownKeys(t: ExplanationNode[]) {
    return Reflect.ownKeys(this.build(t));
  }
  getOwnPropertyDescriptor(t: ExplanationNode[], key: string | symbol) {
    return Reflect.getOwnPropertyDescriptor(this.build(t), key);
  }
  set(t: ExplanationNode[], key: string | symbol, value: unknown) {
    return Reflect.set(this.build(t), key, value);
  }
  deleteProperty(t: ExplanationNode[], key: string | symbol) {
    return Reflect.deleteProperty(this.build(t), key);
  }
  defineProperty(t: ExplanationNode[], key: string | symbol, d: PropertyDescriptor) {
    return Reflect.defineProperty(this.build(t), key, d);
  }
  // Freezing or sealing builds first, so the frozen array holds the nodes.
  preventExtensions(t: ExplanationNode[]) {
    return Reflect.preventExtensions(this.build(t));
  }
}

/**
 * An explanation array whose nodes are built from a record when it is first read (indexed,
 * iterated, measured, serialised, printed, compared, frozen), then kept. Its target is a plain
 * array, so it is an array to every reader (`Array.isArray`, its prototype and constructor,
 * JSON, spreading, deep equality). Only structured cloning (`postMessage`) refuses it, like any
 * proxy: copy it first (`[...decision.explanation]`).
 */
export function lazyExplanation(make: (record: readonly unknown[]) => ExplanationNode[], record: readonly unknown[]): readonly ExplanationNode[] {
  const target: ExplanationNode[] = [];
  (target as unknown as Record<symbol, unknown>)[INSPECT] = inspectExplanation;
  return new Proxy(target, new LazyExplanation(make, record));
}
