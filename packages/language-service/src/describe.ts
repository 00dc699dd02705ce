/**
 * How a definition is described to an author: a one-line signature in Bylaw syntax
 * (with its type) and a Markdown text with its label, citation, value, order or the
 * source text it quotes. Shared by hover and completion.
 */
import type * as A from '@bylaw/dsl';
import { typeToString, type Type } from '@bylaw/dsl';
import type { Definition, SymbolIndex } from './symbols.js';
import type { Analysis } from './workspace.js';
import type { PositionIndex } from './text.js';

/** A definition's signature and documentation. */
export interface Description {
  /** Bylaw syntax, one line: `let paid_orders_total "支付订单量": number`. */
  readonly signature: string;
  /** Markdown: label, citation, value, order, comments above the declaration. */
  readonly documentation: string;
}

/** Describe a definition; `useType` is the type of the use being described, when known. */
export function describe(analysis: Analysis, index: SymbolIndex, d: Definition, useType?: Type): Description {
  const text = analysis.result.files.get(d.file)?.text ?? '';
  const src = (span: A.Span | undefined) => (span ? text.slice(span.start, span.end) : '');
  const label = (s: A.StringLiteral | undefined) => (s ? ` ${s.raw}` : '');
  const typeOf = (e: A.Expression | undefined) => (e ? (index.resolution(d.file)?.types.get(e) ?? [...resolutionsOf(analysis)].map((r) => r.types.get(e)).find(Boolean)) : undefined);
  const docs: string[] = [];
  const heading = (h: { label: A.StringLiteral | undefined; cites: A.StringLiteral | undefined }) => {
    const parts = [h.label ? `**${escape(h.label.value)}**` : undefined, h.cites ? `cites ${escape(h.cites.value)}` : undefined].filter(Boolean);
    if (parts.length) docs.push(parts.join(' — '));
  };
  let signature: string;
  const n = d.node;
  switch (d.kind) {
    case 'policy': {
      const h = n as A.PolicyHeader;
      signature = `policy ${h.id.text}${label(h.title)}`;
      const item = <K extends A.HeaderItem['kind']>(k: K) => h.items.find((i) => i?.kind === k) as Extract<A.HeaderItem, { kind: K }> | undefined;
      const effective = item('EffectiveItem');
      const lines = [
        item('VersionItem') && `version ${item('VersionItem')!.value.value}`,
        effective && `in force from ${effective.from.raw}${effective.until ? ` until ${effective.until.raw} (exclusive)` : ''}`,
        item('PublishedItem') && `published ${item('PublishedItem')!.value.raw}`,
        item('SourceItem') && `source: ${escape(item('SourceItem')!.value.value)}`,
        item('NoteItem') && `note: ${escape(item('NoteItem')!.value.value)}`,
      ].filter(Boolean);
      if (lines.length) docs.push(lines.join('  \n'));
      break;
    }
    case 'file':
      signature = `import "${d.file}"`;
      docs.push(`${(n as A.SourceFile).declarations.length} declarations`);
      break;
    case 'subject': {
      const s = n as A.SubjectDecl;
      signature = `subject ${s.name.name}: ${src(s.type.span)}`;
      docs.push('The data this policy judges.');
      break;
    }
    case 'type': {
      const t = n as A.RecordTypeDecl;
      signature = `type ${t.name.name}${label(t.label)}`;
      docs.push(`${t.fields.length} field${t.fields.length === 1 ? '' : 's'}: ${t.fields.slice(0, 12).map((f) => f?.name?.name).join(', ')}${t.fields.length > 12 ? ', …' : ''}`);
      break;
    }
    case 'enum': {
      const e = n as A.EnumDecl;
      signature = `enum ${e.name.name}${label(e.label)}`;
      const names = e.members.slice(0, 12).map((m) => m?.name?.name);
      docs.push(e.ordered ? `ordered, lowest first: ${names.join(' < ')}${e.members.length > 12 ? ' < …' : ''}` : `unordered: ${names.join(', ')}${e.members.length > 12 ? ', …' : ''}`);
      break;
    }
    case 'field': {
      const f = n as A.FieldDecl;
      const record = d.container?.name ?? '';
      signature = `${record}.${f.name.name}${f.optional ? '?' : ''}: ${useType ? typeToString(useType) : src(f.type.span)}${f.defaultValue ? ` = ${src(f.defaultValue.span)}` : ''}${label(f.label)}`;
      if (f.label) docs.push(`**${escape(f.label.value)}**`);
      docs.push(
        f.defaultValue
          ? `Absent in the data means ${src(f.defaultValue.span)}.`
          : f.optional
            ? 'Optional: absent in the data means unknown.'
            : 'Absent or null in the data means unknown.',
      );
      break;
    }
    case 'enumMember': {
      const m = n as A.EnumMember;
      const e = d.container?.node as A.EnumDecl | undefined;
      signature = `${e?.name.name ?? ''}.${m.name.name}${label(m.value)}`;
      if (e) {
        const position = e.members.indexOf(m);
        if (e.ordered) {
          docs.push(`${ordinal(position + 1)} of ${e.members.length}, lowest first: ${e.members.map((x) => (x === m ? `**${x.name.name}**` : x?.name?.name)).join(' < ')}`);
        } else docs.push(`member of ${e.name.name} (unordered: = and in only, no < or >)`);
      }
      docs.push(`In data: ${JSON.stringify(m.value?.value ?? m.name.name)}`);
      break;
    }
    case 'let': {
      const l = n as A.LetDecl;
      const t = useType ?? typeOf(l.value);
      signature = `let ${l.name.name}${label(l.label)}${t ? `: ${typeToString(t)}` : ''}`;
      if (l.label) docs.push(`**${escape(l.label.value)}**`);
      docs.push('```bylaw\n' + clip(src(l.value.span)) + '\n```');
      break;
    }
    case 'param': {
      const p = n as A.ParamDecl;
      signature = `param ${p.name.name}${label(p.label)}: ${src(p.type.span)}`;
      if (p.label) docs.push(`**${escape(p.label.value)}**`);
      docs.push(`Value: \`${clip(src(p.value.span))}\`${p.value.kind === 'NumberLiteral' && p.value.raw !== p.value.value ? ` (${groupDigits(p.value.value)})` : ''} — a caller may override it (\`--params\`).`);
      break;
    }
    case 'placeholder': {
      const p = n as A.PlaceholderDecl;
      signature = `placeholder ${p.name.name}${label(p.label)}: ${src(p.type.span)}`;
      if (p.label) docs.push(`**${escape(p.label.value)}**`);
      docs.push('The source text gives no value: what depends on it is undetermined unless a caller supplies one (`--params`).');
      break;
    }
    case 'table': {
      const t = n as A.TableDecl;
      signature = `table ${t.name.name}${label(t.label)}: ${src(t.keyType.span)} -> ${src(t.valueType.span)}`;
      if (t.label) docs.push(`**${escape(t.label.value)}**`);
      const rows = t.entries.slice(0, 8).map((e) => `${src(e.key.span)}: ${clip(src(e.value.span), 40)}`);
      if (t.defaultValue) rows.push(`default: ${clip(src(t.defaultValue.span), 40)}`);
      docs.push('```bylaw\n' + rows.join('\n') + (t.entries.length > 8 ? '\n…' : '') + '\n```');
      break;
    }
    case 'criterion': {
      const c = n as A.CriterionDecl;
      signature = `criterion ${c.id.name}${label(c.label)}${c.cites ? ` cites ${c.cites.raw}` : ''}`;
      heading(c);
      break;
    }
    case 'item': {
      const i = n as A.CriterionItem;
      signature = `${i.id!.name}${label(i.label)}${i.cites ? ` cites ${i.cites.raw}` : ''}`;
      heading(i);
      if (d.container) docs.push(`in ${d.container.kind === 'rule' ? ruleWord(d.container.node) : d.container.kind} ${d.container.name}`);
      break;
    }
    case 'rule': {
      const r = n as A.DecisionRule & A.Heading;
      signature = `${ruleWord(r)} ${r.id.name}${label(r.label)}${r.cites ? ` cites ${r.cites.raw}` : ''}`;
      heading(r);
      break;
    }
    case 'variable': {
      const a = n as A.AggregateExpr;
      const t = useType ?? elementType(typeOf(a.source));
      signature = `${a.variable!.name}${t ? `: ${typeToString(t)}` : ''}`;
      docs.push(`bound by ${a.fn}(${a.variable!.name} in ${clip(src(a.source.span), 60)} …)`);
      break;
    }
  }
  const lines = analysis.text(d.file)?.lines;
  const comment = lines ? leadingComment(lines, n, d.kind) : undefined;
  if (comment) docs.push(comment.split('\n').map((l) => `> ${escape(l)}`).join('\n'));
  return { signature, documentation: docs.join('\n\n') };
}

function* resolutionsOf(analysis: Analysis) {
  yield* analysis.result.resolutions.values();
}

function elementType(t: Type | undefined): Type | undefined {
  return t && (t.kind === 'list' || t.kind === 'monthly') ? t.element : undefined;
}

/** The keyword of a decision rule. */
export function ruleWord(node: A.Node): string {
  return Object.hasOwn(ruleWords, node.kind) ? ruleWords[node.kind as A.DecisionRule['kind']] : 'rule';
}

/** Each decision rule's keyword (a typed map: a new kind of rule must say). */
const ruleWords: { readonly [K in A.DecisionRule['kind']]: string } = {
  TierRule: 'tier',
  DefaultTierRule: 'default tier',
  ExcludeRule: 'exclude',
  OutcomeRule: 'outcome',
  OtherwiseRule: 'otherwise outcome',
  PreferRule: 'prefer',
  BenefitRule: 'benefit',
  AdmitRule: 'admit when',
};

/**
 * The comment block just above a declaration: the reading of the source text an author
 * wrote there. A placeholder in a run of placeholders (one per line) shares the comment
 * above the run, as authors write them: one quotation for a group of values the text omits.
 */
export function leadingComment(lines: PositionIndex, node: A.Node, kind: Definition['kind']): string | undefined {
  if (!('span' in node) || kind === 'file') return undefined;
  const text = lines.text;
  let line = lines.position(node.span.start).line - 1;
  const lineText = (l: number) => text.slice(lines.lineStart(l), l + 1 < lines.lineCount ? lines.lineStart(l + 1) : text.length).replace(/\r?\n$|\r$/, '');
  if (kind === 'placeholder') {
    while (line >= 0 && (/^\s*$/.test(lineText(line)) || /^\s*placeholder\s/.test(lineText(line)))) line--;
  } else if (line >= 0 && /^\s*$/.test(lineText(line))) return undefined;
  const out: string[] = [];
  while (line >= 0 && /^\s*\/\//.test(lineText(line))) {
    out.unshift(lineText(line).replace(/^\s*\/\/\s?/, ''));
    line--;
  }
  // A section rule (// -------- 核心标准) or an empty line heads the block: not part of the reading.
  while (out.length > 0 && (/^\s*$/.test(out[0]!) || /^\s*[-=*#]{4,}/.test(out[0]!))) out.shift();
  return out.length ? out.join('\n') : undefined;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
}

/** `9000000` → `9,000,000` (the integer part of an exact decimal). */
export function groupDigits(value: string): string {
  const [int = '', frac] = value.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

function clip(s: string, max = 400): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Markdown-escape text from a policy (labels, comments) so that it shows as written. */
export function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);
}
