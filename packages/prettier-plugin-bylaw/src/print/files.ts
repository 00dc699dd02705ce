/**
 * Printers for the file level: the file, the policy header, imports, the
 * subject (the parser's "files" section), and names.
 */
import { doc, util, type AstPath, type Doc, type ParserOptions } from 'prettier';
import type * as A from '@bylaw/dsl';
import { printDanglingComments } from '../comments.js';
import type { Print, PrintFn } from './common.js';

const { hardline, indent, join } = doc.builders;

/** Declarations that usually take one line; a run of them may stay together without blank lines. */
const lineDeclarations: ReadonlySet<string> = new Set(['ImportDecl', 'SubjectDecl', 'LetDecl', 'ParamDecl', 'PlaceholderDecl']);

/**
 * Whether a blank line separates two consecutive top-level items: always
 * after the header and around block declarations (types, enums, tables,
 * criteria, decide); between two one-line declarations only where the
 * author left one, so that grouped params or placeholders stay grouped.
 */
function blankBetween(a: A.Node, b: A.Node, options: ParserOptions<A.Node>): boolean {
  if (a.kind === 'ImportDecl' && b.kind !== 'ImportDecl') return true;
  if (lineDeclarations.has(a.kind) && lineDeclarations.has(b.kind)) {
    return util.isNextLineEmpty(options.originalText, a.span.end);
  }
  return true;
}

export const printSourceFile: PrintFn<A.SourceFile> = (path, options, print) => {
  const node = path.node;
  const items: { node: A.Node; doc: Doc }[] = [];
  if (node.header) items.push({ node: node.header, doc: print('header') });
  node.imports.forEach((n, i) => items.push({ node: n, doc: print(['imports', i]) }));
  node.declarations.forEach((n, i) => items.push({ node: n, doc: print(['declarations', i]) }));
  const parts: Doc[] = [];
  items.forEach((item, i) => {
    if (i > 0) {
      parts.push(hardline);
      if (blankBetween(items[i - 1]!.node, item.node, options)) parts.push(hardline);
    }
    parts.push(item.doc);
  });
  // A file of comments only: they are dangling on the file.
  const dangling = printDanglingComments(path as AstPath<A.Node>, options);
  if (dangling.length > 0) parts.push(parts.length > 0 ? [hardline, hardline] : '', dangling);
  return parts.length > 0 ? [parts, hardline] : '';
};

export const printPolicyHeader: PrintFn<A.PolicyHeader> = (path, _options, print) => {
  const { title, items } = path.node;
  return [
    'policy ',
    print('id'),
    title ? [' ', print('title')] : '',
    items.length > 0 ? indent([hardline, join(hardline, path.map(() => print(), 'items'))]) : '',
  ];
};

type ItemOf<K extends A.HeaderItem['kind']> = Extract<A.HeaderItem, { kind: K }>;

const keywordThenValue =
  <N extends A.HeaderItem>(keyword: string): PrintFn<N> =>
  (_path, _options, print) => [keyword, ' ', print('value')];

export const printVersionItem = keywordThenValue<ItemOf<'VersionItem'>>('version');
export const printPublishedItem = keywordThenValue<ItemOf<'PublishedItem'>>('published');
export const printSourceItem = keywordThenValue<ItemOf<'SourceItem'>>('source');
export const printTimezoneItem = keywordThenValue<ItemOf<'TimezoneItem'>>('timezone');
export const printNoteItem = keywordThenValue<ItemOf<'NoteItem'>>('note');

export const printEffectiveItem: PrintFn<ItemOf<'EffectiveItem'>> = (path, _options, print) => [
  'effective ',
  print('from'),
  path.node.until ? [' until ', print('until')] : '',
];

export const printImportDecl: PrintFn<A.ImportDecl> = (_path, _options, print) => ['import ', print('path')];

export const printSubjectDecl: PrintFn<A.SubjectDecl> = (_path, _options, print) => [
  'subject ',
  print('name'),
  ': ',
  print('type'),
];

// ------------------------------------------------------------------ names

export const printIdentifier: PrintFn<A.Identifier> = (path) => path.node.name;

export const printQualifiedName: PrintFn<A.QualifiedName> = (path, _options, print: Print) =>
  join('.', path.map(() => print(), 'parts'));
