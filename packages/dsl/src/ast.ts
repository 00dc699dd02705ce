/**
 * The Bylaw abstract syntax tree.
 *
 * These types are the contract between the parser and everything after it
 * (checker, runtime, formatter, differ). Every node has a `kind` tag and a
 * `span` of UTF-16 offsets into the source, with an exclusive end.
 *
 * @module
 */
import type { binaryOperators, unaryOperators } from './constructs/operators.js';
import type { aggregations } from './constructs/aggregations.js';

/** A half-open range `[start, end)` of UTF-16 code-unit offsets into a source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Fields every AST node has. */
export interface NodeBase {
  readonly span: Span;
}

/** A name as written, with its own span (used for ids, fields, types). */
export interface Identifier extends NodeBase {
  readonly kind: 'Identifier';
  readonly name: string;
}

/** A dotted name such as `kuaishou.mall.product`; used for policy ids. */
export interface QualifiedName extends NodeBase {
  readonly kind: 'QualifiedName';
  readonly parts: readonly Identifier[];
  /** The parts joined with `.`. */
  readonly text: string;
}

/** A `//` or `/* … *\/` comment, kept for the formatter. */
export interface Comment extends NodeBase {
  readonly kind: 'Comment';
  /** The comment text including its delimiters. */
  readonly text: string;
  readonly block: boolean;
}

// ---------------------------------------------------------------------------
// Files

/**
 * A parsed `.policy` file. A file with a `policy` header is a policy; a file
 * without one is a library of types and definitions that policies `import`.
 */
export interface SourceFile extends NodeBase {
  readonly kind: 'SourceFile';
  readonly header: PolicyHeader | undefined;
  readonly imports: readonly ImportDecl[];
  readonly declarations: readonly Declaration[];
  /** Every comment in the file, in source order. */
  readonly comments: readonly Comment[];
}

/**
 * `policy <id> "<title>"` followed by its version, dates and source.
 *
 * ```
 * policy yanxuan.joint_operation "1688严选联营商家管理规范"
 *   version "2023.1"
 *   published 2023-07-28
 *   effective 2023-08-04
 *   source "1688严选联营商家管理规范 (2023-07-28)"
 * ```
 */
export interface PolicyHeader extends NodeBase {
  readonly kind: 'PolicyHeader';
  readonly id: QualifiedName;
  readonly title: StringLiteral | undefined;
  readonly items: readonly HeaderItem[];
}

/** One line of a policy header. */
export type HeaderItem =
  | { readonly kind: 'VersionItem'; readonly span: Span; readonly value: StringLiteral }
  | { readonly kind: 'PublishedItem'; readonly span: Span; readonly value: DateLiteral }
  | {
      readonly kind: 'EffectiveItem';
      readonly span: Span;
      readonly from: DateLiteral;
      readonly until: DateLiteral | undefined;
    }
  | { readonly kind: 'SourceItem'; readonly span: Span; readonly value: StringLiteral }
  | { readonly kind: 'TimezoneItem'; readonly span: Span; readonly value: StringLiteral }
  | { readonly kind: 'NoteItem'; readonly span: Span; readonly value: StringLiteral };

/** `import "./types.policy"`: bring another file's types and definitions into scope. */
export interface ImportDecl extends NodeBase {
  readonly kind: 'ImportDecl';
  readonly path: StringLiteral;
}

/** Anything that may appear at the top level after the header and imports. */
export type Declaration =
  | SubjectDecl
  | RecordTypeDecl
  | EnumDecl
  | LetDecl
  | ParamDecl
  | PlaceholderDecl
  | TableDecl
  | CriterionDecl
  | DecideBlock;

/** `subject merchant: Merchant`: the name and type of the data a policy judges. */
export interface SubjectDecl extends NodeBase {
  readonly kind: 'SubjectDecl';
  readonly name: Identifier;
  readonly type: TypeRef;
}

// ---------------------------------------------------------------------------
// Types

/**
 * `type Merchant { level: Level  name?: string  banned: bool = false }`.
 * A `?` marks an optional field (absent means unknown); `= value` states what
 * absence means instead.
 */
export interface RecordTypeDecl extends NodeBase {
  readonly kind: 'RecordTypeDecl';
  readonly name: Identifier;
  readonly label: StringLiteral | undefined;
  readonly fields: readonly FieldDecl[];
}

/** One field of a record type. */
export interface FieldDecl extends NodeBase {
  readonly kind: 'FieldDecl';
  readonly name: Identifier;
  readonly optional: boolean;
  readonly type: TypeRef;
  /** What absence of the field means; `undefined` = unknown. */
  readonly defaultValue: Expression | undefined;
  readonly label: StringLiteral | undefined;
}

/**
 * `enum Level { L1 < L2 < L3 }` (ordered) or `enum Category { apparel "服饰/鞋靴", sports }`
 * (unordered). A member's string is the value it has in data and its label.
 */
export interface EnumDecl extends NodeBase {
  readonly kind: 'EnumDecl';
  readonly name: Identifier;
  readonly label: StringLiteral | undefined;
  readonly ordered: boolean;
  readonly members: readonly EnumMember[];
}

/** One member of an enum. */
export interface EnumMember extends NodeBase {
  readonly kind: 'EnumMember';
  readonly name: Identifier;
  readonly value: StringLiteral | undefined;
}

/** A type as written in a field, parameter or subject declaration. */
export type TypeRef = PrimitiveTypeRef | NamedTypeRef | ListTypeRef | MonthlyTypeRef | TableTypeRef;

/** The built-in scalar types. */
export type PrimitiveTypeName = 'bool' | 'number' | 'string' | 'date' | 'datetime' | 'duration';

/** `bool`, `number`, `string`, `date`, `datetime`, `duration`. */
export interface PrimitiveTypeRef extends NodeBase {
  readonly kind: 'PrimitiveType';
  readonly name: PrimitiveTypeName;
}

/** A reference to a declared record or enum type. */
export interface NamedTypeRef extends NodeBase {
  readonly kind: 'NamedType';
  readonly name: Identifier;
}

/** `list of T`. */
export interface ListTypeRef extends NodeBase {
  readonly kind: 'ListType';
  readonly element: TypeRef;
}

/** `monthly T`: a series with one value per natural month, keyed `"YYYY-MM"` in data. */
export interface MonthlyTypeRef extends NodeBase {
  readonly kind: 'MonthlyType';
  readonly element: TypeRef;
}

/** `table K -> V`: a lookup table (only for parameters and placeholders). */
export interface TableTypeRef extends NodeBase {
  readonly kind: 'TableType';
  readonly key: TypeRef;
  readonly value: TypeRef;
}

// ---------------------------------------------------------------------------
// Definitions

/** `let name "label" = expr`: a named definition. */
export interface LetDecl extends NodeBase {
  readonly kind: 'LetDecl';
  readonly name: Identifier;
  readonly label: StringLiteral | undefined;
  readonly value: Expression;
}

/** `param name "label": T = expr`: a value the text gives, which a caller may override. */
export interface ParamDecl extends NodeBase {
  readonly kind: 'ParamDecl';
  readonly name: Identifier;
  readonly label: StringLiteral | undefined;
  readonly type: TypeRef;
  readonly value: Expression;
}

/**
 * `placeholder name "label": T`: a value the source text does not give. It
 * has no value unless the caller supplies one; what depends on it is unknown.
 */
export interface PlaceholderDecl extends NodeBase {
  readonly kind: 'PlaceholderDecl';
  readonly name: Identifier;
  readonly label: StringLiteral | undefined;
  readonly type: TypeRef;
}

/** `table name "label": K -> V { key: value … default: value }`. */
export interface TableDecl extends NodeBase {
  readonly kind: 'TableDecl';
  readonly name: Identifier;
  readonly label: StringLiteral | undefined;
  readonly keyType: TypeRef;
  readonly valueType: TypeRef;
  readonly entries: readonly TableEntry[];
  readonly defaultValue: Expression | undefined;
}

/** One row of a table: the key is an enum member name or a string. */
export interface TableEntry extends NodeBase {
  readonly kind: 'TableEntry';
  readonly key: Identifier | StringLiteral;
  readonly value: Expression;
}

// ---------------------------------------------------------------------------
// Criteria

/** The id, label and clause citation shared by criteria, tiers, exclusions … */
export interface Heading {
  readonly id: Identifier;
  readonly label: StringLiteral | undefined;
  readonly cites: StringLiteral | undefined;
}

/** `criterion id "label" cites "2.1.1": body`. */
export interface CriterionDecl extends NodeBase, Heading {
  readonly kind: 'CriterionDecl';
  readonly body: CriterionBody;
}

/** A criterion's body: a boolean expression or a composition of items. */
export type CriterionBody = Expression | Combinator;

/** How a combinator joins its items. */
export type CombinatorMode = 'all' | 'any' | 'atLeast';

/** `all of { … }`, `any of { … }`, `at least N of { … }`. */
export interface Combinator extends NodeBase {
  readonly kind: 'Combinator';
  readonly mode: CombinatorMode;
  /** For `at least N of`, N; otherwise undefined. */
  readonly count: NumberLiteral | undefined;
  readonly items: readonly CriterionItem[];
}

/** One item in a combinator, optionally named: `id "label" cites "x": body`. */
export interface CriterionItem extends NodeBase {
  readonly kind: 'CriterionItem';
  readonly id: Identifier | undefined;
  readonly label: StringLiteral | undefined;
  readonly cites: StringLiteral | undefined;
  readonly body: CriterionBody;
}

// ---------------------------------------------------------------------------
// Outcomes

/**
 * `decide { … }`: how criteria become a decision. Either admission
 * (`admit when`, `exclude`, `tier`, `prefer`, `benefit`) or custom outcomes
 * (`outcome`, `otherwise outcome`), with exclusions, priorities and benefits
 * allowed in both.
 */
export interface DecideBlock extends NodeBase {
  readonly kind: 'DecideBlock';
  readonly rules: readonly DecisionRule[];
}

/** One line of a `decide` block. */
export type DecisionRule =
  | AdmitRule
  | ExcludeRule
  | TierRule
  | DefaultTierRule
  | OutcomeRule
  | OtherwiseRule
  | PreferRule
  | BenefitRule;

/** `admit when body`: the subject is admitted iff the body holds (and nothing vetoes it). */
export interface AdmitRule extends NodeBase {
  readonly kind: 'AdmitRule';
  readonly body: CriterionBody;
}

/** `exclude id "label" cites "x": body`: vetoes admission whenever the body holds. */
export interface ExcludeRule extends NodeBase, Heading {
  readonly kind: 'ExcludeRule';
  readonly body: CriterionBody;
}

/** `tier id "label" cites "x": body`: ordered best first; the first that holds wins. */
export interface TierRule extends NodeBase, Heading {
  readonly kind: 'TierRule';
  readonly body: CriterionBody;
}

/** `default tier id "label"`: the tier of an admitted subject that reaches no other. */
export interface DefaultTierRule extends NodeBase, Heading {
  readonly kind: 'DefaultTierRule';
}

/** `outcome id "label" cites "x": body`: a custom outcome value; the first that holds wins. */
export interface OutcomeRule extends NodeBase, Heading {
  readonly kind: 'OutcomeRule';
  readonly body: CriterionBody;
}

/** `otherwise outcome id "label"`: the outcome when no other holds (or when vetoed). */
export interface OtherwiseRule extends NodeBase, Heading {
  readonly kind: 'OtherwiseRule';
}

/** `prefer id "label": body`: a soft priority condition; reported, never excludes. */
export interface PreferRule extends NodeBase, Heading {
  readonly kind: 'PreferRule';
  readonly body: CriterionBody;
}

/** `benefit id "label" for silver, gold`: granted with those tiers or outcomes (default: on admission). */
export interface BenefitRule extends NodeBase, Heading {
  readonly kind: 'BenefitRule';
  readonly grantedTo: readonly Identifier[];
}

// ---------------------------------------------------------------------------
// Expressions

/** Any expression. */
export type Expression =
  | NumberLiteral
  | StringLiteral
  | BoolLiteral
  | DateLiteral
  | DateTimeLiteral
  | DurationLiteral
  | ListLiteral
  | NameRef
  | TodayRef
  | NowRef
  | MemberAccess
  | IndexAccess
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | AggregateExpr
  | PeriodExpr
  | DuringExpr
  | SatisfiesExpr
  | PresenceExpr;

/**
 * A number as written: `1000`, `9_000_000`, `900万`, `2.5亿`, `10%`.
 * `value` is its exact decimal value as a string (`"9000000"`, `"0.1"`).
 */
export interface NumberLiteral extends NodeBase {
  readonly kind: 'NumberLiteral';
  readonly raw: string;
  readonly value: string;
}

/** `"text"` with JSON-style escapes; `value` is the unescaped text. */
export interface StringLiteral extends NodeBase {
  readonly kind: 'StringLiteral';
  readonly raw: string;
  readonly value: string;
}

/** `true` or `false`. */
export interface BoolLiteral extends NodeBase {
  readonly kind: 'BoolLiteral';
  readonly value: boolean;
}

/** `2023-07-17`: a civil date. */
export interface DateLiteral extends NodeBase {
  readonly kind: 'DateLiteral';
  readonly raw: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** `2023-07-17T10:00` or with an offset `2023-07-17T10:00+08:00`. */
export interface DateTimeLiteral extends NodeBase {
  readonly kind: 'DateTimeLiteral';
  readonly raw: string;
}

/** Calendar units for durations and windows. */
export type TimeUnit = 'hour' | 'day' | 'month' | 'year';

/** `24 hours`, `30 days`, `1 year`, `3 natural months`. */
export interface DurationLiteral extends NodeBase {
  readonly kind: 'DurationLiteral';
  readonly amount: NumberLiteral;
  readonly unit: TimeUnit;
  readonly natural: boolean;
}

/** `["a", "b"]`. */
export interface ListLiteral extends NodeBase {
  readonly kind: 'ListLiteral';
  readonly elements: readonly Expression[];
}

/** A bare name: the subject, a definition, a criterion, an enum member, a bound variable. */
export interface NameRef extends NodeBase {
  readonly kind: 'NameRef';
  readonly name: string;
}

/** `today`: the evaluation date in the policy's time zone. */
export interface TodayRef extends NodeBase {
  readonly kind: 'TodayRef';
}

/** `now`: the evaluation instant. */
export interface NowRef extends NodeBase {
  readonly kind: 'NowRef';
}

/** `object.field`. */
export interface MemberAccess extends NodeBase {
  readonly kind: 'MemberAccess';
  readonly object: Expression;
  readonly member: Identifier;
}

/** `table[key]` or `list[index]`. */
export interface IndexAccess extends NodeBase {
  readonly kind: 'IndexAccess';
  readonly object: Expression;
  readonly index: Expression;
}

/** Prefix operators: `not` and `-`, one declaration each in constructs/operators.ts. */
export type UnaryOperator = keyof typeof unaryOperators;

/** `not x`, `-x`. */
export interface UnaryExpr extends NodeBase {
  readonly kind: 'UnaryExpr';
  readonly operator: UnaryOperator;
  readonly operand: Expression;
}

/**
 * Infix operators (`and`, `=`, `in`, `starts with`, `+` …): one declaration each in
 * constructs/operators.ts — spelling, precedence, type rule, evaluation, generated code,
 * explanation, direction for the differ.
 */
export type BinaryOperator = keyof typeof binaryOperators;

/** `left op right`. */
export interface BinaryExpr extends NodeBase {
  readonly kind: 'BinaryExpr';
  readonly operator: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
}

/** `if c then a else b`. */
export interface ConditionalExpr extends NodeBase {
  readonly kind: 'ConditionalExpr';
  readonly condition: Expression;
  readonly then: Expression;
  readonly otherwise: Expression;
}

/** Aggregation functions over lists and series: one declaration each in constructs/aggregations.ts. */
export type AggregateFunction = keyof typeof aggregations;

/**
 * `count(m in merchants where m.active)`, `sum(m in merchants: m.gmv)`,
 * `any(v in orders during period: v > 10)`, `sum(xs)`.
 */
export interface AggregateExpr extends NodeBase {
  readonly kind: 'AggregateExpr';
  readonly fn: AggregateFunction;
  /** The bound variable, when written `x in list`. */
  readonly variable: Identifier | undefined;
  readonly source: Expression;
  readonly filter: Expression | undefined;
  /** The projected value (`sum`, `min`, `max`) or the condition (`any`, `all`). */
  readonly projection: Expression | undefined;
}

/**
 * A window relative to the evaluation date:
 * `last 3 natural months` (the three whole calendar months before this one),
 * `last 1 year` (from the same day a year ago up to and including today).
 */
export interface PeriodExpr extends NodeBase {
  readonly kind: 'PeriodExpr';
  readonly length: DurationLiteral;
}

/** `series during period`: the values of a monthly series in the months of a period. */
export interface DuringExpr extends NodeBase {
  readonly kind: 'DuringExpr';
  readonly series: Expression;
  readonly period: Expression;
}

/** `shop satisfies kuaishou.shop_recruitment`: the other policy admits this value. */
export interface SatisfiesExpr extends NodeBase {
  readonly kind: 'SatisfiesExpr';
  readonly subject: Expression;
  readonly policy: QualifiedName;
}

/** `x is present` / `x is missing`: whether a value is known. Never unknown itself. */
export interface PresenceExpr extends NodeBase {
  readonly kind: 'PresenceExpr';
  readonly operand: Expression;
  readonly present: boolean;
}

/** Every AST node type. */
export type Node =
  | SourceFile
  | PolicyHeader
  | HeaderItem
  | ImportDecl
  | Declaration
  | FieldDecl
  | EnumMember
  | TypeRef
  | TableEntry
  | Combinator
  | CriterionItem
  | DecisionRule
  | Expression
  | Identifier
  | QualifiedName
  | Comment;

/** The literal kinds: a value written in the policy itself. */
export type Literal = NumberLiteral | StringLiteral | BoolLiteral | DateLiteral | DateTimeLiteral | DurationLiteral;

/**
 * Whether an expression is a literal (`900万`, `"SGS"`, `true`, `2023-07-17`,
 * `2023-07-17T10:00`, `24 hours`).
 *
 * @example
 * ```ts
 * isLiteral(parse('let x = 900万').ast.declarations[0].value); // true
 * ```
 */
export function isLiteral(e: Expression): e is Literal {
  return literalKinds[e.kind];
}

/** Which expression kinds are literals (a typed map: a new kind must say). */
const literalKinds: { readonly [K in Expression['kind']]: boolean } = {
  NumberLiteral: true,
  StringLiteral: true,
  BoolLiteral: true,
  DateLiteral: true,
  DateTimeLiteral: true,
  DurationLiteral: true,
  ListLiteral: false,
  NameRef: false,
  TodayRef: false,
  NowRef: false,
  MemberAccess: false,
  IndexAccess: false,
  UnaryExpr: false,
  BinaryExpr: false,
  ConditionalExpr: false,
  AggregateExpr: false,
  PeriodExpr: false,
  DuringExpr: false,
  SatisfiesExpr: false,
  PresenceExpr: false,
};

/**
 * The end of an exhaustive dispatch on a kind: `tsc` rejects the call while a kind is
 * left unhandled, so adding a kind to the AST lists every place that must handle it.
 * Reached at run time only with a value the types rule out.
 *
 * @example
 * ```ts
 * switch (e.kind) {
 *   case 'NumberLiteral': …
 *   // … every other kind
 *   default: return assertNever(e);
 * }
 * ```
 */
export function assertNever(value: never): never {
  throw new Error(`unhandled kind: ${JSON.stringify((value as { kind?: unknown } | null)?.kind ?? value)}`);
}
