/**
 * The symbol index of an analysis: every definition (a declared name) and every
 * reference to one, across the files checked together. References come from the
 * checker's resolutions (what each name, field access and type name refers to), so
 * the index never decides on its own what a name means; declarations come from the ASTs.
 */
import type * as A from '@bylaw/dsl';
import type { FileResolution, RecordType, Type } from '@bylaw/dsl';
import type { Analysis } from './workspace.js';

/** What kind of thing a definition declares. */
export type DefinitionKind =
  | 'policy'
  | 'file'
  | 'subject'
  | 'type'
  | 'enum'
  | 'field'
  | 'enumMember'
  | 'let'
  | 'param'
  | 'placeholder'
  | 'table'
  | 'criterion'
  | 'item'
  | 'rule'
  | 'variable';

/** A declared name. */
export interface Definition {
  readonly kind: DefinitionKind;
  readonly name: string;
  readonly file: string;
  /** Where the name is written in its declaration. */
  readonly nameSpan: A.Span;
  /** The declaration (for a variable, its aggregation; for a file, its AST). */
  readonly node: A.Node;
  /** The record of a field, the enum of a member, the criterion or rule of an item. */
  readonly container?: Definition;
}

/** A place where a name is written: its declaration or a use. */
export interface Site {
  readonly file: string;
  readonly span: A.Span;
  readonly definition: Definition;
  readonly declaration: boolean;
  /** Names bound by the aggregations around a use (they hide other names there). */
  readonly boundHere: readonly string[];
  /** The expression at the site, when it is one (for its type). */
  readonly expression?: A.Expression;
}

/** Definitions and sites of every file of an analysis. */
export interface SymbolIndex {
  /** Sites of a file, sorted by start. */
  sites(file: string): readonly Site[];
  /** Every site in the analysis. */
  allSites(): Iterable<Site>;
  /** Every definition in the analysis. */
  definitions(): Iterable<Definition>;
  /** The definition declared by a node, if any. */
  definitionOf(node: A.Node): Definition | undefined;
  /** The resolution of a file, if the checker could resolve it. */
  resolution(file: string): FileResolution | undefined;
  /** The files a file imports, directly and through other imports. */
  importClosure(file: string): ReadonlySet<string>;
}

/** Build the index of an analysis. */
export function buildIndex(analysis: Analysis): SymbolIndex {
  const { result } = analysis;
  const defs = new Map<A.Node, Definition>();
  const sites = new Map<string, Site[]>();
  const policyDefs = new Map<string, Definition[]>();
  const fileDefs = new Map<string, Definition>();

  const define = (kind: DefinitionKind, file: string, name: A.Identifier, node: A.Node, container?: Definition): Definition | undefined => {
    if (!name || typeof name.name !== 'string' || name.name === '') return undefined; // a hole left by error recovery
    const d: Definition = container ? { kind, name: name.name, file, nameSpan: name.span, node, container } : { kind, name: name.name, file, nameSpan: name.span, node };
    defs.set(node, d);
    return d;
  };

  // 1. Definitions, from each file's AST.
  for (const [file, { ast }] of result.files) {
    fileDefs.set(file, { kind: 'file', name: file, file, nameSpan: { start: 0, end: 0 }, node: ast });
    if (ast.header?.id) {
      const id = ast.header.id;
      const d: Definition = { kind: 'policy', name: id.text, file, nameSpan: id.span, node: ast.header };
      defs.set(ast.header, d);
      policyDefs.set(id.text, [...(policyDefs.get(id.text) ?? []), d]);
    }
    for (const decl of ast.declarations) {
      switch (decl.kind) {
        case 'SubjectDecl':
          define('subject', file, decl.name, decl);
          break;
        case 'RecordTypeDecl': {
          const t = define('type', file, decl.name, decl);
          for (const f of decl.fields ?? []) if (f) define('field', file, f.name, f, t);
          break;
        }
        case 'EnumDecl': {
          const e = define('enum', file, decl.name, decl);
          for (const m of decl.members ?? []) if (m) define('enumMember', file, m.name, m, e);
          break;
        }
        case 'LetDecl':
          define('let', file, decl.name, decl);
          break;
        case 'ParamDecl':
          define('param', file, decl.name, decl);
          break;
        case 'PlaceholderDecl':
          define('placeholder', file, decl.name, decl);
          break;
        case 'TableDecl':
          define('table', file, decl.name, decl);
          break;
        case 'CriterionDecl': {
          const c = define('criterion', file, decl.id, decl);
          defineItems(file, decl.body, c);
          break;
        }
        case 'DecideBlock':
          for (const rule of decl.rules ?? []) {
            if (!rule) continue;
            const r = 'id' in rule && rule.id ? define('rule', file, rule.id, rule) : undefined;
            if ('body' in rule && rule.body) defineItems(file, rule.body, r);
          }
          break;
      }
    }
  }
  function defineItems(file: string, body: A.CriterionBody, container: Definition | undefined): void {
    if (!body || body.kind !== 'Combinator') return;
    for (const item of body.items ?? []) {
      if (!item) continue;
      const d = item.id ? define('item', file, item.id, item, container) : undefined;
      defineItems(file, item.body, d ?? container);
    }
  }

  // 2. Sites: declarations and uses, each file with its own resolution.
  for (const [file, { ast }] of result.files) {
    const out: Site[] = [];
    const resolution = result.resolutions.get(file);
    const subject = ast.declarations.find((d): d is A.SubjectDecl => d?.kind === 'SubjectDecl');
    const add = (span: A.Span, definition: Definition | undefined, declaration: boolean, boundHere: readonly string[], expression?: A.Expression) => {
      if (!definition || !span || !(span.end > span.start)) return;
      out.push(expression ? { file, span, definition, declaration, boundHere, expression } : { file, span, definition, declaration, boundHere });
    };
    const typeDefinition = (t: Type | undefined) => (t && (t.kind === 'record' || t.kind === 'enum') ? defs.get(t.decl) : undefined);
    const memberDefinition = (t: Type | undefined, name: string) => {
      if (t?.kind !== 'enum') return undefined;
      const member = t.decl.members.find((m) => m?.name?.name === name);
      return member ? defs.get(member) : undefined;
    };
    const fieldDefinition = (t: Type | undefined, name: string) => {
      const field = t?.kind === 'record' ? (t as RecordType).fields.get(name) : undefined;
      return field ? defs.get(field.decl) : undefined;
    };

    const visit = (node: unknown, bound: readonly string[]): void => {
      if (node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (const x of node) visit(x, bound);
        return;
      }
      const n = node as A.Node;
      const own = defs.get(n);
      if (own && own.file === file && own.kind !== 'policy') add(own.nameSpan, own, true, bound);
      switch (n.kind) {
        case 'PolicyHeader':
          add(n.id?.span, defs.get(n), true, bound);
          for (const item of n.items ?? []) visit(item, bound);
          return;
        case 'ImportDecl': {
          if (n.path?.value === undefined) return;
          const target = analysis.resolveImport(file, n.path.value);
          if (result.files.has(target)) add(n.path.span, fileDefs.get(target), false, bound);
          return;
        }
        case 'NameRef': {
          const r = resolution?.names.get(n);
          let d: Definition | undefined;
          switch (r?.kind) {
            case 'subject':
              d = subject ? defs.get(subject) : undefined;
              break;
            case 'let':
            case 'param':
            case 'placeholder':
            case 'table':
            case 'criterion':
              d = defs.get(r.decl);
              break;
            case 'enumMember':
              d = memberDefinition(r.enum, r.enum.members[r.index] ?? '');
              break;
            case 'enumType':
              d = defs.get(r.enum.decl);
              break;
            case 'variable':
              d = defs.get(r.binder);
              break;
            case undefined:
              break;
          }
          add(n.span, d, false, bound, n);
          return;
        }
        case 'MemberAccess': {
          visit(n.object, bound);
          if (!n.member) return;
          const r = resolution?.names.get(n);
          const d = r?.kind === 'enumMember' ? memberDefinition(r.enum, n.member.name) : fieldDefinition(resolution?.types.get(n.object), n.member.name);
          add(n.member.span, d, false, bound, n);
          return;
        }
        case 'NamedType':
          add(n.span, typeDefinition(resolution?.typeNames.get(n)), false, bound);
          return;
        case 'AggregateExpr': {
          visit(n.source, bound);
          let inner = bound;
          if (n.variable?.name) {
            const d: Definition = { kind: 'variable', name: n.variable.name, file, nameSpan: n.variable.span, node: n };
            defs.set(n.variable, d);
            add(n.variable.span, d, true, bound);
            inner = [...bound, n.variable.name];
          }
          visit(n.filter, inner);
          visit(n.projection, inner);
          return;
        }
        case 'SatisfiesExpr':
          visit(n.subject, bound);
          for (const d of policyDefs.get(n.policy?.text) ?? []) add(n.policy.span, d, false, bound);
          return;
        case 'TableDecl': {
          const keyType = n.keyType?.kind === 'NamedType' ? resolution?.typeNames.get(n.keyType) : undefined;
          for (const e of n.entries ?? []) {
            if (e?.key?.kind === 'Identifier') add(e.key.span, memberDefinition(keyType, e.key.name), false, bound);
            visit(e?.value, bound);
          }
          visit(n.keyType, bound);
          visit(n.valueType, bound);
          visit(n.defaultValue, bound);
          return;
        }
        case 'BenefitRule': {
          const decide = ast.declarations.find((d): d is A.DecideBlock => d?.kind === 'DecideBlock' && d.rules.includes(n));
          for (const target of n.grantedTo ?? []) {
            const rule = decide?.rules.find(
              (r) => r && (r.kind === 'TierRule' || r.kind === 'DefaultTierRule' || r.kind === 'OutcomeRule' || r.kind === 'OtherwiseRule') && r.id?.name === target?.name,
            );
            add(target?.span, rule ? defs.get(rule) : undefined, false, bound);
          }
          return;
        }
        default:
          break;
      }
      for (const key in n) {
        if (key === 'span' || key === 'comments') continue;
        const child = (n as unknown as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') visit(child, bound);
      }
    };
    if (ast.header) visit(ast.header, []);
    for (const imp of ast.imports) visit(imp, []);
    for (const decl of ast.declarations) visit(decl, []);
    out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    sites.set(file, out);
  }

  const closures = new Map<string, Set<string>>();
  const importClosure = (file: string): Set<string> => {
    let c = closures.get(file);
    if (c) return c;
    c = new Set();
    closures.set(file, c);
    const work = [file];
    while (work.length > 0) {
      const f = work.pop()!;
      for (const imp of result.files.get(f)?.ast.imports ?? []) {
        if (imp?.path?.value === undefined) continue;
        const target = analysis.resolveImport(f, imp.path.value);
        if (target !== file && !c.has(target) && result.files.has(target)) {
          c.add(target);
          work.push(target);
        }
      }
    }
    return c;
  };

  return {
    sites: (file) => sites.get(file) ?? [],
    *allSites() {
      for (const list of sites.values()) yield* list;
    },
    definitions: () => defs.values(),
    definitionOf: (node) => defs.get(node),
    resolution: (file) => result.resolutions.get(file),
    importClosure,
  };
}

/** The site at an offset of a file: the innermost one whose span holds it (its end included). */
export function siteAt(index: SymbolIndex, file: string, offset: number): Site | undefined {
  let best: Site | undefined;
  for (const s of index.sites(file)) {
    if (s.span.start > offset) break;
    if (offset <= s.span.end && (!best || s.span.end - s.span.start <= best.span.end - best.span.start)) best = s;
  }
  return best;
}
