/**
 * One file: its declarations, definitions, header and decide block — the
 * policy semantics (BYL3xxx) on top of names (names.ts) and expression
 * types (typecheck.ts); the lint-style warnings are in lint.ts.
 */
import { assertNever } from './ast.js';
import type * as A from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { Types, typeToString, type Type } from './types.js';
import type { CheckedPolicy } from './checked.js';
import { ExpressionChecker } from './typecheck.js';
import { memberIndex, nameOf, type Named } from './names.js';
import { checkMonotonicTiers, reportUnreachable, reportUnused, type LintContext } from './lint.js';
import { some, suggest } from './suggest.js';
import { isValidZone } from './zones.js';

type Decl = A.Declaration;

const DEFAULT_ZONE = 'Asia/Shanghai';

/** Checks one file (a policy or a library) together with the libraries it imports. */
export class FileChecker extends ExpressionChecker {
  constructor(
    protected readonly path: string,
    protected readonly text: string,
    protected readonly ast: A.SourceFile,
    protected readonly libraries: { path: string; text: string; ast: A.SourceFile }[],
  ) {
    super(path);
  }

  /** What the lint checks see of this file. */
  private get lint(): LintContext {
    return { path: this.path, text: this.text, names: this.names, report: (code, span, message, extra) => this.report(code, span, message, extra) };
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
    if (header) reportUnused(this.lint, this.values.values(), this.used);
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

  // ------------------------------------------------------------ definitions

  protected typeOfNamed(decl: Named): Type {
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

  protected checkTable(decl: A.TableDecl): Type {
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

  protected letsInDependencyOrder(lets: A.LetDecl[]): A.LetDecl[] {
    // valueTypes was filled in dependency order (lazy checking), which is also a valid evaluation order.
    const wanted = new Set(lets);
    return [...this.valueTypes.keys()].filter((d): d is A.LetDecl => d.kind === 'LetDecl' && wanted.has(d));
  }

  // ------------------------------------------------------------ decide block

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
        default:
          assertNever(rule);
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
      reportUnreachable(this.lint, rules, defaultKind, word);
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
    checkMonotonicTiers(this.lint, tiers.filter((t): t is A.TierRule => t.kind === 'TierRule'));
  }

}

function headerWord(kind: A.HeaderItem['kind']): string {
  return { VersionItem: 'version', PublishedItem: 'published', EffectiveItem: 'effective', SourceItem: 'source', TimezoneItem: 'timezone', NoteItem: 'note' }[kind];
}

