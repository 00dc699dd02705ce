/**
 * The `bylaw-ast` Prettier printer: one print function per node kind, in a
 * dispatch map that mirrors the grammar section by section (`print/*.ts`),
 * plus the comment hooks (`comments.ts`) and visitor keys.
 */
import { doc, type AstPath, type Doc, type ParserOptions, type Printer } from 'prettier';
import type * as A from '@bylaw/dsl';
import {
  canAttachComment,
  handleComments,
  hasPrettierIgnore,
  isBlockComment,
  printComment,
  printPrettierIgnored,
  printComments,
  printRemainingDanglingComments,
  willPrintOwnComments,
} from './comments.js';
import { isExpression, isParenthesised } from './syntax.js';
import { getCommentChildNodes, getVisitorKeys } from './visitor-keys.js';
import type { Print, PrintFn } from './print/common.js';
import * as files from './print/files.js';
import * as types from './print/types.js';
import * as definitions from './print/definitions.js';
import * as criteria from './print/criteria.js';
import * as outcomes from './print/outcomes.js';
import * as expressions from './print/expressions.js';

const { align } = doc.builders;

type Printers = { readonly [K in A.Node['kind']]: PrintFn<Extract<A.Node, { kind: K }>> };

/** Node kind → print function, in the order of the grammar. */
const printers: Printers = {
  // files
  SourceFile: files.printSourceFile,
  PolicyHeader: files.printPolicyHeader,
  VersionItem: files.printVersionItem,
  PublishedItem: files.printPublishedItem,
  EffectiveItem: files.printEffectiveItem,
  SourceItem: files.printSourceItem,
  TimezoneItem: files.printTimezoneItem,
  NoteItem: files.printNoteItem,
  ImportDecl: files.printImportDecl,
  SubjectDecl: files.printSubjectDecl,
  // types
  RecordTypeDecl: types.printRecordTypeDecl,
  FieldDecl: types.printFieldDecl,
  EnumDecl: types.printEnumDecl,
  EnumMember: types.printEnumMember,
  PrimitiveType: types.printPrimitiveType,
  NamedType: types.printNamedType,
  ListType: types.printListType,
  MonthlyType: types.printMonthlyType,
  TableType: types.printTableType,
  // definitions
  LetDecl: definitions.printLetDecl,
  ParamDecl: definitions.printParamDecl,
  PlaceholderDecl: definitions.printPlaceholderDecl,
  TableDecl: definitions.printTableDecl,
  TableEntry: definitions.printTableEntry,
  // criteria
  CriterionDecl: criteria.printCriterionDecl,
  Combinator: criteria.printCombinator,
  CriterionItem: criteria.printCriterionItem,
  // outcomes
  DecideBlock: outcomes.printDecideBlock,
  AdmitRule: outcomes.printAdmitRule,
  ExcludeRule: outcomes.printExcludeRule,
  TierRule: outcomes.printTierRule,
  DefaultTierRule: outcomes.printDefaultTierRule,
  OutcomeRule: outcomes.printOutcomeRule,
  OtherwiseRule: outcomes.printOtherwiseRule,
  PreferRule: outcomes.printPreferRule,
  BenefitRule: outcomes.printBenefitRule,
  // expressions
  ConditionalExpr: expressions.printConditionalExpr,
  BinaryExpr: expressions.printBinaryExpr,
  DuringExpr: expressions.printDuringExpr,
  SatisfiesExpr: expressions.printSatisfiesExpr,
  PresenceExpr: expressions.printPresenceExpr,
  UnaryExpr: expressions.printUnaryExpr,
  MemberAccess: expressions.printMemberAccess,
  IndexAccess: expressions.printIndexAccess,
  NumberLiteral: expressions.printNumberLiteral,
  StringLiteral: expressions.printStringLiteral,
  BoolLiteral: expressions.printBoolLiteral,
  DateLiteral: expressions.printDateLiteral,
  DateTimeLiteral: expressions.printDateTimeLiteral,
  DurationLiteral: expressions.printDurationLiteral,
  ListLiteral: expressions.printListLiteral,
  AggregateExpr: expressions.printAggregateExpr,
  PeriodExpr: expressions.printPeriodExpr,
  NameRef: expressions.printNameRef,
  TodayRef: expressions.printTodayRef,
  NowRef: expressions.printNowRef,
  // names
  Identifier: files.printIdentifier,
  QualifiedName: files.printQualifiedName,
  // Comments print through printComment, never as nodes.
  Comment: () => '',
};

/**
 * Print the node at `path`: its kind's printer, then any dangling comment no
 * printer placed, then the author's parentheses, then its comments.
 */
function print(path: AstPath<A.Node>, options: ParserOptions<A.Node>, print: Print): Doc {
  const node = path.node;
  const printFn = printers[node.kind] as PrintFn<A.Node>;
  let printed = printFn(path, options, print);
  const dangling = printRemainingDanglingComments(path);
  if (dangling !== '') printed = [printed, dangling];
  if (isExpression(node) && isParenthesised(node, options.originalText)) printed = ['(', align(1, printed), ')'];
  // An operand of a chain has its comments printed by the chain.
  return expressions.isChainOperand(path) ? printed : printComments(path, printed, options);
}

/** The Prettier printer object for the `bylaw-ast` format. */
export const bylawPrinter: Printer<A.Node> = {
  print,
  printComment: printComment as Printer<A.Node>['printComment'],
  canAttachComment,
  isBlockComment: isBlockComment as Printer<A.Node>['isBlockComment'],
  handleComments,
  getCommentChildNodes: getCommentChildNodes as Printer<A.Node>['getCommentChildNodes'],
  getVisitorKeys: (node) => [...getVisitorKeys(node)],
  willPrintOwnComments,
  hasPrettierIgnore,
  printPrettierIgnored: printPrettierIgnored as Printer<A.Node>['printPrettierIgnored'],
};
