/**
 * The checker: AST → checked program. Resolves names and imports, gives every
 * expression a type, and finds the policy-level mistakes (duplicate ids,
 * unreachable tiers, overlapping versions, unknown or cyclic policy
 * references) before anything runs.
 */
import type * as A from './ast.js';
import { parse } from './parser.js';
import { diagnostic, sortDiagnostics, type Diagnostic, type DiagnosticCode } from './diagnostics.js';
import { Types, isAssignable, typeToString, type EnumType, type FieldType, type RecordType, type Type } from './types.js';
import { defaultLimits, type Limits } from './limits.js';

/** What a name in an expression refers to. */
export type ResolvedName =
  | { readonly kind: 'subject'; readonly name: string; readonly type: Type }
  | { readonly kind: 'let'; readonly decl: A.LetDecl; readonly type: Type }
  | { readonly kind: 'param'; readonly decl: A.ParamDecl; readonly type: Type }
  | { readonly kind: 'placeholder'; readonly decl: A.PlaceholderDecl; readonly type: Type }
  | { readonly kind: 'table'; readonly decl: A.TableDecl; readonly type: Type }
  | { readonly kind: 'criterion'; readonly decl: A.CriterionDecl }
  | { readonly kind: 'enumMember'; readonly enum: EnumType; readonly index: number }
  | { readonly kind: 'enumType'; readonly enum: EnumType }
  | { readonly kind: 'variable'; readonly name: string; readonly type: Type; readonly binder: A.Identifier };

/** The effective period of a policy version: `from ≤ day < until`, as `YYYY-MM-DD`. */
export interface EffectivePeriod {
  readonly from: string;
  readonly until: string | undefined;
}

/** A policy that passed the checker: its header facts, declarations and the checker's findings. */
export interface CheckedPolicy {
  readonly id: string;
  readonly title: string | undefined;
  readonly version: string;
  readonly published: string;
  readonly effective: EffectivePeriod;
  readonly source: string | undefined;
  readonly note: string | undefined;
  readonly timezone: string;
  readonly file: string;
  /** The policy file's source text (for hashing and explanations). */
  readonly text: string;
  readonly ast: A.SourceFile;
  readonly subject: { readonly name: string; readonly type: RecordType };
  readonly lets: readonly A.LetDecl[];
  readonly params: readonly A.ParamDecl[];
  readonly placeholders: readonly A.PlaceholderDecl[];
  readonly tables: readonly A.TableDecl[];
  readonly criteria: readonly A.CriterionDecl[];
  readonly decide: A.DecideBlock;
  /** The type of every checked expression. */
  readonly types: ReadonlyMap<A.Expression, Type>;
  /** What each name (and each `Enum.member` access) refers to. */
  readonly names: ReadonlyMap<A.Expression, ResolvedName>;
  /** Declared types of params, placeholders and tables, by name. */
  readonly declaredTypes: ReadonlyMap<string, Type>;
  /** Ids of the policies this one refers to with `satisfies`. */
  readonly references: readonly string[];
  /** Source text of every file involved (the policy and its imports), by path. */
  readonly sources: ReadonlyMap<string, string>;
  /** The file each declaration comes from (imported declarations come from libraries). */
  readonly declarationFiles: ReadonlyMap<A.Declaration, string>;
}

/** A file given to the checker. */
export interface SourceInput {
  readonly path: string;
  readonly text: string;
}

/** How the checker reads imported files. */
export interface SourceHost {
  /** The text of a file, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** The path of `specifier` imported from the file at `from`. */
  resolve(from: string, specifier: string): string;
}

/** What {@link check} returns. */
export interface CheckResult {
  readonly policies: readonly CheckedPolicy[];
  readonly diagnostics: readonly Diagnostic[];
  /** Parsed files by path, including imported libraries. */
  readonly files: ReadonlyMap<string, { readonly text: string; readonly ast: A.SourceFile }>;
}

/** Options for {@link check}. */
export interface CheckOptions {
  readonly host?: SourceHost;
  readonly limits?: Partial<Limits>;
  /** Ids of policies that exist outside the checked files (so `satisfies` to them is not an error). */
  readonly knownPolicies?: readonly string[];
}

const DEFAULT_ZONE = 'Asia/Shanghai';

/**
 * Check a set of policy files together: parse them (and their imports), check
 * each file, then check the versions and references across files.
 *
 * @example
 * ```ts
 * const result = check([{ path: 'silver.policy', text }]);
 * if (result.diagnostics.some((d) => d.severity === 'error')) …
 * ```
 */
export function check(inputs: readonly SourceInput[], options: CheckOptions = {}): CheckResult {
  suggestionBudget = SUGGESTION_BUDGET;
  try {
    return checkFiles(inputs, options);
  } finally {
    suggestionBudget = Infinity;
  }
}

function checkFiles(inputs: readonly SourceInput[], options: CheckOptions): CheckResult {
  const limits = { ...defaultLimits, ...options.limits };
  const diagnostics: Diagnostic[] = [];
  // Not diagnostics.push(...many): a hostile file can have more diagnostics than the stack holds arguments.
  const add = (ds: readonly Diagnostic[]) => {
    for (const d of ds) diagnostics.push(d);
  };
  const files = new Map<string, { text: string; ast: A.SourceFile; ok: boolean }>();
  const load = (path: string, text: string) => {
    const parsed = parse(text, path, limits);
    add(parsed.diagnostics);
    const entry = { text, ast: parsed.ast, ok: !parsed.diagnostics.some((d) => d.severity === 'error') };
    files.set(path, entry);
    return entry;
  };
  for (const input of inputs) if (!files.has(input.path)) load(input.path, input.text);

  // Imports, transitively, each file read once.
  const importsOf = new Map<string, string[]>();
  const queue = [...files.keys()];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const entry = files.get(path)!;
    const resolved: string[] = [];
    for (const imp of entry.ast.imports) {
      if (!options.host) {
        diagnostics.push(
          diagnostic('BYL2011', path, imp.path.span, `cannot import ${imp.path.raw}: no file system here`, {
            hint: 'check the files with the CLI or pass a host that can read files',
          }),
        );
        continue;
      }
      const target = options.host.resolve(path, imp.path.value);
      if (!files.has(target)) {
        const text = options.host.readFile(target);
        if (text === undefined) {
          diagnostics.push(
            diagnostic('BYL2011', path, imp.path.span, `cannot read imported file ${imp.path.raw}`, {
              hint: `the path is relative to this file; looked for ${target}`,
            }),
          );
          continue;
        }
        load(target, text);
        queue.push(target);
      }
      const imported = files.get(target)!;
      if (imported.ast.header) {
        diagnostics.push(
          diagnostic('BYL2011', path, imp.path.span, `${imp.path.raw} is a policy, not a library`, {
            hint: 'import only files without a policy header (types and shared definitions)',
          }),
        );
        continue;
      }
      resolved.push(target);
    }
    importsOf.set(path, resolved);
  }

  const libraryClosure = (path: string): string[] => {
    const seen = new Set<string>();
    const visit = (p: string) => {
      for (const dep of importsOf.get(p) ?? []) {
        if (seen.has(dep) || dep === path) continue;
        seen.add(dep);
        visit(dep);
      }
    };
    visit(path);
    return [...seen];
  };

  const policies: CheckedPolicy[] = [];
  for (const [path, entry] of files) {
    const libs = libraryClosure(path);
    if (!entry.ok || libs.some((l) => !files.get(l)!.ok)) continue;
    const checker = new FileChecker(path, entry.text, entry.ast, libs.map((l) => ({ path: l, ...files.get(l)! })));
    const result = checker.run();
    add(result.diagnostics);
    if (result.policy && !result.diagnostics.some((d) => d.severity === 'error')) {
      const tooDeep = checkEvaluationDepth(result.policy, limits.maxNestingDepth);
      if (tooDeep) add([tooDeep]);
      else policies.push(result.policy);
    }
  }
  add(checkAcrossPolicies(policies, [...files.values()].map((f) => f.ast), options.knownPolicies ?? []));
  return {
    policies,
    diagnostics: dedupe(sortDiagnostics(diagnostics)),
    files: new Map([...files].map(([k, v]) => [k, { text: v.text, ast: v.ast }])),
  };
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.file}|${d.span.start}|${d.span.end}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------
// One file

type Decl = A.Declaration;
type Named = A.LetDecl | A.ParamDecl | A.PlaceholderDecl | A.TableDecl | A.CriterionDecl;

class FileChecker {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly types = new Map<A.Expression, Type>();
  private readonly names = new Map<A.Expression, ResolvedName>();
  private readonly typeDecls = new Map<string, { decl: A.RecordTypeDecl | A.EnumDecl; file: string }>();
  private readonly resolvedTypes = new Map<string, Type>();
  private readonly values = new Map<string, { decl: Named; file: string }>();
  private readonly valueTypes = new Map<Named, Type | 'checking'>();
  private readonly used = new Set<Named>();
  private readonly enums: EnumType[] = [];
  private readonly references = new Set<string>();
  private subjectName: string | undefined;
  private subjectType: Type = Types.error;
  private scopes: Map<string, ResolvedName>[] = [];
  private currentFile: string;

  constructor(
    private readonly path: string,
    private readonly text: string,
    private readonly ast: A.SourceFile,
    private readonly libraries: { path: string; text: string; ast: A.SourceFile }[],
  ) {
    this.currentFile = path;
  }

  private report(code: DiagnosticCode, span: A.Span, message: string, extra: { hint?: string; related?: { file: string; span: A.Span; message: string }[] } = {}) {
    this.diagnostics.push(diagnostic(code, this.currentFile, span, message, extra));
  }

  run(): { policy: CheckedPolicy | undefined; diagnostics: Diagnostic[] } {
    const all: { decl: Decl; file: string }[] = [];
    for (const lib of this.libraries) for (const decl of lib.ast.declarations) all.push({ decl, file: lib.path });
    for (const decl of this.ast.declarations) all.push({ decl, file: this.path });

    // 1. Collect type and value names.
    for (const { decl, file } of all) {
      this.currentFile = file;
      if (decl.kind === 'RecordTypeDecl' || decl.kind === 'EnumDecl') {
        const prev = this.typeDecls.get(decl.name.name);
        if (prev) this.duplicate(decl.name, prev.decl.name, prev.file, 'type');
        else this.typeDecls.set(decl.name.name, { decl, file });
      } else if (decl.kind !== 'SubjectDecl' && decl.kind !== 'DecideBlock') {
        const prev = this.values.get(nameOf(decl).name);
        if (prev) this.duplicate(nameOf(decl), nameOf(prev.decl), prev.file, 'definition');
        else this.values.set(nameOf(decl).name, { decl, file });
      }
    }
    // 2. Resolve declared types (enums first so records can refer to them).
    for (const [name, { decl, file }] of this.typeDecls) {
      this.currentFile = file;
      if (decl.kind === 'EnumDecl') this.resolvedTypes.set(name, this.enumType(decl));
    }
    for (const [name, { decl }] of this.typeDecls) {
      if (decl.kind === 'RecordTypeDecl') this.resolvedTypes.set(name, { kind: 'record', name, decl, fields: new Map() });
    }
    for (const [, { decl, file }] of this.typeDecls) {
      this.currentFile = file;
      if (decl.kind === 'RecordTypeDecl') this.fillRecord(decl);
    }
    // 3. Library-only checks and the subject.
    for (const lib of this.libraries) {
      for (const decl of lib.ast.declarations) {
        if (decl.kind === 'SubjectDecl' || decl.kind === 'DecideBlock') {
          this.currentFile = lib.path;
          this.report('BYL3022', decl.span, 'a library file cannot declare a subject or a decide block', {
            hint: 'move it into the policy file that imports this library',
          });
        }
      }
    }
    this.currentFile = this.path;
    const header = this.ast.header;
    const subjects = this.ast.declarations.filter((d): d is A.SubjectDecl => d.kind === 'SubjectDecl');
    const decides = this.ast.declarations.filter((d): d is A.DecideBlock => d.kind === 'DecideBlock');
    if (!header) {
      for (const d of [...subjects, ...decides]) {
        this.report('BYL3022', d.span, 'a file without a policy header is a library: it cannot declare a subject or a decide block', {
          hint: 'start the file with: policy some.id "标题" version "1" published DATE effective DATE',
        });
      }
    }
    for (const extra of subjects.slice(1)) this.report('BYL3005', extra.span, 'a policy has one subject');
    for (const extra of decides.slice(1)) this.report('BYL3005', extra.span, 'a policy has one decide block');
    const subject = subjects[0];
    if (subject) {
      this.subjectName = subject.name.name;
      this.subjectType = this.resolveTypeRef(subject.type);
      if (this.subjectType.kind !== 'record' && this.subjectType.kind !== 'error') {
        this.report('BYL2004', subject.type.span, `the subject must be a record type, not ${typeToString(this.subjectType)}`);
      }
      if (this.values.has(subject.name.name)) {
        const other = this.values.get(subject.name.name)!;
        this.duplicate(nameOf(other.decl), subject.name, this.path, 'name');
      }
    }
    // 4. Check every definition (lets and criteria lazily, in dependency order).
    for (const [, { decl, file }] of this.values) {
      this.currentFile = file;
      this.typeOfNamed(decl);
    }
    this.currentFile = this.path;
    // 5. The decide block.
    const decide = decides[0];
    if (decide) this.checkDecide(decide);
    this.checkItemIds();
    // 6. Header.
    const headerFacts = header ? this.checkHeader(header, subject, decide) : undefined;
    // 7. Unused definitions and placeholders (only for policies: a library's definitions serve others).
    if (header) {
      for (const [, { decl, file }] of this.values) {
        if (file !== this.path) continue;
        if (decl.kind === 'PlaceholderDecl') {
          this.report('BYL3019', decl.name.span, `placeholder ${decl.name.name}${decl.label ? ` (${decl.label.value})` : ''}: the source text gives no value`, {
            hint: 'supply it with --params, or replace it with a param once the value is published',
          });
        }
        if (!this.used.has(decl)) {
          this.report('BYL3018', nameOf(decl).span, `${kindWord(decl)} ${nameOf(decl).name} is never used`, {
            hint: 'use it in a criterion or the decide block, or delete it',
          });
        }
      }
    }
    if (!header || !headerFacts || !subject || !decide || this.subjectType.kind !== 'record') {
      return { policy: undefined, diagnostics: this.diagnostics };
    }
    const pick = <K extends Named['kind']>(kind: K) =>
      [...this.values.values()].map((v) => v.decl).filter((d): d is Extract<Named, { kind: K }> => d.kind === kind);
    const declaredTypes = new Map<string, Type>();
    for (const { decl } of this.values.values()) {
      if (decl.kind === 'ParamDecl' || decl.kind === 'PlaceholderDecl' || decl.kind === 'TableDecl') {
        const t = this.valueTypes.get(decl);
        if (t && t !== 'checking') declaredTypes.set(decl.name.name, t);
      }
    }
    const sources = new Map<string, string>([[this.path, this.text]]);
    for (const lib of this.libraries) sources.set(lib.path, lib.text);
    const policy: CheckedPolicy = {
      ...headerFacts,
      file: this.path,
      text: this.text,
      ast: this.ast,
      subject: { name: subject.name.name, type: this.subjectType },
      lets: this.letsInDependencyOrder(pick('LetDecl')),
      params: pick('ParamDecl'),
      placeholders: pick('PlaceholderDecl'),
      tables: pick('TableDecl'),
      criteria: pick('CriterionDecl'),
      decide,
      types: this.types,
      names: this.names,
      declaredTypes,
      references: [...this.references],
      sources,
      declarationFiles: new Map(all.map((d) => [d.decl, d.file])),
    };
    return { policy, diagnostics: this.diagnostics };
  }

  private duplicate(name: A.Identifier, first: A.Identifier, firstFile: string, what: string) {
    this.report('BYL2010', name.span, `${what} ${name.name} is declared twice`, {
      hint: 'rename one of them',
      related: [{ file: firstFile, span: first.span, message: 'first declared here' }],
    });
  }

  // ------------------------------------------------------------------ header

  private checkHeader(header: A.PolicyHeader, subject: A.SubjectDecl | undefined, decide: A.DecideBlock | undefined) {
    const seen = new Map<string, A.HeaderItem>();
    for (const item of header.items) {
      const prev = seen.get(item.kind);
      if (prev) {
        this.report('BYL3002', item.span, `the header gives ${headerWord(item.kind)} twice`, {
          related: [{ file: this.path, span: prev.span, message: 'first given here' }],
        });
      } else seen.set(item.kind, item);
    }
    const get = <K extends A.HeaderItem['kind']>(kind: K) => seen.get(kind) as Extract<A.HeaderItem, { kind: K }> | undefined;
    const version = get('VersionItem');
    const published = get('PublishedItem');
    const effective = get('EffectiveItem');
    const missing = [
      !version && 'version "…"',
      !published && 'published DATE',
      !effective && 'effective DATE',
    ].filter(Boolean);
    if (missing.length > 0) {
      this.report('BYL3001', header.id.span, `the policy header lacks ${missing.join(', ')}`, {
        hint: 'every policy states its version, its publication date and the date it takes effect',
      });
    }
    if (!subject) {
      this.report('BYL3006', header.id.span, 'the policy has no subject', { hint: 'declare what it judges: subject merchant: Merchant' });
    }
    if (!decide) {
      this.report('BYL3007', header.id.span, 'the policy has no decide block', {
        hint: 'add decide { admit when … } to say how criteria become a decision',
      });
    }
    if (published && effective && published.value.raw > effective.from.raw) {
      this.report('BYL3003', published.value.span, `published ${published.value.raw} is after effective ${effective.from.raw}`, {
        hint: 'a policy is published before (or on the day) it takes effect',
      });
    }
    if (effective?.until && effective.until.raw <= effective.from.raw) {
      this.report('BYL3004', effective.until.span, `until ${effective.until.raw} is not after effective ${effective.from.raw}`, {
        hint: 'until is exclusive: the version is in force on days effective ≤ d < until',
      });
    }
    const zoneItem = get('TimezoneItem');
    const timezone = zoneItem?.value.value ?? DEFAULT_ZONE;
    if (zoneItem && !isValidZone(timezone)) {
      this.report('BYL2016', zoneItem.value.span, `unknown time zone ${zoneItem.value.raw}`, {
        hint: 'use an IANA zone name such as "Asia/Shanghai", or a fixed offset such as "+08:00"',
      });
    }
    if (!version || !published || !effective) return undefined;
    return {
      id: header.id.text,
      title: header.title?.value,
      version: version.value.value,
      published: published.value.raw,
      effective: { from: effective.from.raw, until: effective.until?.raw },
      source: get('SourceItem')?.value.value,
      note: get('NoteItem')?.value.value,
      timezone,
    };
  }

  // ------------------------------------------------------------------ types

  private enumType(decl: A.EnumDecl): EnumType {
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

  private fillRecord(decl: A.RecordTypeDecl) {
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
        if (!isLiteral(f.defaultValue)) {
          this.report('BYL2017', f.defaultValue.span, 'a field default must be a literal value', { hint: 'write = false, = 0, = "" or an enum member' });
        } else {
          const t = this.checkExpr(f.defaultValue, type);
          this.expectType(f.defaultValue, t, type, `the default of ${f.name.name}`);
        }
      }
      fields.set(f.name.name, { name: f.name.name, type, optional: f.optional || f.defaultValue !== undefined, decl: f });
    }
  }

  private resolveTypeRef(ref: A.TypeRef): Type {
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
        if (t) return t;
        this.report('BYL2002', ref.span, `unknown type ${ref.name.name}`, {
          hint: suggest(ref.name.name, () => [...this.typeDecls.keys(), 'bool', 'number', 'string', 'date', 'datetime']) ?? 'declare it with type … { } or enum … { }, or import the file that declares it',
        });
        return Types.error;
      }
    }
  }

  // ------------------------------------------------------------ definitions

  private typeOfNamed(decl: Named): Type {
    const known = this.valueTypes.get(decl);
    if (known === 'checking') {
      this.report('BYL2012', nameOf(decl).span, `${nameOf(decl).name} is defined in terms of itself`, {
        hint: 'a definition or criterion cannot depend on itself, directly or through others',
      });
      return Types.error;
    }
    if (known) return known;
    this.valueTypes.set(decl, 'checking');
    const saveScopes = this.scopes;
    this.scopes = [];
    let type: Type;
    switch (decl.kind) {
      case 'LetDecl':
        type = this.checkExpr(decl.value);
        if (type.kind === 'enum' && this.names.get(decl.value)?.kind === 'enumType') type = Types.error;
        break;
      case 'ParamDecl': {
        type = this.resolveTypeRef(decl.type);
        const t = this.checkExpr(decl.value, type);
        this.expectType(decl.value, t, type, `param ${decl.name.name}`);
        break;
      }
      case 'PlaceholderDecl':
        type = this.resolveTypeRef(decl.type);
        break;
      case 'TableDecl':
        type = this.checkTable(decl);
        break;
      case 'CriterionDecl':
        this.checkBody(decl.body);
        type = Types.bool;
        break;
    }
    this.scopes = saveScopes;
    this.valueTypes.set(decl, type);
    return type;
  }

  private checkTable(decl: A.TableDecl): Type {
    const key = this.resolveTypeRef(decl.keyType);
    const value = this.resolveTypeRef(decl.valueType);
    if (key.kind !== 'string' && key.kind !== 'enum' && key.kind !== 'error') {
      this.report('BYL2015', decl.keyType.span, `table keys must be strings or an enum, not ${typeToString(key)}`);
    }
    const seen = new Set<string>();
    for (const e of decl.entries) {
      const k = e.key.kind === 'Identifier' ? e.key.name : e.key.value;
      if (seen.has(k)) this.report('BYL2015', e.key.span, `table ${decl.name.name} has two rows for ${k}`);
      seen.add(k);
      if (key.kind === 'enum') {
        if (e.key.kind !== 'Identifier' || !memberIndex(key).has(e.key.name)) {
          this.report('BYL2005', e.key.span, `${k} is not a member of ${key.name}`, {
            hint: suggest(k, key.members) ?? `members: ${some(key.members, key.members.length)}`,
          });
        }
      } else if (key.kind === 'string' && e.key.kind !== 'StringLiteral') {
        this.report('BYL2015', e.key.span, `keys of table ${decl.name.name} are strings: write "${k}"`);
      }
      const t = this.checkExpr(e.value, value);
      this.expectType(e.value, t, value, `a row of table ${decl.name.name}`);
    }
    if (decl.defaultValue) {
      const t = this.checkExpr(decl.defaultValue, value);
      this.expectType(decl.defaultValue, t, value, `the default of table ${decl.name.name}`);
    }
    return { kind: 'table', key, value };
  }

  private letsInDependencyOrder(lets: A.LetDecl[]): A.LetDecl[] {
    // valueTypes was filled in dependency order (lazy checking), which is also a valid evaluation order.
    const wanted = new Set(lets);
    return [...this.valueTypes.keys()].filter((d): d is A.LetDecl => d.kind === 'LetDecl' && wanted.has(d));
  }

  // --------------------------------------------------------------- criteria

  private checkBody(body: A.CriterionBody): void {
    if (body.kind === 'Combinator') {
      if (body.mode === 'atLeast' && body.count) {
        const n = Number(body.count.value);
        if (!Number.isInteger(n) || n < 1 || n > body.items.length) {
          this.report('BYL3021', body.count.span, `at least ${body.count.raw} of ${body.items.length} item${body.items.length === 1 ? '' : 's'} can never be met or is always met`, {
            hint: `use a whole number from 1 to ${body.items.length}`,
          });
        }
      }
      if (body.items.length === 0) {
        this.report('BYL3008', body.span, `an empty ${body.mode === 'any' ? 'any of' : body.mode === 'all' ? 'all of' : 'at least'} block`, {
          hint: body.mode === 'any' ? 'an empty any of is never met' : 'add the conditions it combines',
        });
      }
      for (const item of body.items) this.checkBody(item.body);
      return;
    }
    const t = this.checkExpr(body, Types.bool);
    if (t.kind !== 'bool' && t.kind !== 'error') {
      this.report('BYL2009', body.span, `a condition must be true or false, but this is ${typeToString(t)}`, {
        hint: 'compare it with something: … >= 1000, … = true, … is present',
      });
    }
  }

  private checkItemIds() {
    const ids = new Map<string, A.Identifier>();
    const register = (id: A.Identifier | undefined) => {
      if (!id) return;
      const prev = ids.get(id.name);
      if (prev) {
        this.report('BYL3005', id.span, `id ${id.name} is used twice`, {
          hint: 'ids name criteria in explanations and diffs: make each one unique',
          related: [{ file: this.path, span: prev.span, message: 'first used here' }],
        });
      } else ids.set(id.name, id);
    };
    const walk = (body: A.CriterionBody) => {
      if (body.kind !== 'Combinator') return;
      for (const item of body.items) {
        register(item.id);
        walk(item.body);
      }
    };
    for (const d of this.ast.declarations) {
      if (d.kind === 'CriterionDecl') {
        ids.set(d.id.name, d.id);
      } else if (d.kind === 'LetDecl' || d.kind === 'ParamDecl' || d.kind === 'PlaceholderDecl' || d.kind === 'TableDecl') {
        ids.set(d.name.name, d.name);
      }
    }
    for (const d of this.ast.declarations) {
      if (d.kind === 'CriterionDecl') walk(d.body);
      if (d.kind === 'DecideBlock') for (const r of d.rules) if ('body' in r) walk(r.body);
    }
  }

  private checkDecide(block: A.DecideBlock) {
    const ruleIds = new Map<string, A.Identifier>();
    const tiers: (A.TierRule | A.DefaultTierRule)[] = [];
    const outcomes: (A.OutcomeRule | A.OtherwiseRule)[] = [];
    let admit: A.AdmitRule | undefined;
    for (const rule of block.rules) {
      if ('id' in rule) {
        const prev = ruleIds.get(rule.id.name);
        if (prev) {
          this.report('BYL3005', rule.id.span, `id ${rule.id.name} is used twice in the decide block`, {
            related: [{ file: this.path, span: prev.span, message: 'first used here' }],
          });
        } else ruleIds.set(rule.id.name, rule.id);
      }
      switch (rule.kind) {
        case 'AdmitRule':
          if (admit) this.report('BYL3008', rule.span, 'the decide block has more than one admit when', { hint: 'combine the conditions with all of { … }' });
          admit = rule;
          this.checkBody(rule.body);
          break;
        case 'TierRule':
        case 'DefaultTierRule':
          tiers.push(rule);
          if (rule.kind === 'TierRule') this.checkBody(rule.body);
          break;
        case 'OutcomeRule':
        case 'OtherwiseRule':
          outcomes.push(rule);
          if (rule.kind === 'OutcomeRule') this.checkBody(rule.body);
          break;
        case 'ExcludeRule':
        case 'PreferRule':
          this.checkBody(rule.body);
          break;
        case 'BenefitRule':
          break;
      }
    }
    if (tiers.length > 0 && outcomes.length > 0) {
      this.report('BYL3008', outcomes[0]!.span, 'a decide block has tiers or custom outcomes, not both', {
        hint: 'tiers grade admitted subjects; outcomes replace admission with values such as shown / blocked',
      });
    }
    if (outcomes.length > 0 && admit) {
      this.report('BYL3008', admit.span, 'admit when cannot be combined with custom outcomes', {
        hint: 'the first outcome whose condition holds is the decision; use otherwise outcome for the rest',
      });
    }
    const checkOrdered = (rules: readonly (A.DecisionRule & A.Heading)[], defaultKind: string, word: string) => {
      const defaults = rules.filter((r) => r.kind === defaultKind);
      for (const extra of defaults.slice(1)) this.report('BYL3008', extra.span, `more than one ${word}`);
      const firstDefault = rules.findIndex((r) => r.kind === defaultKind);
      if (firstDefault >= 0) {
        for (const r of rules.slice(firstDefault + 1)) {
          if (r.kind === defaultKind) continue;
          this.report('BYL3009', r.span, `${r.id.name} can never be reached: it comes after ${word} ${rules[firstDefault]!.id.name}`, {
            hint: `move ${word} to the end; rules are tried in order and ${word} always applies`,
          });
        }
      }
    };
    checkOrdered(tiers, 'DefaultTierRule', 'default tier');
    checkOrdered(outcomes, 'OtherwiseRule', 'otherwise outcome');
    if (outcomes.length > 0 && !outcomes.some((o) => o.kind === 'OtherwiseRule')) {
      this.report('BYL3008', outcomes[0]!.span, 'custom outcomes need an otherwise outcome', {
        hint: 'add otherwise outcome blocked "…" for subjects that meet no outcome or are excluded',
      });
    }
    const grantable = new Set([...tiers, ...outcomes].map((r) => r.id.name));
    for (const rule of block.rules) {
      if (rule.kind !== 'BenefitRule') continue;
      for (const target of rule.grantedTo) {
        if (!grantable.has(target.name)) {
          this.report('BYL3010', target.span, `benefit ${rule.id.name} is granted to ${target.name}, which is not a tier or outcome`, {
            hint: suggest(target.name, () => [...grantable]) ?? (grantable.size ? `tiers and outcomes: ${some(grantable, grantable.size)}` : 'declare tiers or outcomes first'),
          });
        }
      }
    }
    this.checkMonotonicTiers(tiers.filter((t): t is A.TierRule => t.kind === 'TierRule'));
  }

  /** A better tier asking less than a worse one on the same quantity is almost always a slip. */
  private checkMonotonicTiers(tiers: A.TierRule[]) {
    const thresholds = tiers.map((t) => this.lowerBounds(t.body, new Set()));
    // Per quantity, the highest threshold among the tiers after each one (a suffix maximum): one
    // warning per tier and quantity, in linear time, however many tiers a file has.
    const highestAfter = new Map<string, { value: number; raw: string; span: A.Span; tier: number }>();
    for (let better = tiers.length - 1; better >= 0; better--) {
      for (const [quantity, hi] of thresholds[better]!) {
        const lo = highestAfter.get(quantity);
        if (lo && hi.value < lo.value) {
          const worse = lo.tier;
          this.report('BYL3011', hi.span, `tier ${tiers[better]!.id.name} asks ${quantity} ≥ ${hi.raw}, less than tier ${tiers[worse]!.id.name} (${lo.raw})`, {
            hint: 'tiers are ordered best first; a better tier should not ask less on the same quantity',
            related: [{ file: this.path, span: lo.span, message: `the ${tiers[worse]!.id.name} threshold` }],
          });
        }
      }
      for (const [quantity, b] of thresholds[better]!) {
        const cur = highestAfter.get(quantity);
        if (!cur || b.value >= cur.value) highestAfter.set(quantity, { ...b, tier: better });
      }
    }
  }

  private lowerBounds(body: A.CriterionBody, seen: Set<A.CriterionDecl>): Map<string, { value: number; raw: string; span: A.Span }> {
    const out = new Map<string, { value: number; raw: string; span: A.Span }>();
    const visit = (node: A.CriterionBody): void => {
      if (node.kind === 'Combinator') {
        if (node.mode === 'all') for (const item of node.items) visit(item.body);
        return;
      }
      if (node.kind === 'NameRef') {
        const r = this.names.get(node);
        if (r?.kind === 'criterion' && !seen.has(r.decl)) {
          seen.add(r.decl);
          for (const [k, v] of this.lowerBounds(r.decl.body, seen)) out.set(k, v);
        }
        return;
      }
      if (node.kind !== 'BinaryExpr') return;
      if (node.operator === 'and') return visit(node.left), visit(node.right);
      const flipped: Record<string, A.BinaryOperator> = { '<=': '>=', '<': '>' };
      let quantity = node.left;
      let bound = node.right;
      let op: A.BinaryOperator = node.operator;
      if (op in flipped) (quantity = node.right), (bound = node.left), (op = flipped[op]!);
      if ((op === '>=' || op === '>') && bound.kind === 'NumberLiteral') {
        out.set(this.text.slice(quantity.span.start, quantity.span.end), { value: Number(bound.value), raw: bound.raw, span: bound.span });
      }
    };
    visit(body);
    return out;
  }

  // ------------------------------------------------------------ expressions

  private expectType(node: A.Expression, actual: Type, expected: Type, what: string) {
    if (!isAssignable(actual, expected)) {
      this.report('BYL2004', node.span, `${what} must be ${typeToString(expected)}, but this is ${typeToString(actual)}`);
    }
  }

  private lookup(name: string): ResolvedName | undefined {
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

  private record(node: A.Expression, type: Type): Type {
    this.types.set(node, type);
    return type;
  }

  /** Type-check an expression; `expected` only guides the resolution of bare enum members. */
  checkExpr(node: A.Expression, expected?: Type): Type {
    return this.record(node, this.inferExpr(node, expected));
  }

  private inferExpr(node: A.Expression, expected?: Type): Type {
    switch (node.kind) {
      case 'NumberLiteral':
        return Types.number;
      case 'StringLiteral':
        return Types.string;
      case 'BoolLiteral':
        return Types.bool;
      case 'DateLiteral':
        return Types.date;
      case 'DateTimeLiteral':
        return Types.datetime;
      case 'DurationLiteral':
        return Types.duration;
      case 'TodayRef':
        return Types.date;
      case 'NowRef':
        return Types.datetime;
      case 'PeriodExpr': {
        const n = Number(node.length.amount.value);
        // Windows are computed in whole milliseconds (hours) or days: beyond that the calendar cannot count.
        const most = node.length.unit === 'hour' ? MAX_WINDOW_HOURS : Number.MAX_SAFE_INTEGER;
        if (!Number.isInteger(n) || n < 1 || n > most) {
          this.report('BYL2004', node.length.amount.span, `a window is a whole number of units, from 1 to ${most}`);
        }
        if (node.length.natural && (node.length.unit === 'hour' || node.length.unit === 'day')) {
          this.report('BYL2004', node.length.span, 'natural windows are months or years', { hint: 'write last 3 natural months, or last 30 days' });
        }
        return Types.period;
      }
      case 'ListLiteral': {
        const elementExpected = expected?.kind === 'list' ? expected.element : undefined;
        let element: Type = Types.any;
        for (const e of node.elements) {
          const t = this.checkExpr(e, element.kind === 'any' ? elementExpected : element);
          if (element.kind === 'any') element = t;
          else if (!isAssignable(t, element)) {
            this.report('BYL2004', e.span, `list elements must all be ${typeToString(element)}, but this is ${typeToString(t)}`);
          }
        }
        return { kind: 'list', element };
      }
      case 'NameRef':
        return this.checkName(node, expected);
      case 'MemberAccess': {
        if (node.object.kind === 'NameRef') {
          const r = this.lookup(node.object.name);
          if (r?.kind === 'enumType') {
            this.names.set(node.object, r);
            const index = memberIndex(r.enum).get(node.member.name) ?? -1;
            if (index < 0) {
              this.report('BYL2005', node.member.span, `${node.member.name} is not a member of ${r.enum.name}`, {
                hint: suggest(node.member.name, r.enum.members) ?? `members: ${some(r.enum.members, r.enum.members.length)}`,
              });
              return Types.error;
            }
            this.names.set(node, { kind: 'enumMember', enum: r.enum, index });
            return r.enum;
          }
        }
        const objectType = this.checkExpr(node.object);
        if (objectType.kind === 'error') return Types.error;
        if (objectType.kind !== 'record') {
          this.report('BYL2003', node.member.span, `${typeToString(objectType)} has no field ${node.member.name}`, {
            hint: objectType.kind === 'list' ? 'to reach into a list, aggregate it: any(x in list: x.field …), sum(x in list: x.field)' : 'only records have fields',
          });
          return Types.error;
        }
        const field = objectType.fields.get(node.member.name);
        if (!field) {
          this.report('BYL2003', node.member.span, `${objectType.name} has no field ${node.member.name}`, {
            hint: suggest(node.member.name, () => [...objectType.fields.keys()]) ?? `fields: ${some(objectType.fields.keys(), objectType.fields.size)}`,
          });
          return Types.error;
        }
        return field.type;
      }
      case 'IndexAccess': {
        const objectType = this.checkExpr(node.object);
        if (objectType.kind === 'table') {
          const keyType = this.checkExpr(node.index, objectType.key);
          this.expectType(node.index, keyType, objectType.key, 'the key');
          return objectType.value;
        }
        if (objectType.kind === 'list') {
          const t = this.checkExpr(node.index);
          this.expectType(node.index, t, Types.number, 'a list index');
          return objectType.element;
        }
        if (objectType.kind !== 'error') {
          this.report('BYL2007', node.span, `cannot look up [ ] in ${typeToString(objectType)}`, { hint: 'tables are looked up by key, lists by position' });
        }
        this.checkExpr(node.index);
        return Types.error;
      }
      case 'UnaryExpr': {
        const t = this.checkExpr(node.operand);
        if (node.operator === 'not') {
          if (t.kind !== 'bool' && t.kind !== 'error') this.report('BYL2007', node.span, `not needs a condition, but this is ${typeToString(t)}`);
          return Types.bool;
        }
        if (t.kind !== 'number' && t.kind !== 'duration' && t.kind !== 'error') {
          this.report('BYL2007', node.span, `cannot negate ${typeToString(t)}`);
          return Types.error;
        }
        return t;
      }
      case 'BinaryExpr':
        return this.checkBinary(node);
      case 'ConditionalExpr': {
        const c = this.checkExpr(node.condition, Types.bool);
        if (c.kind !== 'bool' && c.kind !== 'error') this.report('BYL2009', node.condition.span, `if needs a condition, but this is ${typeToString(c)}`);
        const a = this.checkExpr(node.then, expected);
        const b = this.checkExpr(node.otherwise, a.kind === 'error' ? expected : a);
        if (!isAssignable(b, a) && !isAssignable(a, b)) {
          this.report('BYL2004', node.otherwise.span, `both branches of if must have the same type: ${typeToString(a)} and ${typeToString(b)}`);
          return Types.error;
        }
        return a.kind === 'any' ? b : a;
      }
      case 'AggregateExpr':
        return this.checkAggregate(node);
      case 'DuringExpr': {
        const s = this.checkExpr(node.series);
        const p = this.checkExpr(node.period);
        if (p.kind !== 'period' && p.kind !== 'error') {
          this.report('BYL2004', node.period.span, `during needs a window such as last 3 natural months, not ${typeToString(p)}`);
        }
        if (s.kind === 'monthly') return { kind: 'list', element: s.element };
        if (s.kind !== 'error') {
          this.report('BYL2007', node.series.span, `during applies to a monthly series, not ${typeToString(s)}`, {
            hint: 'declare the field as monthly number and give it as {"2023-06": …} in data',
          });
        }
        return Types.error;
      }
      case 'SatisfiesExpr': {
        const t = this.checkExpr(node.subject);
        if (t.kind !== 'record' && t.kind !== 'error') {
          this.report('BYL2004', node.subject.span, `satisfies needs a record to judge, not ${typeToString(t)}`);
        }
        this.references.add(node.policy.text);
        return Types.bool;
      }
      case 'PresenceExpr':
        this.checkExpr(node.operand);
        return Types.bool;
    }
  }

  private checkName(node: A.NameRef, expected?: Type): Type {
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

  private checkBinary(node: A.BinaryExpr): Type {
    const op = node.operator;
    if (op === 'and' || op === 'or') {
      for (const side of [node.left, node.right]) {
        const t = this.checkExpr(side, Types.bool);
        if (t.kind !== 'bool' && t.kind !== 'error') this.report('BYL2009', side.span, `${op} joins conditions, but this is ${typeToString(t)}`);
      }
      return Types.bool;
    }
    // Check the side that is not a bare name first, so a bare enum member can take its type.
    const bareLeft = node.left.kind === 'NameRef' && this.lookup(node.left.name) === undefined;
    let left: Type;
    let right: Type;
    if (bareLeft) {
      right = this.checkExpr(node.right);
      left = this.checkExpr(node.left, op === 'in' || op === 'not in' ? elementOf(right) : right);
    } else {
      left = this.checkExpr(node.left);
      const expectRight = op === 'in' || op === 'not in' ? { kind: 'list' as const, element: left } : op === 'contains' && left.kind === 'list' ? left.element : left;
      right = this.checkExpr(node.right, expectRight);
    }
    if (left.kind === 'error' || right.kind === 'error') return op === '+' || op === '-' || op === '*' || op === '/' ? Types.error : Types.bool;
    const fail = (hint?: string): Type => {
      this.report('BYL2007', node.span, `${op} is not defined for ${typeToString(left)} and ${typeToString(right)}`, hint ? { hint } : {});
      return op === '+' || op === '-' || op === '*' || op === '/' ? Types.error : Types.bool;
    };
    switch (op) {
      case '=':
      case '!=':
        if (isAssignable(left, right) && isAssignable(right, left) && left.kind !== 'period' && left.kind !== 'table') return Types.bool;
        return fail(comparisonHint(left, right));
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (left.kind === 'enum' && right === left) {
          if (!left.ordered) {
            this.report('BYL2008', node.span, `${left.name} is not ordered, so ${op} means nothing for it`, {
              hint: `declare it ordered: enum ${left.name} { ${left.members.slice(0, 3).join(' < ')} }, or compare with = / in`,
            });
          }
          return Types.bool;
        }
        if (left.kind === right.kind && ['number', 'date', 'datetime', 'duration'].includes(left.kind)) return Types.bool;
        return fail(comparisonHint(left, right));
      case 'in':
      case 'not in':
        if (right.kind === 'list' && isAssignable(left, right.element)) return Types.bool;
        if (right.kind === 'period' && (left.kind === 'date' || left.kind === 'datetime')) return Types.bool;
        return fail('in tests membership in a list of the same type, or a date in a window');
      case 'contains':
        if (left.kind === 'string' && right.kind === 'string') return Types.bool;
        if (left.kind === 'list' && isAssignable(right, left.element)) return Types.bool;
        return fail('contains tests a string for a substring, or a list for an element');
      case 'starts with':
      case 'ends with':
        if (left.kind === 'string' && right.kind === 'string') return Types.bool;
        return fail();
      case '+':
      case '-':
        if (left.kind === 'number' && right.kind === 'number') return Types.number;
        if (left.kind === 'duration' && right.kind === 'duration') return Types.duration;
        if ((left.kind === 'date' || left.kind === 'datetime') && right.kind === 'duration') {
          return left.kind === 'date' && this.hasHours(node.right) ? Types.datetime : left;
        }
        if (op === '+' && left.kind === 'duration' && (right.kind === 'date' || right.kind === 'datetime')) return right;
        if (op === '-' && left.kind === right.kind && (left.kind === 'date' || left.kind === 'datetime')) return Types.duration;
        return fail(left.kind === 'date' ? 'add or subtract a duration: today - 1 year, sent_at + 24 hours' : undefined);
      case '*':
      case '/':
        if (left.kind === 'number' && right.kind === 'number') return Types.number;
        return fail('* and / work on numbers');
    }
    return fail();
  }

  private hasHours(node: A.Expression): boolean {
    if (node.kind === 'DurationLiteral') return node.unit === 'hour';
    if (node.kind === 'BinaryExpr') return this.hasHours(node.left) || this.hasHours(node.right);
    if (node.kind === 'UnaryExpr') return this.hasHours(node.operand);
    return true; // a duration from a name may hold hours: treat the result as a datetime
  }

  private checkAggregate(node: A.AggregateExpr): Type {
    const sourceType = this.checkExpr(node.source);
    let element: Type = Types.error;
    if (sourceType.kind === 'list' || sourceType.kind === 'monthly') element = sourceType.element;
    else if (sourceType.kind !== 'error') {
      this.report('BYL2013', node.source.span, `${node.fn} needs a list or a monthly series, not ${typeToString(sourceType)}`);
    }
    if (!node.variable && (node.filter || node.projection)) {
      this.report('BYL2013', (node.filter ?? node.projection)!.span, `name the element to use where or ':' — write ${node.fn}(x in list where …)`);
    }
    const scope = new Map<string, ResolvedName>();
    if (node.variable) {
      if (this.lookup(node.variable.name)?.kind === 'variable') {
        this.report('BYL2010', node.variable.span, `${node.variable.name} is already bound by an outer aggregation`, { hint: 'choose another name' });
      }
      scope.set(node.variable.name, { kind: 'variable', name: node.variable.name, type: element, binder: node.variable });
    }
    this.scopes.push(scope);
    try {
      if (node.filter) {
        const f = this.checkExpr(node.filter, Types.bool);
        if (f.kind !== 'bool' && f.kind !== 'error') this.report('BYL2009', node.filter.span, `where needs a condition, but this is ${typeToString(f)}`);
      }
      const value = node.projection ? this.checkExpr(node.projection) : element;
      switch (node.fn) {
        case 'count':
          if (node.projection && value.kind !== 'bool' && value.kind !== 'error') {
            this.report('BYL2009', node.projection.span, `count(x in list: …) counts where a condition holds; this is ${typeToString(value)}`);
          }
          return Types.number;
        case 'sum':
          if (value.kind !== 'number' && value.kind !== 'error' && value.kind !== 'any') {
            this.report('BYL2013', (node.projection ?? node.source).span, `sum adds numbers, not ${typeToString(value)}`, {
              hint: node.projection ? undefined : 'pick the number to add: sum(x in list: x.amount)',
            });
            return Types.error;
          }
          return Types.number;
        case 'min':
        case 'max':
          if (!['number', 'date', 'datetime', 'duration', 'error', 'any'].includes(value.kind)) {
            this.report('BYL2013', (node.projection ?? node.source).span, `${node.fn} needs numbers or dates, not ${typeToString(value)}`);
            return Types.error;
          }
          return value.kind === 'any' ? Types.number : value;
        case 'any':
        case 'all':
          if (value.kind !== 'bool' && value.kind !== 'error' && value.kind !== 'any') {
            this.report('BYL2009', (node.projection ?? node.source).span, `${node.fn} needs conditions, but this is ${typeToString(value)}`, {
              hint: `write ${node.fn}(x in list: condition about x)`,
            });
          }
          return Types.bool;
      }
    } finally {
      this.scopes.pop();
    }
  }
}

// ---------------------------------------------------------------------------
// Across policies: versions and references

function checkAcrossPolicies(
  policies: readonly CheckedPolicy[],
  asts: readonly A.SourceFile[],
  knownPolicies: readonly string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byId = new Map<string, CheckedPolicy[]>();
  for (const p of policies) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
  const headerSpan = (p: CheckedPolicy) => p.ast.header!.id.span;
  const effectiveSpan = (p: CheckedPolicy) => p.ast.header!.items.find((i) => i.kind === 'EffectiveItem')?.span ?? headerSpan(p);
  for (const [id, versions] of byId) {
    versions.sort((a, b) => (a.effective.from < b.effective.from ? -1 : a.effective.from > b.effective.from ? 1 : 0));
    const seenVersions = new Map<string, CheckedPolicy>();
    for (const v of versions) {
      const prev = seenVersions.get(v.version);
      if (prev) {
        out.push(
          diagnostic('BYL3017', v.file, headerSpan(v), `policy ${id} version ${JSON.stringify(v.version)} is defined twice`, {
            hint: 'give each version its own version string',
            related: [{ file: prev.file, span: headerSpan(prev), message: 'the other definition' }],
          }),
        );
      } else seenVersions.set(v.version, v);
    }
    for (let i = 0; i + 1 < versions.length; i++) {
      const a = versions[i]!;
      const b = versions[i + 1]!;
      if (a.effective.from === b.effective.from || (a.effective.until && a.effective.until > b.effective.from)) {
        out.push(
          diagnostic('BYL3014', b.file, effectiveSpan(b), `versions ${JSON.stringify(a.version)} and ${JSON.stringify(b.version)} of ${id} are both in force on ${b.effective.from}`, {
            hint: `end the earlier version with until ${b.effective.from}, or move this one's effective date`,
            related: [{ file: a.file, span: effectiveSpan(a), message: `version ${JSON.stringify(a.version)} is in force from ${a.effective.from}${a.effective.until ? ` until ${a.effective.until}` : ''}` }],
          }),
        );
      } else if (a.effective.until && a.effective.until < b.effective.from) {
        out.push(
          diagnostic('BYL3015', b.file, effectiveSpan(b), `no version of ${id} is in force from ${a.effective.until} until ${b.effective.from}`, {
            hint: `end version ${JSON.stringify(a.version)} with until ${b.effective.from} if the gap is not intended`,
            related: [{ file: a.file, span: effectiveSpan(a), message: `version ${JSON.stringify(a.version)} ends here` }],
          }),
        );
      }
    }
    const lastVersion = versions.at(-1)!;
    if (lastVersion.effective.until) {
      out.push(
        diagnostic('BYL3016', lastVersion.file, effectiveSpan(lastVersion), `the latest version of ${id} ends on ${lastVersion.effective.until} and no version follows`, {
          hint: 'after that date no version is in force; intended for a programme that ends',
        }),
      );
    }
  }
  // References: unknown ids and cycles.
  const known = new Set([...byId.keys(), ...knownPolicies]);
  // Files that failed to check still declare their ids (so we do not report them as unknown).
  // (A file with syntax errors may have a header without an id: error recovery builds partial nodes.)
  for (const ast of asts) if (ast.header?.id) known.add(ast.header.id.text);
  for (const p of policies) {
    for (const node of satisfiesNodes(p)) {
      if (!known.has(node.policy.text)) {
        out.push(
          diagnostic('BYL3012', p.file, node.policy.span, `no policy has the id ${node.policy.text}`, {
            hint: suggest(node.policy.text, [...known]) ?? 'check the id in the other policy header, and check both files together',
          }),
        );
      }
    }
  }
  // The value given to `satisfies` must be what the other policy judges.
  for (const p of policies) {
    for (const node of satisfiesNodes(p)) {
      const given = p.types.get(node.subject);
      if (!given || given.kind !== 'record') continue;
      for (const other of byId.get(node.policy.text) ?? []) {
        if (other.subject.type.name !== given.name) {
          out.push(
            diagnostic('BYL3020', p.file, node.subject.span, `${node.policy.text} judges a ${other.subject.type.name}, but this is a ${given.name}`, {
              hint: `give it the ${other.subject.type.name} it judges, e.g. a field of type ${other.subject.type.name}`,
              related: [{ file: other.file, span: other.ast.declarations.find((d) => d.kind === 'SubjectDecl')?.span ?? headerSpan(other), message: `the subject of ${other.id} version ${JSON.stringify(other.version)}` }],
            }),
          );
          break;
        }
      }
    }
  }
  const edges = new Map<string, Set<string>>();
  for (const p of policies) {
    const set = edges.get(p.id) ?? new Set<string>();
    for (const r of p.references) set.add(r);
    edges.set(p.id, set);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      const key = [...cycle].sort().join();
      if (reported.has(key)) return;
      reported.add(key);
      const from = byId.get(path.at(-1)!)![0]!;
      const node = satisfiesNodes(from).find((n) => n.policy.text === id);
      out.push(
        diagnostic('BYL3013', from.file, node?.policy.span ?? headerSpan(from), `policies refer to each other in a cycle: ${cycle.join(' → ')}`, {
          hint: 'a policy cannot depend on its own outcome; break the cycle',
        }),
      );
      return;
    }
    state.set(id, 'visiting');
    for (const next of edges.get(id) ?? []) if (edges.has(next)) visit(next, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of edges.keys()) visit(id, []);
  return out;
}

/** Every `satisfies` expression in a checked policy. */
export function satisfiesNodes(p: CheckedPolicy): A.SatisfiesExpr[] {
  const out: A.SatisfiesExpr[] = [];
  for (const node of p.types.keys()) if (node.kind === 'SatisfiesExpr') out.push(node);
  return out;
}

// ---------------------------------------------------------------------------
// Evaluation depth

/**
 * How deeply evaluating a policy nests, counting through the lets and criteria
 * its expressions name. Each expression is within `maxNestingDepth` (the parser
 * sees to that), but a chain of thousands of small lets, each naming the one
 * before, is thousands of levels deep for everything after the checker (the
 * compiler, the generated code, the evaluator), which would run out of stack.
 * Computed without recursion. Returns a BYL4001 diagnostic when too deep.
 */
function checkEvaluationDepth(p: CheckedPolicy, maxDepth: number): Diagnostic | undefined {
  type Definition = A.LetDecl | A.CriterionDecl;
  const depthOf = new Map<Definition, number>();
  // The depth of an expression tree, and the definitions it names whose depth is not known yet.
  const walk = (root: unknown): { depth: number; missing: Definition[] } => {
    let depth = 0;
    const missing: Definition[] = [];
    const stack: [unknown, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [node, parent] = stack.pop()!;
      if (node === null || typeof node !== 'object') continue;
      if (Array.isArray(node)) {
        for (const x of node) stack.push([x, parent]);
        continue;
      }
      const rec = node as { kind?: string };
      // Counted as the parser counts after parsing (an item of a block and a name are not levels).
      const d = rec.kind === undefined || rec.kind === 'CriterionItem' || rec.kind === 'Identifier' ? parent : parent + 1;
      depth = Math.max(depth, d);
      if (rec.kind === 'NameRef') {
        const r = p.names.get(node as A.NameRef);
        if (r?.kind === 'let' || r?.kind === 'criterion') {
          const known = depthOf.get(r.decl);
          if (known === undefined) missing.push(r.decl);
          else depth = Math.max(depth, d + known);
        }
      }
      for (const key in rec) if (key !== 'span') stack.push([(rec as Record<string, unknown>)[key], d]);
    }
    return { depth, missing };
  };
  const depthOfDefinition = (start: Definition): number => {
    const work: Definition[] = [start];
    const started = new Set<Definition>();
    while (work.length > 0) {
      const def = work.at(-1)!;
      if (depthOf.has(def)) {
        work.pop();
        continue;
      }
      const { depth, missing } = walk(def.kind === 'LetDecl' ? def.value : def.body);
      // The checker rejects cycles; should one get here, its back edge counts as depth 0.
      const todo = missing.filter((m) => !depthOf.has(m) && !started.has(m));
      if (todo.length === 0) {
        depthOf.set(def, depth);
        work.pop();
      } else {
        started.add(def);
        for (const m of todo) work.push(m);
      }
    }
    return depthOf.get(start)!;
  };
  const tooDeep = (node: { span: A.Span }, name: string, depth: number, file: string) =>
    diagnostic('BYL4001', file, node.span, `${name} nests ${depth} levels deep, counting the lets and criteria it uses; the limit is ${maxDepth}`, {
      hint: 'shorten the chain of definitions that refer to one another, or raise limits.maxNestingDepth',
    });
  for (const def of [...p.lets, ...p.criteria]) {
    const depth = depthOfDefinition(def);
    if (depth > maxDepth) {
      const id = def.kind === 'LetDecl' ? def.name : def.id;
      return tooDeep(id, id.name, depth, p.declarationFiles?.get(def) ?? p.file);
    }
  }
  for (const rule of p.decide.rules) {
    if (!('body' in rule)) continue;
    for (const m of walk(rule.body).missing) depthOfDefinition(m);
    const depth = walk(rule.body).depth;
    if (depth > maxDepth) return tooDeep(rule, 'this rule', depth, p.file);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Helpers

function elementOf(t: Type): Type | undefined {
  return t.kind === 'list' ? t.element : undefined;
}

function isLiteral(e: A.Expression): boolean {
  return (
    e.kind === 'NumberLiteral' ||
    e.kind === 'StringLiteral' ||
    e.kind === 'BoolLiteral' ||
    e.kind === 'DateLiteral' ||
    e.kind === 'DateTimeLiteral' ||
    e.kind === 'NameRef' ||
    (e.kind === 'ListLiteral' && e.elements.every(isLiteral)) ||
    (e.kind === 'UnaryExpr' && e.operator === '-' && e.operand.kind === 'NumberLiteral') ||
    (e.kind === 'MemberAccess' && e.object.kind === 'NameRef')
  );
}

function comparisonHint(left: Type, right: Type): string | undefined {
  if ((left.kind === 'date' && right.kind === 'number') || (left.kind === 'number' && right.kind === 'date')) {
    return 'compare dates with dates: report.issued_on >= today - 1 year';
  }
  if (left.kind === 'string' && right.kind === 'number') return 'the field is a string; declare it as number if it holds numbers';
  if (left.kind === 'enum' && right.kind === 'string') return `compare with a member of ${left.name}, written without quotes`;
  return undefined;
}

function nameOf(d: Named): A.Identifier {
  return d.kind === 'CriterionDecl' ? d.id : d.name;
}

function kindWord(d: Named): string {
  return { LetDecl: 'let', ParamDecl: 'param', PlaceholderDecl: 'placeholder', TableDecl: 'table', CriterionDecl: 'criterion' }[d.kind];
}

function headerWord(kind: A.HeaderItem['kind']): string {
  return { VersionItem: 'version', PublishedItem: 'published', EffectiveItem: 'effective', SourceItem: 'source', TimezoneItem: 'timezone', NoteItem: 'note' }[kind];
}

/** Each member's index (the first, as indexOf): enums may have thousands of members and as many uses. */
const memberIndexes = new WeakMap<EnumType, Map<string, number>>();
function memberIndex(e: EnumType): Map<string, number> {
  let index = memberIndexes.get(e);
  if (!index) {
    index = new Map();
    e.members.forEach((m, i) => index!.has(m) || index!.set(m, i));
    memberIndexes.set(e, index);
  }
  return index;
}

/** Names for a hint: the first dozen and how many in all (a hint never copies a 10,000-member enum). */
function some(names: Iterable<string>, total: number): string {
  const shown: string[] = [];
  for (const name of names) {
    if (shown.length === 12) break;
    shown.push(name);
  }
  return total > shown.length ? `${shown.join(', ')}, … (${total} in all)` : shown.join(', ');
}

/** The largest `last N hours`: N hours in milliseconds must be a safe integer. */
const MAX_WINDOW_HOURS = Math.floor(Number.MAX_SAFE_INTEGER / 3_600_000);

/**
 * Candidate names that "did you mean" hints may still compare in the running
 * {@link check} (Infinity outside it). A file full of unknown names would
 * otherwise cost (unknown names × declared names) edit distances.
 */
let suggestionBudget = Infinity;
const SUGGESTION_BUDGET = 200_000;
/** Names longer than this get no "did you mean" (edit distance is quadratic in the length). */
const MAX_SUGGESTED_NAME = 100;

/**
 * "did you mean …?" for the closest candidate within a small edit distance. Candidates that
 * cost something to list can be given as a function, called only while the budget lasts.
 */
export function suggest(name: string, given: readonly string[] | (() => readonly string[])): string | undefined {
  if (suggestionBudget <= 0 || name.length > MAX_SUGGESTED_NAME) return undefined;
  const candidates = typeof given === 'function' ? given() : given;
  suggestionBudget -= candidates.length;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) (best = c), (bestDistance = d);
  }
  const allowed = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDistance <= allowed ? `did you mean ${best}?` : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || b.length > MAX_SUGGESTED_NAME) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const zoneCache = new Map<string, boolean>();
/** Whether a time zone name (IANA, or a fixed offset like `+08:00`) is usable. */
export function isValidZone(zone: string): boolean {
  if (/^[+-]\d{2}:\d{2}$/.test(zone)) return true;
  let ok = zoneCache.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    zoneCache.set(zone, ok);
  }
  return ok;
}
