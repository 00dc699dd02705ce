/**
 * The outline of a file (LSP document symbols): the header, types with their fields,
 * enums with their members, definitions, criteria with their named items, and the
 * decide block's tiers, outcomes, exclusions, priorities and benefits.
 */
import type * as A from '@bylaw/dsl';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { ruleWord } from './describe.js';
import type { PositionIndex } from './text.js';

/** The outline of a parsed file (partial ASTs give a partial outline). */
export function outline(ast: A.SourceFile, lines: PositionIndex): DocumentSymbol[] {
  const symbol = (name: string | undefined, detail: string, kind: SymbolKind, node: { span: A.Span }, selection: A.Span | undefined, children: DocumentSymbol[] = []): DocumentSymbol | undefined => {
    if (!name || !node?.span) return undefined;
    const range = lines.range(node.span);
    const selectionRange = selection && selection.start >= node.span.start && selection.end <= node.span.end ? lines.range(selection) : range;
    return { name, detail, kind, range, selectionRange, children };
  };
  const labelled = (label: A.StringLiteral | undefined, cites?: A.StringLiteral) => [label?.value, cites ? `cites ${cites.value}` : undefined].filter(Boolean).join(' · ');
  const items = (body: A.CriterionBody | undefined): DocumentSymbol[] => {
    if (!body || body.kind !== 'Combinator') return [];
    const out: DocumentSymbol[] = [];
    for (const item of body.items ?? []) {
      if (!item) continue;
      const inner = items(item.body);
      // An unnamed item is not a symbol, but the named items inside it are.
      if (!item.id) out.push(...inner);
      else push(out, symbol(item.id.name, labelled(item.label, item.cites), SymbolKind.Boolean, item, item.id.span, inner));
    }
    return out;
  };
  const out: DocumentSymbol[] = [];
  if (ast.header?.id) {
    push(out, symbol(ast.header.id.text, [ast.header.title?.value, version(ast.header)].filter(Boolean).join(' · '), SymbolKind.Module, ast.header, ast.header.id.span));
  }
  for (const d of ast.declarations) {
    if (!d) continue;
    switch (d.kind) {
      case 'SubjectDecl':
        push(out, symbol(d.name?.name, 'subject', SymbolKind.Variable, d, d.name?.span));
        break;
      case 'RecordTypeDecl':
        push(
          out,
          symbol(d.name?.name, d.label?.value ?? 'type', SymbolKind.Struct, d, d.name?.span, compact((d.fields ?? []).map((f) => f && symbol(f.name?.name, f.label?.value ?? '', SymbolKind.Field, f, f.name?.span)))),
        );
        break;
      case 'EnumDecl':
        push(
          out,
          symbol(d.name?.name, d.label?.value ?? (d.ordered ? 'ordered enum' : 'enum'), SymbolKind.Enum, d, d.name?.span, compact((d.members ?? []).map((m) => m && symbol(m.name?.name, m.value?.value ?? '', SymbolKind.EnumMember, m, m.name?.span)))),
        );
        break;
      case 'LetDecl':
        push(out, symbol(d.name?.name, d.label?.value ?? 'let', SymbolKind.Variable, d, d.name?.span));
        break;
      case 'ParamDecl':
        push(out, symbol(d.name?.name, d.label?.value ?? 'param', SymbolKind.Constant, d, d.name?.span));
        break;
      case 'PlaceholderDecl':
        push(out, symbol(d.name?.name, `placeholder${d.label ? ` · ${d.label.value}` : ''}`, SymbolKind.Constant, d, d.name?.span));
        break;
      case 'TableDecl':
        push(out, symbol(d.name?.name, d.label?.value ?? 'table', SymbolKind.Array, d, d.name?.span));
        break;
      case 'CriterionDecl':
        push(out, symbol(d.id?.name, labelled(d.label, d.cites), SymbolKind.Boolean, d, d.id?.span, items(d.body)));
        break;
      case 'DecideBlock': {
        const rules: DocumentSymbol[] = [];
        for (const r of d.rules ?? []) {
          if (!r) continue;
          if (r.kind === 'AdmitRule') push(rules, symbol('admit when', '', SymbolKind.Event, r, undefined, items(r.body)));
          else {
            const kind = r.kind === 'BenefitRule' ? SymbolKind.Property : r.kind === 'ExcludeRule' ? SymbolKind.Event : r.kind === 'PreferRule' ? SymbolKind.Boolean : SymbolKind.EnumMember;
            const detail = [ruleWord(r), labelled(r.label, r.cites)].filter(Boolean).join(' · ');
            push(rules, symbol(r.id?.name, detail, kind, r, r.id?.span, 'body' in r ? items(r.body) : []));
          }
        }
        push(out, symbol('decide', 'tiers, outcomes, exclusions, benefits', SymbolKind.Namespace, d, undefined, rules));
        break;
      }
    }
  }
  return out;
}

function version(h: A.PolicyHeader): string | undefined {
  const v = h.items.find((i) => i?.kind === 'VersionItem');
  return v?.kind === 'VersionItem' ? `version ${v.value.value}` : undefined;
}

function push(out: DocumentSymbol[], s: DocumentSymbol | undefined): void {
  if (s) out.push(s);
}

function compact(xs: (DocumentSymbol | undefined)[]): DocumentSymbol[] {
  return xs.filter((x): x is DocumentSymbol => x !== undefined);
}
