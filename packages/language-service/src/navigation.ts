/**
 * Hover, go to definition, find references and rename: each starts from the site
 * under the cursor (a declared name or a use of one) in the symbol index.
 */
import type * as A from '@bylaw/dsl';
import { tokenize, typeToString } from '@bylaw/dsl';
import type { Hover, Location, Range, TextEdit } from 'vscode-languageserver-types';
import { describe, groupDigits } from './describe.js';
import { nodePath } from './ast-walk.js';
import { siteAt, type Definition, type Site, type SymbolIndex } from './symbols.js';
import type { Analysis } from './workspace.js';

/** A location in a file, by path (the host's paths; the server turns them into URIs). */
export interface PathLocation {
  readonly path: string;
  readonly range: Range;
}

function location(analysis: Analysis, file: string, span: A.Span): PathLocation | undefined {
  const t = analysis.text(file);
  return t ? { path: file, range: t.lines.range(span) } : undefined;
}

/** The hover of a position: the definition under it, or the value of a literal. */
export function hover(analysis: Analysis, file: string, offset: number): Hover | undefined {
  const index = analysis.index();
  const site = siteAt(index, file, offset);
  const t = analysis.text(file);
  if (!t) return undefined;
  if (site) {
    const useType = site.expression ? index.resolution(file)?.types.get(site.expression) : undefined;
    const { signature, documentation } = describe(analysis, index, site.definition, useType?.kind === 'error' ? undefined : useType);
    const where = site.definition.file !== file && site.definition.kind !== 'file' ? `\n\n*${site.definition.kind === 'policy' ? 'in' : 'declared in'} ${site.definition.file}*` : '';
    return {
      contents: { kind: 'markdown', value: '```bylaw\n' + signature + '\n```' + (documentation ? `\n\n${documentation}` : '') + where },
      range: t.lines.range(site.span),
    };
  }
  const ast = analysis.result.files.get(file)?.ast;
  if (!ast) return undefined;
  const node = nodePath(ast, offset).at(-1);
  const value = node ? literalValue(node) : undefined;
  if (!value || !node) return undefined;
  const type = node.kind !== 'DurationLiteral' ? index.resolution(file)?.types.get(node as A.Expression) : undefined;
  return {
    contents: { kind: 'markdown', value: '```bylaw\n' + value + (type ? `: ${typeToString(type)}` : '') + '\n```' },
    range: t.lines.range(node.span),
  };
}

/** What a literal means, where the text does not say it plainly (`900万` is 9,000,000). */
function literalValue(node: A.Node): string | undefined {
  switch (node.kind) {
    case 'NumberLiteral':
      return node.raw === node.value ? undefined : `${node.raw} = ${groupDigits(node.value)}`;
    case 'DurationLiteral':
      return `${node.amount.raw} ${node.unit}${node.amount.value === '1' ? '' : 's'}${node.natural ? ' (natural: whole calendar units before the current one)' : ''}`;
    case 'PeriodExpr':
      return node.length.natural
        ? `the ${node.length.amount.raw} whole calendar ${node.length.unit}${node.length.amount.value === '1' ? '' : 's'} before the current one`
        : `from ${node.length.amount.raw} ${node.length.unit}${node.length.amount.value === '1' ? '' : 's'} before today up to today, both included`;
    default:
      return undefined;
  }
}

/** Where the name under the cursor is declared (a policy id: every version's header). */
export function definition(analysis: Analysis, file: string, offset: number): PathLocation[] {
  const index = analysis.index();
  const site = siteAt(index, file, offset);
  if (!site) return [];
  const defs = site.definition.kind === 'policy' ? [...index.definitions()].filter((d) => d.kind === 'policy' && d.name === site.definition.name) : [site.definition];
  return defs.map((d) => location(analysis, d.file, d.nameSpan)).filter((l): l is PathLocation => l !== undefined);
}

/** Every use of the name under the cursor across the files checked together (and its declaration, if asked). */
export function references(analysis: Analysis, file: string, offset: number, includeDeclaration: boolean): PathLocation[] {
  const index = analysis.index();
  const site = siteAt(index, file, offset);
  if (!site) return [];
  return sitesOf(index, site.definition)
    .filter((s) => includeDeclaration || !s.declaration)
    .map((s) => location(analysis, s.file, s.span))
    .filter((l): l is PathLocation => l !== undefined);
}

function sitesOf(index: SymbolIndex, d: Definition): Site[] {
  const same = (x: Definition) => x === d || (d.kind === 'policy' && x.kind === 'policy' && x.name === d.name);
  const out: Site[] = [];
  for (const s of index.allSites()) if (same(s.definition)) out.push(s);
  return out;
}

/** What can be renamed at a position: the range of the name and its text, or why not. */
export function prepareRename(analysis: Analysis, file: string, offset: number): { range: Range; placeholder: string } | { error: string } {
  const index = analysis.index();
  const site = siteAt(index, file, offset);
  if (!site) return { error: 'nothing to rename here: put the cursor on a name' };
  const why = notRenamable(site.definition);
  if (why) return { error: why };
  const t = analysis.text(file)!;
  return { range: t.lines.range(site.span), placeholder: site.definition.name };
}

function notRenamable(d: Definition): string | undefined {
  if (d.kind === 'policy') return 'a policy id is renamed in each version\'s header (and in its tests): it names the programme, not one file';
  if (d.kind === 'file') return 'rename the file itself; then update the import';
  return undefined;
}

/** The edits of a rename, by path, or why it cannot be done (an invalid name, or one already taken). */
export function rename(analysis: Analysis, file: string, offset: number, newName: string): { edits: Map<string, TextEdit[]> } | { error: string } {
  const index = analysis.index();
  const site = siteAt(index, file, offset);
  if (!site) return { error: 'nothing to rename here: put the cursor on a name' };
  const d = site.definition;
  const why = notRenamable(d);
  if (why) return { error: why };
  if (newName === d.name) return { edits: new Map() };
  const invalid = invalidName(newName);
  if (invalid) return { error: invalid };
  const sites = sitesOf(index, d);
  const conflict = findConflict(analysis, index, d, sites, newName);
  if (conflict) return { error: conflict };
  const edits = new Map<string, TextEdit[]>();
  for (const s of sites) {
    const t = analysis.text(s.file);
    if (!t) continue;
    // A use may be written longer than the name (Enum.member is one site per part): replace the name only.
    const written = t.text.slice(s.span.start, s.span.end);
    const at = written === d.name ? s.span : { start: s.span.end - d.name.length, end: s.span.end };
    if (t.text.slice(at.start, at.end) !== d.name) continue;
    const list = edits.get(s.file) ?? [];
    list.push({ range: t.lines.range(at), newText: newName });
    edits.set(s.file, list);
  }
  return { edits };
}

/** Why a text cannot be a name: it must read as one name token, not a keyword. */
export function invalidName(name: string): string | undefined {
  const { tokens, unexpected } = tokenize(name);
  if (tokens.length === 1 && unexpected.length === 0 && tokens[0]!.image === name) {
    if (tokens[0]!.tokenType.name === 'Identifier') return undefined;
    return `${name} is a keyword of the language: choose another name`;
  }
  return `${JSON.stringify(name)} is not a name: use letters (any script), digits and _, starting with a letter or _`;
}

/** A name the rename would collide with, in the scopes the definition is seen from. */
function findConflict(analysis: Analysis, index: SymbolIndex, d: Definition, sites: readonly Site[], newName: string): string | undefined {
  const files = relatedFiles(analysis, index, d.file);
  const taken = (kinds: readonly Definition['kind'][], inFiles: ReadonlySet<string> = files) => {
    for (const x of index.definitions()) {
      if (x !== d && x.name === newName && kinds.includes(x.kind) && inFiles.has(x.file)) return x;
    }
    return undefined;
  };
  const say = (x: Definition) => {
    const t = analysis.text(x.file);
    const p = t?.lines.position(x.nameSpan.start);
    return `${newName} is already the name of a ${x.kind === 'enumMember' ? 'enum member' : x.kind} (${x.file}${p ? `:${p.line + 1}:${p.character + 1}` : ''})`;
  };
  const values: Definition['kind'][] = ['subject', 'let', 'param', 'placeholder', 'table', 'criterion'];
  switch (d.kind) {
    case 'subject':
    case 'let':
    case 'param':
    case 'placeholder':
    case 'table':
    case 'criterion': {
      const other = taken([...values, 'enumMember', 'item', 'rule']) ?? taken(['type', 'enum']);
      if (other) return say(other);
      // A use inside an aggregation that binds the new name would mean the bound element instead.
      const hidden = sites.find((s) => s.boundHere.includes(newName));
      if (hidden) return `${newName} is bound by an aggregation around a use of ${d.name} (${hidden.file}): that use would mean the bound element`;
      return undefined;
    }
    case 'type':
    case 'enum': {
      const other = taken(['type', 'enum']);
      return other ? say(other) : undefined;
    }
    case 'field': {
      const record = d.container?.node as A.RecordTypeDecl | undefined;
      const clash = record?.fields.find((f) => f?.name?.name === newName);
      return clash ? `${d.container!.name} already has a field ${newName}` : undefined;
    }
    case 'enumMember': {
      const e = d.container?.node as A.EnumDecl | undefined;
      if (e?.members.some((m) => m?.name?.name === newName)) return `${d.container!.name} already has a member ${newName}`;
      const other = taken(['enumMember', ...values]);
      return other ? `${say(other)}: a bare ${newName} would be ambiguous` : undefined;
    }
    case 'item':
    case 'rule': {
      const other = taken(['item', 'rule', ...values], new Set([d.file]));
      return other ? say(other) : undefined;
    }
    case 'variable': {
      const aggregate = d.node as A.AggregateExpr;
      const inside = (s: Site) => s.file === d.file && s.span.start >= aggregate.span.start && s.span.end <= aggregate.span.end;
      for (const s of index.sites(d.file)) {
        if (!inside(s) || s.definition === d) continue;
        if (s.definition.name === newName || s.boundHere.includes(newName)) {
          return `${newName} is already used inside this ${aggregate.fn}(…): the rename would change what it means`;
        }
      }
      if (sites.some((s) => s.boundHere.includes(newName))) return `${newName} is bound by an outer aggregation`;
      return undefined;
    }
    case 'policy':
    case 'file':
      return undefined;
  }
}

/** The file, the files it imports, the files that import it, and what those import: every scope a name of it is seen in. */
function relatedFiles(analysis: Analysis, index: SymbolIndex, file: string): Set<string> {
  const out = new Set<string>([file, ...index.importClosure(file)]);
  for (const f of analysis.result.files.keys()) {
    const closure = index.importClosure(f);
    if (closure.has(file)) {
      out.add(f);
      for (const x of closure) out.add(x);
    }
  }
  return out;
}
