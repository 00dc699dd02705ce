/**
 * Rendering a diff: text for the terminal (coloured when asked), Markdown to
 * paste into a pull-request review (a summary table, then details), and JSON
 * for tools.
 */
import type { Change, FlipReport, PolicyDiff, Responsible, WitnessResult } from './model.js';
import { formatNumber } from './values.js';
import { showControls } from '@bylaw/dsl';

/** Options for {@link renderText}. */
export interface TextOptions {
  /** ANSI colours (for a terminal). */
  readonly color?: boolean;
}

interface Paint {
  (code: string, text: string): string;
}

const SECTIONS: readonly { readonly category: Change['category']; readonly title: string }[] = [
  { category: 'header', title: 'Header' },
  { category: 'schema', title: 'Schema (the data providers send)' },
  { category: 'definition', title: 'Definitions' },
  { category: 'criterion', title: 'Criteria' },
  { category: 'decision', title: 'Decisions' },
];

/** The summary line: `2 changes in meaning (2 stricter) · 4 metadata changes · 2 wording changes`. */
export function summaryLine(d: PolicyDiff): string {
  const s = d.summary;
  const parts: string[] = [];
  if (s.meaning === 0) parts.push('no change in meaning');
  else {
    const undirected = new Map<string, number>();
    for (const c of d.changes) {
      if (!c.meaning || c.direction) continue;
      const what = c.effect ? 'outcome' : c.what;
      undirected.set(what, (undirected.get(what) ?? 0) + 1);
    }
    const dirs = [
      s.stricter && `${s.stricter} stricter`,
      s.looser && `${s.looser} looser`,
      s.unknown && `${s.unknown} direction unknown`,
      ...[...undirected].map(([what, n]) => `${n} ${what} change${n === 1 ? '' : 's'}`),
    ].filter(Boolean);
    parts.push(`${s.meaning} change${s.meaning === 1 ? '' : 's'} in meaning (${dirs.join(', ')})`);
  }
  if (s.breaking) parts.push(`${s.breaking} breaking for data providers`);
  if (s.metadata) parts.push(`${s.metadata} metadata change${s.metadata === 1 ? '' : 's'}`);
  if (s.wording) parts.push(`${s.wording} wording change${s.wording === 1 ? '' : 's'}`);
  const other = d.changes.filter((c) => !c.meaning && !c.breaking && c.category !== 'wording' && !(c.category === 'header')).length;
  if (other) parts.push(`${other} other change${other === 1 ? '' : 's'} without effect`);
  return parts.join(' · ');
}

function title(d: PolicyDiff): string {
  const id = d.old.id === d.new.id ? d.new.id : `${d.old.id} → ${d.new.id}`;
  return d.old.version === d.new.version ? `${id}  version ${d.new.version} (both files)` : `${id}  ${d.old.version} → ${d.new.version}`;
}

function changeTitle(c: Change): string {
  const sign = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
  return `${sign} ${nameOf(c)}`;
}

/** `param silver_min_paid_orders`, `exclusion major_complaint` (never `exclusion exclusion …`). */
function nameOf(c: Change): string {
  if (!c.name || c.name === c.what) return c.what;
  return c.name.startsWith(`${c.what} `) ? c.name : `${c.what} ${c.name}`;
}

function tag(c: Change): string {
  const parts: string[] = [];
  if (c.meaning && c.effect) parts.push(c.effect);
  else if (c.meaning && c.direction) parts.push(c.direction === 'unknown' ? 'direction unknown' : c.direction);
  if (c.breaking) parts.push('breaking');
  if (!c.meaning && !c.breaking) parts.push(c.category === 'header' ? 'metadata' : 'no change in meaning');
  return parts.join(', ');
}

// ---------------------------------------------------------------------------
// Text

/**
 * Every string of a diff with its control, invisible and bidirectional characters shown as
 * `<U+XXXX>` (line breaks kept): labels, values and witnesses come from the policies and the
 * data, and must neither act on the reviewer's terminal nor make a line read differently.
 */
function visible<T>(value: T): T {
  if (typeof value === 'string') return showControls(value, { keepLines: true }) as T;
  if (Array.isArray(value)) return value.map(visible) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = visible(v);
  return out as T;
}

/** The diff as text for a terminal or a git diff driver. */
export function renderText(diff: PolicyDiff, options: TextOptions = {}): string {
  const d = visible(diff);
  const paint: Paint = options.color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
  const dirColor = (c: Change) => (c.direction === 'stricter' ? '31' : c.direction === 'looser' ? '32' : c.direction === 'unknown' ? '35' : '90');
  const out: string[] = [];
  out.push(paint('1', `bylaw diff  ${title(d)}`));
  out.push(`  old  ${d.old.file}  (in force ${period(d.old.effective)})`);
  out.push(`  new  ${d.new.file}  (in force ${period(d.new.effective)})`);
  out.push('');
  out.push(paint('1', summaryLine(d)));
  if (d.changes.some((c) => c.witness?.found && c.witness.kind === 'subject') || d.changes.some((c) => c.witness && !c.witness.found)) {
    out.push(paint('90', `Witnesses: both versions applied to the same subject as of ${d.asOf}.`));
  }
  for (const section of SECTIONS) {
    const cs = d.changes.filter((c) => c.category === section.category);
    if (cs.length === 0) continue;
    out.push('');
    out.push(paint('1', section.title));
    // Changes in meaning first, in their order.
    for (const c of [...cs.filter((x) => x.meaning || x.breaking), ...cs.filter((x) => !x.meaning && !x.breaking)]) {
      const t = tag(c);
      out.push(`  ${paint(c.meaning || c.breaking ? '1' : '90', changeTitle(c))}${t ? `  ${paint(dirColor(c), `[${t}]`)}` : ''}`);
      if (c.old !== undefined && c.new !== undefined && oneLine(c.old, c.new)) out.push(`      ${c.old}  →  ${c.new}`);
      else {
        if (c.old !== undefined) out.push(`      ${paint('31', 'old')}  ${c.old}`);
        if (c.new !== undefined) out.push(`      ${paint('32', 'new')}  ${c.new}`);
      }
      c.why.forEach((w, i) => out.push(`      ${i === 0 ? 'why  ' : '     '}${w}`));
      if (c.witness) out.push(...textWitness(c.witness, paint).map((l) => `      ${l}`));
    }
  }
  if (d.impact.length) {
    out.push('');
    out.push(paint('1', 'Decide rules, all changes together'));
    for (const r of d.impact) out.push(`  ${r.rule}: ${impactWords(r.rule, r.direction)}`);
  }
  const wording = d.changes.filter((c) => c.category === 'wording');
  if (wording.length) {
    out.push('');
    out.push(paint('1', 'Wording (labels and citations; no change in meaning)'));
    for (const c of wording) {
      out.push(`  ~ ${c.what} ${c.name}`);
      out.push(`      ${c.old ?? ''}  →  ${c.new ?? ''}`);
      for (const w of c.why) out.push(`      ${w}`);
    }
  }
  if (!d.meaning) {
    out.push('');
    out.push(paint('32;1', noChange(d)));
  }
  if (d.flips) out.push('', ...textFlips(d.flips, paint));
  return out.join('\n') + '\n';
}

function noChange(d: PolicyDiff): string {
  if (d.changes.length === 0) return 'No change in meaning: the versions are the same up to formatting, comments and order.';
  const base = 'No change in meaning: every subject gets the same decision under both versions.';
  return d.breaking ? `${base} But data providers must change what they send (see Schema).` : base;
}

function impactWords(rule: string, dir: string): string {
  if (dir === 'unknown') return 'direction unknown';
  const fewer = dir === 'stricter';
  if (rule.startsWith('exclusion ')) return `met by ${fewer ? 'fewer' : 'more'} subjects, so ${fewer ? 'fewer are excluded (looser)' : 'more are excluded (stricter)'}`;
  if (rule.startsWith('priority ')) return `met by ${fewer ? 'fewer' : 'more'} subjects (priorities never change the outcome)`;
  if (rule.startsWith('outcome ')) return `met by ${fewer ? 'fewer' : 'more'} subjects`;
  return `${dir} (met by ${fewer ? 'fewer' : 'more'} subjects)`;
}

function oneLine(a: string, b: string): boolean {
  return a.length + b.length < 90 && !a.includes('\n') && !b.includes('\n');
}

function period(e: { from: string; until: string | undefined }): string {
  return e.until ? `${e.from} until ${e.until}` : `from ${e.from}`;
}

function mark(t: unknown): string {
  return t === true ? '✓' : t === false ? '✗' : t === 'absent' ? '—' : '?';
}

function paramsLine(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k} = ${showParam(v)}`)
    .join(', ');
}

function showParam(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${showParam(x)}`).join(', ')} }`;
  return JSON.stringify(v);
}

function textWitness(w: WitnessResult, paint: Paint): string[] {
  if (!w.found) return [`${paint('33', 'no witness found')}: ${w.reason}${w.tried ? ` (${w.tried} candidates evaluated)` : ''}`];
  if (w.kind === 'date') return [`witness: on ${w.date} the old version is ${w.old}; the new one is ${w.new}`];
  const out: string[] = [];
  const note = Object.keys(w.params).length ? `; placeholders without a value in the text, set out of reach for this witness: ${paramsLine(w.params)}` : '';
  out.push(`witness (as of ${w.asOf}${note}):`);
  out.push(...compactJson(w.subject).split('\n').map((l) => `  ${l}`));
  if (w.built) out.push(`  ${w.built}`);
  out.push(`  old: ${w.old.line}`);
  out.push(`  new: ${w.new.line}`);
  if (w.responsible.length) {
    out.push('  because:');
    for (const r of w.responsible) out.push(`    ${responsibleLine(r)}`);
  }
  return out;
}

function responsibleLine(r: Responsible): string {
  const detail = (xs: readonly string[]) => (xs.length ? xs.join('; ') : '');
  const a = detail(r.oldDetail);
  const b = detail(r.newDetail);
  const both = a || b ? `   old ${a || '—'}  |  new ${b || '—'}` : '';
  return `${r.path}  ${mark(r.old)} → ${mark(r.new)}${both}`;
}

function textFlips(f: FlipReport, paint: Paint): string[] {
  const out: string[] = [];
  out.push(paint('1', `Data: ${f.file}, as of ${f.asOf}`));
  out.push(`  ${formatNumber(f.records)} record${f.records === 1 ? '' : 's'}: ${formatNumber(f.evaluated)} evaluated under both versions, ${formatNumber(f.malformed)} malformed${f.malformedExamples.length ? ` (${f.malformedExamples.join(', ')}${f.malformed > f.malformedExamples.length ? ', …' : ''})` : ''}`);
  out.push(`  ${formatNumber(f.flipped)} flip${f.flipped === 1 ? '' : 's'} (outcome or tier differs)${f.evaluated ? `, ${percent(f.flipped, f.evaluated)}` : ''}`);
  if (f.labels.length) {
    out.push('');
    out.push(`  ${pad('old \\ new', width(f))}${f.labels.map((l) => pad(l, colWidth(f))).join('')}`.trimEnd());
    f.labels.forEach((l, i) => {
      const cells = f.matrix[i]!.map((n, j) => {
        const padded = pad(n || i === j ? formatNumber(n) : '·', colWidth(f));
        return i !== j && n ? paint('1', padded) : padded;
      });
      out.push(`  ${pad(l, width(f))}${cells.join('')}`.trimEnd());
    });
  }
  for (const t of f.transitions) {
    out.push('');
    out.push(`  ${paint('1', `${t.from} → ${t.to}`)}: ${formatNumber(t.count)}, e.g. ${t.examples.join(', ')}`);
    if (t.responsible.length) out.push(`    criteria responsible: ${t.responsible.slice(0, 4).map((r) => `${r.path} (${formatNumber(r.count)})`).join(', ')}`);
  }
  if (f.explainedLimit) out.push('', `  (criteria counted for the first ${formatNumber(f.explainedLimit)} flips only)`);
  return out;
}

function percent(a: number, b: number): string {
  return `${((100 * a) / b).toFixed(1)}%`;
}

function width(f: FlipReport): number {
  return Math.max(12, ...f.labels.map((l) => l.length + 2));
}

function colWidth(f: FlipReport): number {
  return Math.max(10, ...f.labels.map((l) => l.length + 2), ...f.matrix.flat().map((n) => formatNumber(n).length + 2));
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(1, n - [...s].length));
}

/**
 * JSON for reading: short objects on one line, and a list of identical
 * elements folded to `N × element` (synthesized lists repeat one element).
 */
export function compactJson(v: unknown, indent = ''): string {
  const inline = (x: unknown): string => {
    if (Array.isArray(x)) {
      if (x.length > 3 && x.every((y) => JSON.stringify(y) === JSON.stringify(x[0]))) return `[ ${formatNumber(x.length)} × ${inline(x[0])} ]`;
      return `[${x.map(inline).join(', ')}]`;
    }
    if (typeof x === 'object' && x !== null) {
      const entries = Object.entries(x);
      return entries.length ? `{ ${entries.map(([k, y]) => `${JSON.stringify(k)}: ${inline(y)}`).join(', ')} }` : '{}';
    }
    return JSON.stringify(x);
  };
  const flat = inline(v);
  if (flat.length + indent.length <= 120 || typeof v !== 'object' || v === null) return flat;
  const next = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length > 3 && v.every((y) => JSON.stringify(y) === JSON.stringify(v[0]))) return `[ ${formatNumber(v.length)} × ${compactJson(v[0], indent)} ]`;
    return `[\n${v.map((y) => next + compactJson(y, next)).join(',\n')}\n${indent}]`;
  }
  return `{\n${Object.entries(v).map(([k, y]) => `${next}${JSON.stringify(k)}: ${compactJson(y, next)}`).join(',\n')}\n${indent}}`;
}

// ---------------------------------------------------------------------------
// Markdown

function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(s: string | undefined): string {
  if (s === undefined) return '—';
  const t = s.length > 80 ? s.slice(0, 77) + '…' : s;
  return '`' + md(t).replace(/`/g, 'ʼ') + '`';
}

function witnessCell(w: WitnessResult | undefined): string {
  if (!w) return '';
  if (!w.found) return 'none found';
  if (w.kind === 'date') return `on ${w.date}`;
  const short = (s: { outcome: string; tier?: string }) => s.tier ?? s.outcome;
  return `${short(w.old)} → ${short(w.new)}`;
}

/** The diff as Markdown for a pull-request review: a summary table, then details. */
export function renderMarkdown(diff: PolicyDiff): string {
  const d = visible(diff);
  const out: string[] = [];
  out.push(`### \`bylaw diff\` ${md(title(d))}`);
  out.push('');
  out.push(`**${summaryLine(d)}**`);
  out.push('');
  out.push(`Old: \`${d.old.file}\` (in force ${period(d.old.effective)}) · New: \`${d.new.file}\` (in force ${period(d.new.effective)})`);
  const rows = d.changes.filter((c) => c.category !== 'wording');
  if (rows.length) {
    out.push('');
    out.push('| | Change | Old | New | Effect | Witness (old → new) |');
    out.push('|---|---|---|---|---|---|');
    for (const c of [...rows.filter((x) => x.meaning || x.breaking), ...rows.filter((x) => !x.meaning && !x.breaking)]) {
      const sign = c.change === 'added' ? '➕' : c.change === 'removed' ? '➖' : '✏️';
      out.push(`| ${sign} | ${mdName(c)} | ${code(c.old)} | ${code(c.new)} | ${md(effect(c))} | ${md(witnessCell(c.witness))} |`);
    }
  }
  const wording = d.changes.filter((c) => c.category === 'wording');
  if (wording.length) {
    out.push('');
    out.push(`Wording only (no change in meaning): ${wording.map((c) => `${md(c.what)} \`${md(c.name)}\``).join(', ')}.`);
  }
  if (!d.meaning) {
    out.push('');
    out.push(`${d.breaking ? '⚠️' : '✅'} ${noChange(d)}`);
  }
  const details = d.changes.filter((c) => c.meaning || c.breaking);
  if (details.length) {
    out.push('');
    out.push('#### Details');
    for (const c of details) {
      out.push('');
      out.push(`**${mdName(c)}** — ${md(effect(c))}`);
      out.push('');
      if (c.old !== undefined || c.new !== undefined) {
        out.push('```diff');
        if (c.old !== undefined) out.push(`- ${c.old}`);
        if (c.new !== undefined) out.push(`+ ${c.new}`);
        out.push('```');
      }
      for (const w of c.why) out.push(`- ${md(w)}`);
      if (c.affects.length) out.push(`- affects: ${c.affects.map((a) => `\`${md(a)}\``).join(', ')}`);
      if (c.witness) out.push(...mdWitness(c.witness));
    }
  }
  if (d.flips) out.push('', ...mdFlips(d.flips));
  return out.join('\n') + '\n';
}

function mdName(c: Change): string {
  const full = nameOf(c);
  if (full === c.what) return md(c.what);
  const rest = full.slice(c.what.length + 1);
  return `${md(c.what)} \`${md(rest)}\``;
}

function effect(c: Change): string {
  if (!c.meaning && !c.breaking) return c.category === 'header' ? 'metadata' : 'no change in meaning';
  const parts: string[] = [];
  if (c.effect) parts.push(c.effect);
  else if (c.direction === 'stricter') parts.push('stricter');
  else if (c.direction === 'looser') parts.push('looser');
  else if (c.direction === 'unknown') parts.push('direction unknown');
  else if (c.meaning) parts.push(c.what === 'effective' ? 'in force on other days' : c.what === 'benefit' ? 'other benefits' : c.what === 'priority' ? 'other priorities (never the outcome)' : c.what === 'timezone' ? 'other day boundaries' : 'changes decisions');
  if (c.breaking) parts.push('breaking for data providers');
  return parts.join(', ');
}

function mdWitness(w: WitnessResult): string[] {
  if (!w.found) return [`- witness: **none found** — ${md(w.reason)}`];
  if (w.kind === 'date') return [`- witness: on ${w.date} the old version is ${md(w.old)}; the new one is ${md(w.new)}`];
  const out: string[] = [];
  out.push(`- witness (as of ${w.asOf}): old **${md(w.old.line)}**, new **${md(w.new.line)}**`);
  if (w.built) out.push(`  - ${md(w.built)}`);
  for (const r of w.responsible) out.push(`  - \`${md(r.path)}\` ${mark(r.old)} → ${mark(r.new)}${r.oldDetail.length || r.newDetail.length ? `: ${md(r.oldDetail.join('; ') || '—')} → ${md(r.newDetail.join('; ') || '—')}` : ''}`);
  if (Object.keys(w.params).length) out.push(`  - placeholders set out of reach for this witness: ${md(paramsLine(w.params))}`);
  out.push('');
  out.push('  <details><summary>witness subject</summary>');
  out.push('');
  out.push('  ```');
  out.push(...compactJson(w.subject).split('\n').map((l) => `  ${l}`));
  out.push('  ```');
  out.push('  </details>');
  return out;
}

function mdFlips(f: FlipReport): string[] {
  const out: string[] = [];
  out.push(`#### Data: \`${md(f.file)}\` as of ${f.asOf}`);
  out.push('');
  out.push(`${formatNumber(f.records)} records: ${formatNumber(f.evaluated)} evaluated, ${formatNumber(f.malformed)} malformed${f.malformedExamples.length ? ` (${f.malformedExamples.join(', ')})` : ''}; **${formatNumber(f.flipped)} flip${f.flipped === 1 ? '' : 's'}**${f.evaluated ? ` (${percent(f.flipped, f.evaluated)})` : ''}.`);
  if (f.labels.length) {
    out.push('');
    out.push(`| old \\ new | ${f.labels.map(md).join(' | ')} |`);
    out.push(`|---|${f.labels.map(() => '---:').join('|')}|`);
    f.labels.forEach((l, i) => out.push(`| **${md(l)}** | ${f.matrix[i]!.map((n, j) => (i !== j && n ? `**${formatNumber(n)}**` : n ? formatNumber(n) : '·')).join(' | ')} |`));
  }
  if (f.transitions.length) {
    out.push('');
    for (const t of f.transitions) {
      out.push(`- **${md(t.from)} → ${md(t.to)}**: ${formatNumber(t.count)} (e.g. ${t.examples.map((e) => `\`${md(e)}\``).join(', ')})${t.responsible.length ? `; criteria responsible: ${t.responsible.slice(0, 4).map((r) => `\`${md(r.path)}\` (${formatNumber(r.count)})`).join(', ')}` : ''}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// JSON

/** The diff as JSON for tools (the {@link PolicyDiff} object itself). */
export function renderJson(d: PolicyDiff): string {
  return JSON.stringify(d, null, 2) + '\n';
}
