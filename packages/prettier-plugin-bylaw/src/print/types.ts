/**
 * Printers for the parser's "types" section: record types and their fields,
 * enums and their members, type references.
 */
import { doc, type Doc } from 'prettier';
import type * as A from '@bylaw/dsl';
import { printDanglingComments } from '../comments.js';
import { isBlankLineAfter, joinRows, printBlock, printLabel, type PrintFn, type Row } from './common.js';

const { group, indent, line, softline } = doc.builders;

/**
 * Words that could continue a default-value expression. A field with a
 * default and no label, followed by a field named by one of these, keeps a
 * comma between them: without it, `a: number = 5  days: number` would read
 * as the duration `5 days`.
 */
const continuationWords: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'in',
  'contains',
  'starts',
  'ends',
  'satisfies',
  'is',
  'during',
  'natural',
  'hour',
  'hours',
  'day',
  'days',
  'month',
  'months',
  'year',
  'years',
]);

function needsComma(field: A.FieldDecl, next: A.FieldDecl | undefined): boolean {
  return next !== undefined && field.defaultValue !== undefined && field.label === undefined && continuationWords.has(next.name.name);
}

export const printRecordTypeDecl: PrintFn<A.RecordTypeDecl> = (path, options, print) => {
  const { fields } = path.node;
  const rows: Row[] = fields.map((node, i) => ({
    node,
    doc: [print(['fields', i]), needsComma(node, fields[i + 1]) ? ',' : ''],
  }));
  return printBlock(['type ', print('name'), printLabel(path, print)], joinRows(rows, options), path, options);
};

export const printFieldDecl: PrintFn<A.FieldDecl> = (path, _options, print) => {
  const { optional, defaultValue, label } = path.node;
  return [
    print('name'),
    optional ? '?' : '',
    ': ',
    print('type'),
    defaultValue ? [' = ', print('defaultValue')] : '',
    label ? [' ', print('label')] : '',
  ];
};

/**
 * `enum Level { L1 < L2 < L3 }` on one line when it fits, else one member
 * per line (separators at line ends, blank lines between groups kept).
 */
export const printEnumDecl: PrintFn<A.EnumDecl> = (path, options, print) => {
  const { members, ordered } = path.node;
  const head = ['enum ', print('name'), printLabel(path, print)];
  if (members.length === 0) return printBlock(head, [], path, options);
  const separator = ordered ? ' <' : ',';
  const parts: Doc[] = [];
  members.forEach((member, i) => {
    if (i > 0) {
      parts.push(separator, line);
      if (isBlankLineAfter(options.originalText, members[i - 1]!.span.end, ',<')) parts.push(softline);
    }
    parts.push(print(['members', i]));
  });
  const dangling = printDanglingComments(path, options);
  return group([head, ' {', indent([line, parts, dangling.length ? [line, dangling] : '']), line, '}']);
};

export const printEnumMember: PrintFn<A.EnumMember> = (path, _options, print) => [
  print('name'),
  path.node.value ? [' ', print('value')] : '',
];

// ------------------------------------------------------------------ type references

export const printPrimitiveType: PrintFn<A.PrimitiveTypeRef> = (path) => path.node.name;

export const printNamedType: PrintFn<A.NamedTypeRef> = (_path, _options, print) => print('name');

export const printListType: PrintFn<A.ListTypeRef> = (_path, _options, print) => ['list of ', print('element')];

export const printMonthlyType: PrintFn<A.MonthlyTypeRef> = (_path, _options, print) => ['monthly ', print('element')];

export const printTableType: PrintFn<A.TableTypeRef> = (_path, _options, print) => [
  'table ',
  print('key'),
  ' -> ',
  print('value'),
];
