/**
 * Completion. The context (a field after `.`, a type after `:`, a rule in the decide
 * block, a declaration at the top level, an expression) is read from the tokens before
 * the cursor; what the names there mean comes from the checker, run on the text with a
 * placeholder name where the author is typing (so `merchant.` resolves like
 * `merchant.x` would, even in a half-typed line).
 */
import type * as A from '@bylaw/dsl';
import { tokenize, typeToString, type CheckResult, type FileResolution, type Type } from '@bylaw/dsl';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Range } from 'vscode-languageserver-types';
import { describe } from './describe.js';
import { nodePath } from './ast-walk.js';
import type { Definition, SymbolIndex } from './symbols.js';
import type { Analysis } from './workspace.js';

/** The name put where the author is typing, to check the text as if a name were there. */
const PROBE = '__bylaw_completion__';

const identifierTail = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}_]*$/u;
const identifierHead = /^[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}_]*/u;

type Tok = { image: string; start: number; end: number; type: string };

/** Completion items at an offset. `checkProbe` checks a variant of the file's text (with its imports). */
export function complete(analysis: Analysis, file: string, text: string, offset: number, checkProbe: (text: string) => CheckResult): CompletionItem[] {
  const before = text.slice(0, offset);
  const prefix = identifierTail.exec(before)![0];
  const suffix = identifierHead.exec(text.slice(offset))![0];
  const wordStart = offset - prefix.length;
  const lexed = tokenize(text);
  // Nothing to complete inside a comment or a string.
  const inside = (t: { startOffset: number; endOffset?: number }) => t.startOffset < offset && offset <= (t.endOffset ?? t.startOffset);
  if (lexed.comments.some((c) => inside(c) && !(c.image.startsWith('/*') && c.endOffset === offset - 1 && c.image.endsWith('*/')))) return [];
  if (lexed.badTokens.some(inside)) return [];
  const tokens: Tok[] = lexed.tokens.map((t) => ({ image: t.image, start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1, type: t.tokenType.name }));
  if (tokens.some((t) => t.type === 'StringLiteral' && t.start < offset && offset < t.end)) return [];
  const prior = tokens.filter((t) => t.end <= wordStart);
  const prev = prior.at(-1);
  const range = rangeOf(analysis, file, text, wordStart, offset + suffix.length);
  const items = new Items(range);
  const index = analysis.index();

  const scope = enclosingScope(prior);
  const atLineStart = /(^|[\r\n])[ \t\u3000]*$/.test(text.slice(0, wordStart));

  // A dotted policy id after `satisfies`.
  const dotted = dottedPrefix(prior);
  if (dotted.keyword === 'Satisfies') {
    for (const id of policyIds(analysis)) {
      if (id.startsWith(dotted.path)) items.add({ label: id.slice(dotted.path.length), kind: CompletionItemKind.Module, detail: `policy ${id}` });
    }
    return items.list();
  }

  const word: Word = { analysis, index, file, text, start: wordStart, end: offset + suffix.length, checkProbe, items };
  if (prev?.type === 'Dot') return memberItems(word);

  if (prev && (prev.type === 'For' || (prev.type === 'Comma' && statementKeyword(prior) === 'Benefit'))) {
    for (const d of index.definitions()) {
      const node = d.node as A.Node;
      if (d.kind === 'rule' && d.file === file && ['TierRule', 'DefaultTierRule', 'OutcomeRule', 'OtherwiseRule'].includes(node.kind)) addDefinition(items, analysis, index, d, '0');
    }
    return items.list();
  }

  if (isTypePosition(prior, scope)) {
    typeItems(analysis, index, file, items, statementKeyword(prior));
    return items.list();
  }

  if (scope === 'enum') return [];
  if (scope === 'record') return atLineStart ? [] : items.list();

  const expressionOnly = prev !== undefined && continuesExpression(prev);
  if (!expressionOnly && atLineStart) {
    if (scope === 'top') declarationItems(items, analysis.result.files.get(file)?.ast);
    if (scope === 'decide') ruleItems(items);
    if (scope === 'combinator') {
      items.add({ label: 'item', kind: CompletionItemKind.Snippet, detail: 'a named item of the block', insertText: '${1:id} "${2:标签}" cites "${3:条款}": ${0}', insertTextFormat: InsertTextFormat.Snippet, sortText: '1' });
    }
    // At the top level a new line starts a declaration, unless a definition's value may go on there.
    if (scope === 'top' && !insideDefinition(prior)) return items.list();
  }
  expressionItems(word);
  return items.list();
}

/** Completion items, each replacing the word being typed. */
class Items {
  private readonly byLabel = new Map<string, CompletionItem>();
  constructor(private readonly range: Range) {}
  add(item: CompletionItem): void {
    if (this.byLabel.has(item.label)) return;
    const { insertText, ...rest } = item;
    this.byLabel.set(item.label, { ...rest, textEdit: { range: this.range, newText: insertText ?? item.label } });
  }
  list(): CompletionItem[] {
    return [...this.byLabel.values()];
  }
}

function rangeOf(analysis: Analysis, file: string, text: string, start: number, end: number): Range {
  const lines = analysis.text(file)?.text === text ? analysis.text(file)!.lines : undefined;
  if (lines) return lines.range({ start, end });
  // The open text is newer than the analysis: count lines in it directly.
  const pos = (o: number) => {
    const head = text.slice(0, o);
    const line = (head.match(/\r\n|\r|\n/g) ?? []).length;
    const lastBreak = Math.max(head.lastIndexOf('\n'), head.lastIndexOf('\r'));
    return { line, character: o - (lastBreak + 1) };
  };
  return { start: pos(start), end: pos(end) };
}

/** The kind of block the cursor is in: the top level, a decide block, a record type, an enum, a table, a combinator. */
type Scope = 'top' | 'decide' | 'record' | 'enum' | 'table' | 'combinator' | 'other';

function enclosingScope(prior: readonly Tok[]): Scope {
  const stack: Scope[] = [];
  for (let i = 0; i < prior.length; i++) {
    const t = prior[i]!;
    if (t.type === 'LBrace') {
      const back = prior.slice(Math.max(0, i - 12), i).map((x) => x.type);
      const lastDecl = [...back].reverse().find((x) => ['Decide', 'Type', 'Enum', 'Table', 'Of', 'Let', 'Param', 'Placeholder', 'Criterion', 'Tier', 'Exclude', 'Outcome', 'Prefer', 'Admit'].includes(x));
      const kind: Scope =
        back.at(-1) === 'Decide' ? 'decide' : back.at(-1) === 'Of' ? 'combinator' : lastDecl === 'Type' ? 'record' : lastDecl === 'Enum' ? 'enum' : lastDecl === 'Table' ? 'table' : 'other';
      stack.push(kind);
    } else if (t.type === 'RBrace') stack.pop();
  }
  return stack.at(-1) ?? 'top';
}

/** The keyword that starts the statement the cursor is in (at its block's level). */
function statementKeyword(prior: readonly Tok[]): string | undefined {
  const starters = new Set(['Let', 'Param', 'Placeholder', 'Table', 'Type', 'Enum', 'Subject', 'Criterion', 'Decide', 'Import', 'Policy', 'Tier', 'Exclude', 'Outcome', 'Prefer', 'Benefit', 'Admit', 'Default', 'Otherwise']);
  let depth = 0;
  for (let i = prior.length - 1; i >= 0; i--) {
    const t = prior[i]!;
    if (t.type === 'RBrace' || t.type === 'RParen' || t.type === 'RBracket') depth++;
    else if (t.type === 'LBrace' || t.type === 'LParen' || t.type === 'LBracket') {
      if (depth === 0) return t.type === 'LBrace' ? '{' : undefined;
      depth--;
    } else if (depth === 0 && starters.has(t.type)) {
      // `table` in a type (`placeholder x: table string -> number`) does not start a statement.
      if (t.type === 'Table' && prior[i - 1]?.type === 'Colon') continue;
      return t.type;
    }
  }
  return undefined;
}

/** Whether the cursor is where a type is written. */
function isTypePosition(prior: readonly Tok[], scope: Scope): boolean {
  const prev = prior.at(-1);
  if (!prev) return false;
  if (prev.type === 'Arrow' || prev.type === 'Monthly' || (prev.type === 'Of' && prior.at(-2)?.type === 'List')) return true;
  if (prev.type === 'Table' && prior.at(-2)?.type === 'Colon') return true;
  if (prev.type !== 'Colon') return false;
  if (scope === 'record') return true;
  const kw = statementKeyword(prior);
  if (kw === 'Param' || kw === 'Placeholder' || kw === 'Subject') return !prior.slice(lastIndex(prior, (t) => t.type === kw)).some((t) => t.type === 'Equal');
  if (kw === 'Table') return !prior.slice(lastIndex(prior, (t) => t.type === 'Table')).some((t) => t.type === 'LBrace');
  return false;
}

/** Tokens after which an expression must go on (an operator, an opening bracket, `when`, `=`…). */
function continuesExpression(t: Tok): boolean {
  return [
    'Equal', 'DoubleEqual', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'Plus', 'Minus', 'Star', 'Slash',
    'LParen', 'LBracket', 'Comma', 'Colon', 'And', 'Or', 'Not', 'In', 'Contains', 'With', 'When', 'If', 'Then', 'Else', 'During', 'Where', 'Is',
  ].includes(t.type);
}

/** Whether the statement the cursor is in is a definition whose value may go on over lines. */
function insideDefinition(prior: readonly Tok[]): boolean {
  const kw = statementKeyword(prior);
  return kw === 'Let' || kw === 'Criterion' || kw === 'Param';
}

/** `satisfies kuaishou.sh|`: the keyword before a dotted name and the part typed so far. */
function dottedPrefix(prior: readonly Tok[]): { keyword: string | undefined; path: string } {
  let i = prior.length - 1;
  const parts: string[] = [];
  if (prior[i]?.type !== 'Dot' && prior.at(-1)?.type !== 'Satisfies') return { keyword: undefined, path: '' };
  while (i >= 0 && prior[i]!.type === 'Dot' && i >= 1) {
    parts.unshift(prior[i - 1]!.image + '.');
    i -= 2;
  }
  return { keyword: prior[i]?.type, path: parts.join('') };
}

function policyIds(analysis: Analysis): string[] {
  const ids = new Set<string>();
  for (const { ast } of analysis.result.files.values()) if (ast.header?.id?.text) ids.add(ast.header.id.text);
  return [...ids].sort();
}

/** The file's text with the word at the cursor replaced by the probe name. */
function probeText(text: string, start: number, end: number): string {
  return text.slice(0, start) + PROBE + text.slice(end);
}

function findProbe(ast: A.SourceFile, at: number): A.Node[] {
  return nodePath(ast, at + 1);
}

/** What the completion of one word knows: where it is, and how to check the text with a probe there. */
interface Word {
  readonly analysis: Analysis;
  readonly index: SymbolIndex;
  readonly file: string;
  readonly text: string;
  /** The word being typed: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly checkProbe: (text: string) => CheckResult;
  readonly items: Items;
}

/** Check the text with the probe name in place of the word. */
function probe(w: Word): CheckResult {
  return w.checkProbe(probeText(w.text, w.start, w.end));
}

function memberItems(w: Word): CompletionItem[] {
  const { analysis, index, file, start, items } = w;
  const probed = probe(w);
  const ast = probed.files.get(file)?.ast;
  const resolution = probed.resolutions.get(file);
  if (!ast || !resolution) return items.list();
  const path = findProbe(ast, start);
  const access = path[lastIndex(path, (n) => n.kind === 'MemberAccess' && n.member?.name === PROBE)] as A.MemberAccess | undefined;
  if (!access) return items.list();
  const named = resolution.names.get(access.object);
  if (named?.kind === 'enumType') {
    for (const m of named.enum.decl.members) addMember(items, analysis, index, m, true, '0', named.enum.name);
    return items.list();
  }
  const type = resolution.types.get(access.object);
  if (type?.kind === 'record') {
    for (const f of type.fields.values()) {
      const d = definitionLike(index, f.decl, 'field', f.name, type.name);
      if (d) addDefinition(items, analysis, index, d, '0', f.type);
      else items.add({ label: f.name, kind: CompletionItemKind.Field, detail: typeToString(f.type) });
    }
  }
  return items.list();
}

/**
 * The index's definition of a node of the probe check: the same node for unchanged files (they
 * share their parses), else the definition of the same kind and name in the same container.
 */
function definitionLike(index: SymbolIndex, node: A.Node, kind: Definition['kind'], name: string, container: string | undefined): Definition | undefined {
  const same = index.definitionOf(node);
  if (same) return same;
  for (const d of index.definitions()) if (d.kind === kind && d.name === name && d.container?.name === container) return d;
  return undefined;
}

function addMember(items: Items, analysis: Analysis, index: SymbolIndex, m: A.EnumMember, bare: boolean, sort = '0', enumName?: string): void {
  const d = m?.name ? definitionLike(index, m, 'enumMember', m.name.name, enumName) : undefined;
  if (!d || !m.name?.name) return;
  const { signature, documentation } = describe(analysis, index, d);
  items.add({
    label: m.name.name,
    kind: CompletionItemKind.EnumMember,
    detail: signature,
    documentation: { kind: 'markdown', value: documentation },
    insertText: bare ? m.name.name : `${d.container?.name}.${m.name.name}`,
    sortText: sort,
  });
}

const kindOf: Record<Definition['kind'], CompletionItemKind> = {
  policy: CompletionItemKind.Module,
  file: CompletionItemKind.File,
  subject: CompletionItemKind.Variable,
  type: CompletionItemKind.Struct,
  enum: CompletionItemKind.Enum,
  field: CompletionItemKind.Field,
  enumMember: CompletionItemKind.EnumMember,
  let: CompletionItemKind.Variable,
  param: CompletionItemKind.Constant,
  placeholder: CompletionItemKind.Constant,
  table: CompletionItemKind.Variable,
  criterion: CompletionItemKind.Function,
  item: CompletionItemKind.Function,
  rule: CompletionItemKind.EnumMember,
  variable: CompletionItemKind.Variable,
};

function addDefinition(items: Items, analysis: Analysis, index: SymbolIndex, d: Definition, sort: string, type?: Type): void {
  const { signature, documentation } = describe(analysis, index, d, type);
  const label = labelOf(d);
  items.add({
    label: d.name,
    kind: kindOf[d.kind],
    detail: signature,
    ...(label ? { labelDetails: { description: label } } : {}),
    documentation: { kind: 'markdown', value: documentation },
    sortText: `${sort}${d.name}`,
    // Authors search by the label they know (支付订单量) as often as by the id.
    ...(label ? { filterText: `${d.name} ${label}` } : {}),
  });
}

function labelOf(d: Definition): string | undefined {
  const n = d.node as { label?: A.StringLiteral };
  return n.label?.value;
}

function typeItems(analysis: Analysis, index: SymbolIndex, file: string, items: Items, statement: string | undefined): void {
  for (const t of ['bool', 'number', 'string', 'date', 'datetime', 'duration']) items.add({ label: t, kind: CompletionItemKind.Keyword, sortText: `1${t}` });
  items.add({ label: 'list of', kind: CompletionItemKind.Keyword, insertText: 'list of ', sortText: '1list' });
  items.add({ label: 'monthly', kind: CompletionItemKind.Keyword, insertText: 'monthly ', sortText: '1monthly' });
  if (statement === 'Param' || statement === 'Placeholder') {
    items.add({ label: 'table', kind: CompletionItemKind.Snippet, insertText: 'table ${1:string} -> ${2:number}', insertTextFormat: InsertTextFormat.Snippet, sortText: '1table' });
  }
  const visible = new Set([file, ...index.importClosure(file)]);
  for (const d of index.definitions()) if ((d.kind === 'type' || d.kind === 'enum') && visible.has(d.file)) addDefinition(items, analysis, index, d, '0');
}

/** Declarations at the top level, with snippets for the common shapes. */
function declarationItems(items: Items, ast: A.SourceFile | undefined): void {
  const snippet = (label: string, detail: string, body: string, sort = '2') =>
    items.add({ label, kind: CompletionItemKind.Snippet, detail, insertText: body, insertTextFormat: InsertTextFormat.Snippet, sortText: `${sort}${label}` });
  if (!ast?.header) {
    snippet(
      'policy',
      'policy header: id, title, version, dates, source',
      'policy ${1:platform.programme} "${2:标题}"\n  version "${3:1}"\n  published ${4:2024-01-01}\n  effective ${5:2024-01-01}\n  source "${6:seeds/…}"\n',
      '1',
    );
  }
  snippet('criterion', 'criterion id "label" cites "clause": condition', 'criterion ${1:id} "${2:标签}" cites "${3:条款}":\n  ${0}');
  snippet('criterion all of', 'criterion with all of { … }', 'criterion ${1:id} "${2:标签}" cites "${3:条款}":\n  all of {\n    ${4:item} "${5:标签}": ${0}\n  }');
  snippet('criterion any of', 'criterion with any of { … }', 'criterion ${1:id} "${2:标签}" cites "${3:条款}":\n  any of {\n    ${4:item} "${5:标签}": ${0}\n  }');
  snippet('let', 'let name "label" = expression', 'let ${1:name} "${2:标签}" = ${0}');
  snippet('param', 'param name "label": type = value', 'param ${1:name} "${2:标签}": ${3:number} = ${0}');
  snippet('placeholder', 'a value the source text does not give', 'placeholder ${1:name} "${2:标签}": ${0:number}');
  snippet('table', 'table name "label": Key -> Value { … }', 'table ${1:name} "${2:标签}": ${3:Key} -> ${4:number} {\n  ${5:key}: ${6:0}\n  default: ${0:0}\n}');
  snippet('type', 'record type', 'type ${1:Name} "${2:标签}" {\n  ${3:field}: ${4:string} "${5:标签}"\n}');
  snippet('enum', 'enum (ordered: a < b < c)', 'enum ${1:Name} { ${0:a, b, c} }');
  snippet('subject', 'subject name: Type', 'subject ${1:merchant}: ${0:Merchant}');
  snippet('import', 'import a library of types and definitions', 'import "${0:./types.policy}"');
  snippet('decide', 'decide { … }', 'decide {\n  admit when ${0:criterion}\n}');
}

/** Rules of a decide block. */
function ruleItems(items: Items): void {
  const snippet = (label: string, detail: string, body: string) =>
    items.add({ label, kind: CompletionItemKind.Snippet, detail, insertText: body, insertTextFormat: InsertTextFormat.Snippet, sortText: `1${label}` });
  snippet('tier', 'tier id "label" cites "clause": condition (best first)', 'tier ${1:id} "${2:标签}" cites "${3:条款}": ${0}');
  snippet('default tier', 'the tier of an admitted subject that reaches no other', 'default tier ${1:id} "${0:标签}"');
  snippet('admit when', 'admitted when the condition holds', 'admit when ${0}');
  snippet('exclude', 'a veto: rejected whenever it holds', 'exclude ${1:id} "${2:标签}" cites "${3:条款}": ${0}');
  snippet('outcome', 'a custom outcome; the first that holds wins', 'outcome ${1:id} "${2:标签}": ${0}');
  snippet('otherwise outcome', 'the outcome when no other holds', 'otherwise outcome ${1:id} "${0:标签}"');
  snippet('prefer', 'a soft priority condition', 'prefer ${1:id} "${2:标签}": ${0}');
  snippet('benefit', 'granted with tiers or outcomes', 'benefit ${1:id} "${2:标签}" for ${0:tier}');
}

const expressionKeywords = ['and', 'or', 'not', 'in', 'contains', 'starts with', 'ends with', 'satisfies', 'is present', 'is missing', 'during', 'today', 'now', 'true', 'false', 'all of', 'any of'];

function expressionItems(w: Word): void {
  const { analysis, index, file, start, items } = w;
  const probed = probe(w);
  const ast = probed.files.get(file)?.ast;
  const resolution = probed.resolutions.get(file);
  const path = ast ? findProbe(ast, start) : [];
  // Variables bound by the aggregations around the cursor.
  for (const n of path) {
    if (n.kind === 'AggregateExpr' && n.variable?.name && n.variable.name !== PROBE && !(start >= n.source.span.start && start <= n.source.span.end)) {
      const element = resolution?.types.get(n.source);
      const t = element && (element.kind === 'list' || element.kind === 'monthly') ? element.element : undefined;
      items.add({ label: n.variable.name, kind: CompletionItemKind.Variable, detail: `${n.variable.name}${t ? `: ${typeToString(t)}` : ''}`, sortText: `0${n.variable.name}` });
    }
  }
  // The type expected here, when the other side of a comparison says it.
  const expected = expectedType(path, resolution);
  const visible = new Set([file, ...index.importClosure(file)]);
  const memberCount = new Map<string, number>();
  for (const d of index.definitions()) if (d.kind === 'enumMember' && visible.has(d.file)) memberCount.set(d.name, (memberCount.get(d.name) ?? 0) + 1);
  if (expected?.kind === 'enum') for (const m of expected.decl.members) addMember(items, analysis, index, m, true, '0', expected.name);
  for (const d of index.definitions()) {
    if (!visible.has(d.file)) continue;
    switch (d.kind) {
      case 'subject':
        if (d.file === file) addDefinition(items, analysis, index, d, '1');
        break;
      case 'let':
      case 'param':
      case 'placeholder':
      case 'table':
      case 'criterion':
        addDefinition(items, analysis, index, d, '2');
        break;
      case 'enum':
        addDefinition(items, analysis, index, d, '4');
        break;
      case 'enumMember':
        addMember(items, analysis, index, d.node as A.EnumMember, (memberCount.get(d.name) ?? 0) < 2, '3', d.container?.name);
        break;
      default:
        break;
    }
  }
  for (const k of expressionKeywords) items.add({ label: k, kind: CompletionItemKind.Keyword, sortText: `5${k}` });
  const snippet = (label: string, detail: string, body: string) =>
    items.add({ label, kind: CompletionItemKind.Snippet, detail, insertText: body, insertTextFormat: InsertTextFormat.Snippet, sortText: `5${label}` });
  for (const fn of ['count', 'sum', 'min', 'max', 'any', 'all']) {
    const tail = fn === 'count' ? ' where ${3:condition}' : fn === 'any' || fn === 'all' ? ': ${3:condition}' : ': ${3:x.amount}';
    snippet(`${fn}(…)`, `${fn}(x in list${tail.replace(/\$\{\d:([^}]*)\}/g, '$1')})`, `${fn}(\${1:x} in \${2:list}${tail})`);
  }
  snippet('last N natural months', 'the N whole calendar months before the current one', 'last ${1:3} natural months');
  snippet('last N days', 'from N days before today up to today', 'last ${1:30} days');
  snippet('if … then … else', 'a conditional value', 'if ${1:condition} then ${2:a} else ${0:b}');
}

function expectedType(path: readonly A.Node[], resolution: FileResolution | undefined): Type | undefined {
  const probe = path[lastIndex(path, (n) => n.kind === 'NameRef' && n.name === PROBE)] as A.NameRef | undefined;
  const parent = probe ? path[path.indexOf(probe) - 1] : undefined;
  if (!probe || parent?.kind !== 'BinaryExpr' || !resolution) return undefined;
  const other = parent.left === probe ? parent.right : parent.left;
  const t = resolution.types.get(other);
  if (parent.operator === 'in' || parent.operator === 'not in') return parent.left === probe && t?.kind === 'list' ? t.element : undefined;
  return t;
}

function lastIndex<T>(xs: readonly T[], test: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (test(xs[i]!)) return i;
  return -1;
}
