/**
 * Printers for the parser's "definitions" section: `let`, `param`,
 * `placeholder`, `table` and table rows.
 */
import { doc, type AstPath, type Doc } from 'prettier';
import type * as A from '@bylaw/dsl';
import { DEFAULT_ROW, hasOuterComments, printDanglingComments, type Commented } from '../comments.js';
import { isAtomic, isParenthesised } from '../syntax.js';
import { joinRows, printBlock, printLabel, type Print, type PrintFn, type Row } from './common.js';

const { group, indent, line, hardline } = doc.builders;

/**
 * The value after `=`: on the same line when it fits, else on the next line,
 * indented. A list literal stays after `=` and breaks inside its brackets;
 * a value that cannot break stays after `=` whatever the width.
 */
function printValueAfterEquals(path: AstPath<A.LetDecl | A.ParamDecl>, text: string, print: Print): Doc {
  const value = path.node.value as Commented<A.Expression>;
  const stays = (value.kind === 'ListLiteral' || isAtomic(value)) && !isParenthesised(value, text) && !hasOuterComments(value);
  return stays ? [' ', print('value')] : indent([line, print('value')]);
}

export const printLetDecl: PrintFn<A.LetDecl> = (path, options, print) =>
  group(['let ', print('name'), printLabel(path, print), ' =', printValueAfterEquals(path, options.originalText, print)]);

export const printParamDecl: PrintFn<A.ParamDecl> = (path, options, print) =>
  group([
    'param ',
    print('name'),
    printLabel(path, print),
    ': ',
    print('type'),
    ' =',
    printValueAfterEquals(path, options.originalText, print),
  ]);

export const printPlaceholderDecl: PrintFn<A.PlaceholderDecl> = (path, _options, print) => [
  'placeholder ',
  print('name'),
  printLabel(path, print),
  ': ',
  print('type'),
];

/**
 * `table t "label": K -> V {` rows `}`. The `default:` row prints where the
 * author wrote it (the AST keeps it apart from the entries, with no span of
 * its own; its value's span places it).
 */
export const printTableDecl: PrintFn<A.TableDecl> = (path, options, print) => {
  const { entries, defaultValue } = path.node;
  const rows: Row[] = entries.map((node, i) => ({ node, doc: print(['entries', i]) }));
  if (defaultValue) {
    const above = printDanglingComments(path as AstPath<A.Node>, options, DEFAULT_ROW);
    const row: Row = {
      node: defaultValue,
      doc: [above.length ? [above, hardline] : '', 'default: ', print('defaultValue')],
    };
    const at = entries.findIndex((e) => e.span.start > defaultValue.span.start);
    rows.splice(at < 0 ? rows.length : at, 0, row);
  }
  const head = [
    'table ',
    print('name'),
    printLabel(path, print),
    ': ',
    print('keyType'),
    ' -> ',
    print('valueType'),
  ];
  return printBlock(head, joinRows(rows, options), path as AstPath<A.Node>, options);
};

export const printTableEntry: PrintFn<A.TableEntry> = (_path, _options, print) => [print('key'), ': ', print('value')];
