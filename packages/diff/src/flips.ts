/**
 * The flip report: evaluate both versions on the same data and count the
 * subjects whose outcome (or tier) changes, as a migration matrix (rows: old
 * outcome, columns: new outcome). Records are read one line at a time, so
 * memory stays flat whatever the size of the file: only counts, a few
 * example ids per transition and the responsible-criteria tallies are kept.
 * The caller gives the lines (the CLI streams them from a file).
 */
import type { CheckedPolicy } from '@bylaw/dsl';
import { subjectId, type Decision } from '@bylaw/runtime';
import { defaultDiffLimits, type DiffLimits } from './limits.js';
import type { FlipReport, Transition } from './model.js';
import { responsible, type PolicyPair } from './witness.js';

/** Options for {@link flipReport}. */
export interface FlipOptions {
  /** The evaluation day (`YYYY-MM-DD`). */
  readonly asOf: string;
  /** Values for params and placeholders, applied to both versions. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** How to name the data in the report. */
  readonly file: string;
  readonly limits?: Partial<DiffLimits>;
}

/** The label of a decision in the matrix: its tier, else its outcome. */
export function outcomeLabel(d: Decision): string {
  return d.tier?.id ?? d.outcome;
}


/**
 * Evaluate both versions on every record and build the flip report. Every
 * non-blank line is a record: it is either evaluated (and counted in the
 * matrix) or malformed (not a JSON object), so the counts add up to the input.
 */
export async function flipReport(pair: PolicyPair, lines: AsyncIterable<string>, options: FlipOptions): Promise<FlipReport> {
  const limits = { ...defaultDiffLimits, ...options.limits };
  const evalOptions = { asOf: options.asOf, ...(options.params ? { params: options.params } : {}) };
  const counts = new Map<string, Map<string, number>>();
  const cells = new Map<string, { examples: string[]; responsible: Map<string, number> }>();
  let lineNo = 0;
  let records = 0;
  let malformed = 0;
  const malformedExamples: string[] = [];
  let flipped = 0;
  let explained = 0;
  let capped = false;
  for await (const raw of lines) {
    lineNo++;
    const line = lineNo === 1 ? raw.replace(/^\ufeff/, '') : raw;
    if (line.trim() === '') continue;
    records++;
    let subject: unknown;
    try {
      subject = JSON.parse(line);
    } catch {
      subject = undefined;
    }
    if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) {
      malformed++;
      if (malformedExamples.length < limits.maxMalformedExamples) malformedExamples.push(`line ${lineNo}`);
      continue;
    }
    const id = subjectId(subject) ?? `line ${lineNo}`;
    const dOld = pair.old.evaluate(subject, evalOptions);
    const dNew = pair.new.evaluate(subject, evalOptions);
    const a = outcomeLabel(dOld);
    const b = outcomeLabel(dNew);
    const row = counts.get(a) ?? new Map<string, number>();
    row.set(b, (row.get(b) ?? 0) + 1);
    counts.set(a, row);
    if (a === b) continue;
    flipped++;
    const key = `${a}\u0000${b}`;
    const cell = cells.get(key) ?? { examples: [], responsible: new Map<string, number>() };
    cells.set(key, cell);
    if (cell.examples.length < limits.maxFlipExamples) cell.examples.push(id);
    if (explained < limits.maxExplainedFlips) {
      explained++;
      const eo = pair.old.evaluate(subject, { ...evalOptions, explain: true });
      const en = pair.new.evaluate(subject, { ...evalOptions, explain: true });
      const paths = responsible(eo, en, 3, false).map((r) => r.path);
      for (const p of paths) cell.responsible.set(p, (cell.responsible.get(p) ?? 0) + 1);
    } else capped = true;
  }
  const labels = orderLabels([...new Set([...counts.keys(), ...[...counts.values()].flatMap((r) => [...r.keys()])])], pair.old.checked, pair.new.checked);
  const matrix = labels.map((a) => labels.map((b) => counts.get(a)?.get(b) ?? 0));
  const transitions: Transition[] = [];
  for (const [key, cell] of cells) {
    const [from, to] = key.split('\u0000') as [string, string];
    transitions.push({
      from,
      to,
      count: counts.get(from)?.get(to) ?? 0,
      examples: cell.examples,
      responsible: [...cell.responsible].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([path, count]) => ({ path, count })),
    });
  }
  transitions.sort((x, y) => y.count - x.count || labels.indexOf(x.from) - labels.indexOf(y.from) || labels.indexOf(x.to) - labels.indexOf(y.to));
  return {
    file: options.file,
    asOf: options.asOf,
    records,
    malformed,
    malformedExamples,
    evaluated: records - malformed,
    flipped,
    labels,
    matrix,
    transitions,
    ...(capped ? { explainedLimit: limits.maxExplainedFlips } : {}),
  };
}

/** Tiers and outcomes in decide order (new version first), then admitted, rejected, undetermined. */
function orderLabels(labels: string[], po: CheckedPolicy, pn: CheckedPolicy): string[] {
  const order: string[] = [];
  for (const p of [pn, po]) {
    for (const r of p.decide.rules) {
      if ((r.kind === 'TierRule' || r.kind === 'DefaultTierRule' || r.kind === 'OutcomeRule' || r.kind === 'OtherwiseRule') && !order.includes(r.id.name)) order.push(r.id.name);
    }
  }
  order.push('admitted', 'rejected', 'undetermined');
  const rank = (l: string) => {
    const i = order.indexOf(l);
    return i < 0 ? order.length : i;
  };
  return [...labels].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}
