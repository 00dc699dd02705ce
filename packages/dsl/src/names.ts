/**
 * Names and declared types: the first layer of checking one file. It keeps
 * the file's state (declarations, scopes, diagnostics), resolves type
 * declarations (enums, records, fields, type references) and every name in an
 * expression — the subject, definitions, enum members (bare ones by the type
 * expected), aggregation variables — reporting unknown names with a "did you
 * mean". The expression types (typecheck.ts) and the file's declarations and
 * decide block (check-file.ts) are the layers above.
 */
import type * as A from './ast.js';
import { diagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
import { Types, typeToString, type EnumType, type FieldType, type RecordType, type Type } from './types.js';
import type { ResolvedName } from './checked.js';
import { some, suggest } from './suggest.js';

/** A declaration that defines a value name. */
export type Named = A.LetDecl | A.ParamDecl | A.PlaceholderDecl | A.TableDecl | A.CriterionDecl;

/** The state of checking one file, and its names and declared types. */
export abstract class NameResolver {
  protected readonly diagnostics: Diagnostic[] = [];
  protected readonly types = new Map<A.Expression, Type>();
  protected readonly names = new Map<A.Expression, ResolvedName>();
  protected readonly typeNames = new Map<A.NamedTypeRef, Type>();
  protected readonly typeDecls = new Map<string, { decl: A.RecordTypeDecl | A.EnumDecl; file: string }>();
  protected readonly resolvedTypes = new Map<string, Type>();
  protected readonly values = new Map<string, { decl: Named; file: string }>();
  protected readonly valueTypes = new Map<Named, Type | 'checking'>();
  protected readonly used = new Set<Named>();
  protected readonly enums: EnumType[] = [];
  protected readonly references = new Set<string>();
  protected subjectName: string | undefined;
  protected subjectType: Type = Types.error;
  protected scopes: Map<string, ResolvedName>[] = [];
  protected currentFile: string;

  constructor(path: string) {
    this.currentFile = path;
  }

  /** What the names and expressions seen so far resolve to (for editors). */
  resolution(): { types: ReadonlyMap<A.Expression, Type>; names: ReadonlyMap<A.Expression, ResolvedName>; typeNames: ReadonlyMap<A.NamedTypeRef, Type> } {
    return { types: this.types, names: this.names, typeNames: this.typeNames };
  }

  protected report(code: DiagnosticCode, span: A.Span, message: string, extra: { hint?: string; related?: { file: string; span: A.Span; message: string }[] } = {}) {
    this.diagnostics.push(diagnostic(code, this.currentFile, span, message, extra));
  }

  /** The type of a definition, checked on first use (in dependency order). */
  protected abstract typeOfNamed(decl: Named): Type;
  /** Type-check an expression (typecheck.ts). */
  abstract checkExpr(node: A.Expression, expected?: Type): Type;
  protected abstract expectType(node: A.Expression, actual: Type, expected: Type, what: string): void;

  protected duplicate(name: A.Identifier, first: A.Identifier, firstFile: string, what: string) {
    this.report('BYL2010', name.span, `${what} ${name.name} is declared twice`, {
      hint: 'rename one of them',
      related: [{ file: firstFile, span: first.span, message: 'first declared here' }],
    });
  }

  // ------------------------------------------------------------------ types

  protected enumType(decl: A.EnumDecl): EnumType {
    const byDataValue = new Map<string, number>();
    const members: string[] = [];
    const declared = new Set<string>();
    decl.members.forEach((m, i) => {
      if (declared.has(m.name.name)) {
        this.report('BYL2010', m.name.span, `enum member ${m.name.name} is declared twice`);
        return;
      }
      members.push(m.name.name);
      declared.add(m.name.name);
      const dataValue = m.value?.value ?? m.name.name;
      if (byDataValue.has(dataValue)) this.report('BYL2010', m.span, `two members of ${decl.name.name} have the data value ${JSON.stringify(dataValue)}`);
      byDataValue.set(dataValue, i);
      if (m.value && !byDataValue.has(m.name.name)) byDataValue.set(m.name.name, i);
    });
    const t: EnumType = { kind: 'enum', name: decl.name.name, ordered: decl.ordered, decl, members, byDataValue };
    this.enums.push(t);
    return t;
  }

  protected fillRecord(decl: A.RecordTypeDecl) {
    const record = this.resolvedTypes.get(decl.name.name) as RecordType;
    const fields = record.fields as Map<string, FieldType>;
    for (const f of decl.fields) {
      if (fields.has(f.name.name)) {
        this.report('BYL2010', f.name.span, `field ${f.name.name} is declared twice in ${decl.name.name}`);
        continue;
      }
      const type = this.resolveTypeRef(f.type);
      if (type.kind === 'table' || type.kind === 'duration') {
        this.report('BYL2004', f.type.span, `a field cannot have type ${typeToString(type)}`, { hint: 'data fields are values, lists, records or monthly series' });
      }
      if (f.defaultValue) {
        if (f.optional) {
          this.report('BYL2017', f.defaultValue.span, `field ${f.name.name} is both optional (?) and has a default`, {
            hint: 'use ? when absence means unknown, = value when absence means that value',
          });
        }
        if (!isFieldLiteral(f.defaultValue)) {
          this.report('BYL2017', f.defaultValue.span, 'a field default must be a literal value', { hint: 'write = false, = 0, = "" or an enum member' });
        } else {
          const t = this.checkExpr(f.defaultValue, type);
          this.expectType(f.defaultValue, t, type, `the default of ${f.name.name}`);
        }
      }
      fields.set(f.name.name, { name: f.name.name, type, optional: f.optional || f.defaultValue !== undefined, decl: f });
    }
  }

  protected resolveTypeRef(ref: A.TypeRef): Type {
    switch (ref.kind) {
      case 'PrimitiveType':
        return Types[ref.name];
      case 'ListType':
        return { kind: 'list', element: this.resolveTypeRef(ref.element) };
      case 'MonthlyType':
        return { kind: 'monthly', element: this.resolveTypeRef(ref.element) };
      case 'TableType': {
        const key = this.resolveTypeRef(ref.key);
        if (key.kind !== 'string' && key.kind !== 'enum' && key.kind !== 'error') {
          this.report('BYL2015', ref.key.span, `table keys must be strings or an enum, not ${typeToString(key)}`);
        }
        return { kind: 'table', key, value: this.resolveTypeRef(ref.value) };
      }
      case 'NamedType': {
        const t = this.resolvedTypes.get(ref.name.name);
        if (t) {
          this.typeNames.set(ref, t);
          return t;
        }
        this.report('BYL2002', ref.span, `unknown type ${ref.name.name}`, {
          hint: suggest(ref.name.name, () => [...this.typeDecls.keys(), 'bool', 'number', 'string', 'date', 'datetime']) ?? 'declare it with type … { } or enum … { }, or import the file that declares it',
        });
        return Types.error;
      }
    }
  }

  // ------------------------------------------------------------------ names

  protected lookup(name: string): ResolvedName | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const r = this.scopes[i]!.get(name);
      if (r) return r;
    }
    if (name === this.subjectName) return { kind: 'subject', name, type: this.subjectType };
    const v = this.values.get(name);
    if (v) {
      this.used.add(v.decl);
      const saveFile = this.currentFile;
      this.currentFile = v.file;
      const type = this.typeOfNamed(v.decl);
      this.currentFile = saveFile;
      switch (v.decl.kind) {
        case 'LetDecl':
          return { kind: 'let', decl: v.decl, type };
        case 'ParamDecl':
          return { kind: 'param', decl: v.decl, type };
        case 'PlaceholderDecl':
          return { kind: 'placeholder', decl: v.decl, type };
        case 'TableDecl':
          return { kind: 'table', decl: v.decl, type };
        case 'CriterionDecl':
          return { kind: 'criterion', decl: v.decl };
      }
    }
    const t = this.resolvedTypes.get(name);
    if (t?.kind === 'enum') return { kind: 'enumType', enum: t };
    return undefined;
  }

  protected checkName(node: A.NameRef, expected?: Type): Type {
    const r = this.lookup(node.name);
    if (r && r.kind !== 'enumType') {
      this.names.set(node, r);
      return r.kind === 'criterion' ? Types.bool : r.kind === 'enumMember' ? r.enum : r.type;
    }
    // A bare enum member: from the expected type, else the one enum that has it.
    if (expected?.kind === 'enum') {
      const index = memberIndex(expected).get(node.name) ?? -1;
      if (index >= 0) {
        this.names.set(node, { kind: 'enumMember', enum: expected, index });
        return expected;
      }
    }
    const owners = this.enums.filter((e) => memberIndex(e).has(node.name));
    if (owners.length === 1) {
      const e = owners[0]!;
      this.names.set(node, { kind: 'enumMember', enum: e, index: memberIndex(e).get(node.name)! });
      return e;
    }
    if (owners.length > 1) {
      this.report('BYL2006', node.span, `${node.name} is a member of ${owners.map((o) => o.name).join(' and ')}`, {
        hint: `write ${owners[0]!.name}.${node.name} to say which`,
      });
      return Types.error;
    }
    if (r?.kind === 'enumType') {
      this.report('BYL2004', node.span, `${node.name} is an enum type, not a value`, { hint: `write one of its members, such as ${r.enum.name}.${r.enum.members[0] ?? '…'}` });
      return Types.error;
    }
    if (expected?.kind === 'enum') {
      this.report('BYL2005', node.span, `${node.name} is not a member of ${expected.name}`, {
        hint: suggest(node.name, expected.members) ?? `members: ${some(expected.members, expected.members.length)}`,
      });
      return Types.error;
    }
    const candidates = () => [
      ...this.scopes.flatMap((s) => [...s.keys()]),
      ...(this.subjectName ? [this.subjectName] : []),
      ...this.values.keys(),
      ...this.enums.flatMap((e) => e.members),
    ];
    this.report('BYL2001', node.span, `unknown name ${node.name}`, {
      hint: suggest(node.name, candidates) ?? 'declare it with let, param, placeholder, table or criterion',
    });
    return Types.error;
  }
}

/** The identifier a definition declares. */
export function nameOf(d: Named): A.Identifier {
  return d.kind === 'CriterionDecl' ? d.id : d.name;
}

/** Whether a field default is a literal value (an enum member or a negative number included). */
function isFieldLiteral(e: A.Expression): boolean {
  return (
    e.kind === 'NumberLiteral' ||
    e.kind === 'StringLiteral' ||
    e.kind === 'BoolLiteral' ||
    e.kind === 'DateLiteral' ||
    e.kind === 'DateTimeLiteral' ||
    e.kind === 'NameRef' ||
    (e.kind === 'ListLiteral' && e.elements.every(isFieldLiteral)) ||
    (e.kind === 'UnaryExpr' && e.operator === '-' && e.operand.kind === 'NumberLiteral') ||
    (e.kind === 'MemberAccess' && e.object.kind === 'NameRef')
  );
}

const memberIndexes = new WeakMap<EnumType, Map<string, number>>();
export function memberIndex(e: EnumType): Map<string, number> {
  let index = memberIndexes.get(e);
  if (!index) {
    index = new Map();
    e.members.forEach((m, i) => index!.has(m) || index!.set(m, i));
    memberIndexes.set(e, index);
  }
  return index;
}

