/**
 * The child properties of every AST node kind, in source order, for Prettier
 * (`getVisitorKeys`) and for comment attachment (`getCommentChildNodes`).
 */
import type * as A from '@bylaw/dsl';
import { chainOperands } from './syntax.js';

const heading = ['id', 'label', 'cites'] as const;

/** The properties that hold child nodes, per node kind. Typed so a new kind cannot be forgotten. */
export const visitorKeys: { readonly [K in A.Node['kind']]: readonly string[] } = {
  SourceFile: ['header', 'imports', 'declarations'],
  PolicyHeader: ['id', 'title', 'items'],
  VersionItem: ['value'],
  PublishedItem: ['value'],
  EffectiveItem: ['from', 'until'],
  SourceItem: ['value'],
  TimezoneItem: ['value'],
  NoteItem: ['value'],
  ImportDecl: ['path'],
  SubjectDecl: ['name', 'type'],
  RecordTypeDecl: ['name', 'label', 'fields'],
  FieldDecl: ['name', 'type', 'defaultValue', 'label'],
  EnumDecl: ['name', 'label', 'members'],
  EnumMember: ['name', 'value'],
  PrimitiveType: [],
  NamedType: ['name'],
  ListType: ['element'],
  MonthlyType: ['element'],
  TableType: ['key', 'value'],
  LetDecl: ['name', 'label', 'value'],
  ParamDecl: ['name', 'label', 'type', 'value'],
  PlaceholderDecl: ['name', 'label', 'type'],
  TableDecl: ['name', 'label', 'keyType', 'valueType', 'entries', 'defaultValue'],
  TableEntry: ['key', 'value'],
  CriterionDecl: [...heading, 'body'],
  Combinator: ['count', 'items'],
  CriterionItem: [...heading, 'body'],
  DecideBlock: ['rules'],
  AdmitRule: ['body'],
  ExcludeRule: [...heading, 'body'],
  TierRule: [...heading, 'body'],
  DefaultTierRule: heading,
  OutcomeRule: [...heading, 'body'],
  OtherwiseRule: heading,
  PreferRule: [...heading, 'body'],
  BenefitRule: [...heading, 'grantedTo'],
  NumberLiteral: [],
  StringLiteral: [],
  BoolLiteral: [],
  DateLiteral: [],
  DateTimeLiteral: [],
  DurationLiteral: ['amount'],
  ListLiteral: ['elements'],
  NameRef: [],
  TodayRef: [],
  NowRef: [],
  MemberAccess: ['object', 'member'],
  IndexAccess: ['object', 'index'],
  UnaryExpr: ['operand'],
  BinaryExpr: ['left', 'right'],
  ConditionalExpr: ['condition', 'then', 'otherwise'],
  AggregateExpr: ['variable', 'source', 'filter', 'projection'],
  PeriodExpr: ['length'],
  DuringExpr: ['series', 'period'],
  SatisfiesExpr: ['subject', 'policy'],
  PresenceExpr: ['operand'],
  Identifier: [],
  QualifiedName: ['parts'],
  Comment: [],
};

/** Prettier's `getVisitorKeys`. */
export function getVisitorKeys(node: A.Node): readonly string[] {
  return visitorKeys[node.kind] ?? [];
}

/** The child nodes of a node, in source order. */
export function childNodes(node: A.Node): A.Node[] {
  const out: A.Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const key of getVisitorKeys(node)) {
    const value = record[key];
    if (Array.isArray(value)) out.push(...(value as A.Node[]));
    else if (value !== undefined && value !== null) out.push(value as A.Node);
  }
  return out;
}

/**
 * Prettier's `getCommentChildNodes`: the children a comment can attach to.
 * An operator chain (`a and b and c`) offers its operands directly, so that
 * comments attach to operands, never to the inner links of the chain, which
 * the printer does not print as nodes of their own.
 */
export function getCommentChildNodes(node: A.Node, options: { originalText: string }): A.Node[] {
  if (node.kind === 'BinaryExpr') return chainOperands(node, options.originalText);
  return childNodes(node);
}
