/**
 * Terminal rendering: decisions as trees with ✓ / ✗ / ? marks, and diagnostics.
 */
import type { Decision, ExplanationNode, Truth } from '@bylaw/runtime';
import { renderDiagnostics as renderWithFrames, showControls as shown, type Diagnostic } from '@bylaw/dsl';
import type { Style } from './io.js';


const mark = (t: Truth, s: Style) => (t === true ? s.green('✓') : t === false ? s.red('✗') : s.yellow('?'));

/** One line summary of a decision's outcome. */
export function outcomeLine(d: Decision, s: Style): string {
  const o = d.outcome;
  const word =
    o === 'admitted' ? s.bold(s.green('ADMITTED')) : o === 'rejected' ? s.bold(s.red('REJECTED')) : o === 'undetermined' ? s.bold(s.yellow('UNDETERMINED')) : o === 'not_in_force' ? s.bold(s.gray('NOT IN FORCE')) : s.bold(s.cyan(shown(o.toUpperCase())));
  const parts = [word];
  if (d.outcomeLabel) parts.push(shown(d.outcomeLabel));
  if (d.tier) parts.push(`tier ${shown(d.tier.id)}${d.tier.label ? ` ${shown(d.tier.label)}` : ''}`);
  if (d.admission && d.admission !== o) parts.push(`(admission: ${d.admission})`);
  if (d.possible) parts.push(`possible: ${d.possible.map((p) => shown(p.id)).join(' / ')}`);
  if (d.vetoedBy) parts.push(`vetoed by ${shown(d.vetoedBy.id)}${d.vetoedBy.label ? ` ${shown(d.vetoedBy.label)}` : ''}${d.vetoedBy.cites ? ` [${shown(d.vetoedBy.cites)}]` : ''}`);
  if (d.reason && !d.vetoedBy) parts.push(shown(d.reason));
  return parts.join(' · ');
}

/** A decision as text: the outcome, the explanation tree, benefits, priorities, unknowns and data errors. */
export function renderDecision(d: Decision, s: Style, subjectName?: string): string {
  const lines: string[] = [];
  const head = d.policy.version
    ? `${shown(d.policy.id)} ${s.gray(`version ${shown(d.policy.version)}, in force ${d.policy.effective.from}${d.policy.effective.until ? ` until ${d.policy.effective.until}` : ''}`)}`
    : shown(d.policy.id);
  lines.push(`${subjectName ? s.bold(shown(subjectName)) + ' — ' : ''}${head} ${s.gray(`as of ${d.asOf}`)}`);
  lines.push(`  ${outcomeLine(d, s)}`);
  for (const node of d.explanation ?? []) renderNode(node, 2, lines, s);
  if (d.priorities.length) {
    lines.push(`  priorities:`);
    for (const p of d.priorities) lines.push(`    ${mark(p.met, s)} ${shown(p.id)}${p.label ? ` ${shown(p.label)}` : ''}${p.cites ? s.gray(` [${shown(p.cites)}]`) : ''}`);
  }
  if (d.benefits.length) lines.push(`  benefits: ${d.benefits.map((b) => shown(b.label ?? b.id)).join('、')}`);
  if (d.unknown.length) lines.push(`  ${s.yellow('would be decided by')}: ${shown(d.unknown.join(', '))}`);
  for (const e of d.dataErrors) lines.push(`  ${s.red('data error')} ${shown(e.path)}: ${shown(e.message)}`);
  return lines.join('\n');
}

function renderNode(node: ExplanationNode, depth: number, lines: string[], s: Style): void {
  const pad = '  '.repeat(depth);
  const cites = node.cites ? s.gray(` [${shown(node.cites)}]`) : '';
  let title: string;
  switch (node.kind) {
    case 'rule':
      title = node.id === undefined ? `${node.role} when` : `${node.role} ${shown(node.id)}${node.label ? ` ${shown(node.label)}` : ''}`;
      break;
    case 'criterion':
    case 'item':
      title = `${shown(node.id ?? '')}${node.label ? ` ${shown(node.label)}` : ''}`;
      break;
    case 'all':
      title = 'all of';
      break;
    case 'any':
      title = 'any of';
      break;
    case 'atLeast':
      title = `at least ${node.count} of`;
      break;
    case 'condition':
      title = shown(node.text ?? '');
      break;
  }
  const children = node.children ?? [];
  // A rule whose body is one condition reads better on one line.
  if ((node.kind === 'rule' || node.kind === 'item') && children.length === 1 && children[0]!.kind === 'condition') {
    const c = children[0]!;
    lines.push(`${pad}${mark(node.result, s)} ${title}${cites}: ${shown(c.text ?? '')}`);
    renderComparisons(c, depth + 2, lines, s);
    renderUnknown(node, depth + 2, lines, s);
    for (const g of c.children ?? []) renderNode(g, depth + 1, lines, s);
    return;
  }
  lines.push(`${pad}${mark(node.result, s)} ${title}${cites}`);
  if (node.kind === 'condition') renderComparisons(node, depth + 2, lines, s);
  if (node.kind !== 'rule' && children.length === 0) renderUnknown(node, depth + 2, lines, s);
  for (const c of children) renderNode(c, depth + 1, lines, s);
}

const MAX_COMPARISONS = 6;

function renderComparisons(node: ExplanationNode, depth: number, lines: string[], s: Style) {
  const pad = '  '.repeat(depth);
  const visible = (node.comparisons ?? []).filter((c) => c.left !== '?' || c.right !== '?');
  // Inside aggregations a comparison repeats per element: show the condition's own comparison
  // (recorded last, as it completes last) and the first few inner ones.
  const picked = visible.length > MAX_COMPARISONS ? [visible.at(-1)!, ...visible.slice(0, MAX_COMPARISONS - 1)] : visible;
  for (const c of picked) {
    const sf = c.shortfall ? s.red(`: ${shown(c.shortfall)}`) : '';
    lines.push(`${pad}${s.gray(shown(`${c.left} ${c.operator} ${c.right}`))}${sf}`);
  }
  const more = visible.length - Math.min(visible.length, MAX_COMPARISONS) + (node.omittedComparisons ?? 0);
  if (more > 0) lines.push(`${pad}${s.gray(`… ${more} more comparisons`)}`);
}

function renderUnknown(node: ExplanationNode, depth: number, lines: string[], s: Style) {
  if (node.unknown?.length) lines.push(`${'  '.repeat(depth)}${s.yellow('unknown:')} ${shown(node.unknown.join(', '))}`);
}

/** Diagnostics rendered with code frames, plus a summary line. */
export function renderDiagnostics(ds: readonly Diagnostic[], sources: ReadonlyMap<string, string>, s: Style): string {
  return renderWithFrames(ds, sources, { color: s.color });
}

/** A control sequence that only sets colours or weight (SGR, `ESC [ … m`): the CLI's own styling. */
const styling = /\u001b\[[0-9;]*m/y;
/** Controls, separators and invisible or bidirectional characters (see `showControls` in @bylaw/dsl); tab and line feed excepted. */
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * The last guard before a terminal: every control character the CLI writes is escaped as
 * `\uXXXX` except the colour sequences of its own styling, tab and line feed. Text from
 * policies and data is already shown with `<U+XXXX>` by the renderers (`showControls`); this
 * catches what reaches the output another way (an error message quoting a malformed line, a
 * file name). Inside JSON a raw control or separator can only stand in a string, where `\uXXXX`
 * means the same character, so JSON stays valid and unchanged in meaning.
 */
export function forTerminal(text: string): string {
  unsafe.lastIndex = 0;
  if (!unsafe.test(text)) return text;
  return text.replace(unsafe, (c, at: number) => {
    if (c === '\u001b') {
      styling.lastIndex = at;
      if (styling.test(text)) return c;
    }
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** An output channel whose every line goes through {@link forTerminal}. */
export function guarded<T extends { out(s: string): void; err(s: string): void }>(io: T): T {
  return { ...io, out: (s: string) => io.out(forTerminal(s)), err: (s: string) => io.err(forTerminal(s)) };
}

/** `2 errors, 1 warning` */
export function countLine(ds: readonly Diagnostic[]): string {
  const errors = ds.filter((d) => d.severity === 'error').length;
  const warnings = ds.filter((d) => d.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
