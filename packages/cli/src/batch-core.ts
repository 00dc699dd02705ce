/**
 * Batch evaluation, the part shared by the main thread and the workers:
 * one input line in, one decision record out.
 */
import type { CompiledPolicy, PolicyRegistry } from '@bylaw/runtime';

/** What every worker needs to know to decide lines. */
export interface BatchJob {
  readonly policyPaths: string[];
  readonly cwd: string;
  readonly policyId: string;
  readonly asOf: string;
  readonly params: Record<string, unknown> | undefined;
  readonly input: 'ndjson' | 'csv';
  /** For CSV input: the header's column names. */
  readonly columns: string[] | undefined;
}

/** The decision record of one input line (or why the line could not be read). */
export interface LineResult {
  readonly line: number;
  readonly id?: string;
  readonly outcome?: string;
  readonly tier?: string;
  readonly vetoed_by?: string;
  readonly unknown?: readonly string[];
  readonly data_errors?: readonly { path: string; message: string }[];
  /** Set when the line is not a record: it is reported, not decided. */
  readonly malformed?: string;
  /** The record already formatted (the fast path); not part of the record itself. */
  readonly text?: string;
}

const optionsCache = new WeakMap<BatchJob, { asOf: string; params?: Record<string, unknown> }>();

/** One options object per job, so the runtime's per-object caches hold. */
function optionsOf(job: BatchJob) {
  let o = optionsCache.get(job);
  if (!o) optionsCache.set(job, (o = { asOf: job.asOf, ...(job.params ? { params: job.params } : {}) }));
  return o;
}

/** Decide one raw input line. Never throws. */
export function decideLine(
  policy: CompiledPolicy,
  registry: PolicyRegistry,
  job: BatchJob,
  text: string,
  line: number,
  format: 'ndjson' | 'csv' = 'ndjson',
): LineResult {
  let subject: unknown;
  try {
    subject = job.input === 'csv' ? csvRecord(parseCsvLine(text), job.columns!) : JSON.parse(text);
  } catch (e) {
    return { line, malformed: `line ${line} is not ${job.input === 'csv' ? 'a CSV row' : 'JSON'}: ${(e as Error).message}` };
  }
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) {
    return { line, malformed: `line ${line} is not a JSON object` };
  }
  const id = (subject as { id?: unknown }).id;
  const options = optionsOf(job);
  const plain = policy.decide(subject, options);
  if (plain.outcome !== 'undetermined' && plain.dataErrors.length === 0 && format === 'ndjson') {
    // The common case, written directly: the same text JSON.stringify gives for the record below.
    const text =
      `{"line":${line}` +
      (id !== undefined ? `,"id":${JSON.stringify(String(id))}` : '') +
      `,"outcome":${JSON.stringify(plain.outcome)}` +
      (plain.tier ? `,"tier":${JSON.stringify(plain.tier)}` : '') +
      (plain.vetoedBy ? `,"vetoed_by":${JSON.stringify(plain.vetoedBy)}` : '') +
      '}';
    return { line, outcome: plain.outcome, ...(plain.tier ? { tier: plain.tier } : {}), text };
  }
  const base = {
    line,
    ...(id !== undefined ? { id: String(id) } : {}),
    outcome: plain.outcome,
    ...(plain.tier ? { tier: plain.tier } : {}),
    ...(plain.vetoedBy ? { vetoed_by: plain.vetoedBy } : {}),
    ...(plain.dataErrors.length ? { data_errors: plain.dataErrors.map((e) => ({ path: e.path, message: e.message })) } : {}),
  };
  if (plain.outcome !== 'undetermined') return base;
  // Rare path: which fields would decide it.
  const full = registry.evaluate(job.policyId, subject, options);
  return { ...base, unknown: full.unknown };
}

/** One CSV record (RFC 4180: quotes, doubled quotes; a record per line). */
export function parseCsvLine(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('a quoted field is not closed');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      out.push(value);
      if (i < text.length && text[i] !== ',') throw new Error(`unexpected ${JSON.stringify(text[i])} after a quoted field`);
      i++;
    } else {
      const end = text.indexOf(',', i);
      const stop = end < 0 ? text.length : end;
      out.push(text.slice(i, stop).replace(/\r$/, ''));
      i = stop + 1;
    }
  }
  return out;
}

/**
 * A CSV row as a record: `a.b` columns nest, empty cells are absent,
 * `true`/`false` are booleans, cells that look like JSON arrays or objects are
 * parsed; everything else stays a string (numbers and dates are checked
 * against the policy's types like any other data).
 */
export function csvRecord(cells: string[], columns: string[]): Record<string, unknown> {
  if (cells.length !== columns.length) throw new Error(`${cells.length} cells for ${columns.length} columns`);
  const record: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const cell = cells[i]!;
    if (cell === '') return;
    let value: unknown = cell;
    if (cell === 'true' || cell === 'false') value = cell === 'true';
    else if (/^\s*[[{]/.test(cell)) value = JSON.parse(cell);
    const path = column.split('.');
    let target = record;
    for (const key of path.slice(0, -1)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') return;
      target = (target[key] ??= {}) as Record<string, unknown>;
    }
    const last = path.at(-1)!;
    if (last === '__proto__' || last === 'constructor' || last === 'prototype') return;
    target[last] = value;
  });
  return record;
}

const csvColumns = ['line', 'id', 'outcome', 'tier', 'vetoed_by', 'unknown', 'data_errors', 'malformed'] as const;

/** The CSV header of decision records. */
export const csvHeader = csvColumns.join(',');

/** A decision record as one output line. */
export function formatResult(r: LineResult, format: 'ndjson' | 'csv'): string {
  if (format === 'ndjson') return JSON.stringify(r);
  const cell = (v: unknown): string => {
    if (v === undefined) return '';
    const text = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : `${x.path}: ${x.message}`)).join('; ') : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return csvColumns.map((c) => cell(r[c])).join(',');
}

/** Counts for the end-of-run summary. */
export class BatchSummary {
  lines = 0;
  malformed = 0;
  readonly outcomes = new Map<string, number>();
  readonly tiers = new Map<string, number>();
  readonly missing = new Map<string, number>();
  readonly errorPaths = new Map<string, number>();

  add(r: LineResult): void {
    this.lines++;
    if (r.malformed) {
      this.malformed++;
      return;
    }
    bump(this.outcomes, r.outcome!);
    if (r.tier) bump(this.tiers, r.tier);
    // Paths without list indices, so that the same field counts once.
    for (const u of r.unknown ?? []) bump(this.missing, u.replace(/\[\d+\]/g, '[]'));
    for (const e of r.data_errors ?? []) bump(this.errorPaths, e.path.replace(/\[\d+\]/g, '[]'));
  }

  /** The summary as text lines. */
  render(): string[] {
    const decided = this.lines - this.malformed;
    const top = (m: Map<string, number>, n: number) =>
      [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([k, v]) => `    ${v.toLocaleString('en').padStart(9)}  ${k}`);
    const out = [
      `${this.lines.toLocaleString('en')} records: ${decided.toLocaleString('en')} decided, ${this.malformed.toLocaleString('en')} malformed`,
      '  outcomes:',
      ...top(this.outcomes, 50),
    ];
    if (this.tiers.size) out.push('  tiers:', ...top(this.tiers, 50));
    if (this.missing.size) out.push('  most common fields deciding undetermined records:', ...top(this.missing, 10));
    if (this.errorPaths.size) out.push('  most common data errors:', ...top(this.errorPaths, 10));
    return out;
  }

  /** Add another summary's counts (from a worker). */
  merge(other: ReturnType<BatchSummary['toJSON']>): void {
    this.lines += other.records;
    this.malformed += other.malformed;
    const into = (m: Map<string, number>, o: Record<string, number>) => {
      for (const [k, v] of Object.entries(o)) m.set(k, (m.get(k) ?? 0) + v);
    };
    into(this.outcomes, other.outcomes);
    into(this.tiers, other.tiers);
    into(this.missing, other.undetermined_by);
    into(this.errorPaths, other.data_errors);
  }

  toJSON() {
    return {
      records: this.lines,
      decided: this.lines - this.malformed,
      malformed: this.malformed,
      outcomes: Object.fromEntries(this.outcomes),
      tiers: Object.fromEntries(this.tiers),
      undetermined_by: Object.fromEntries(this.missing),
      data_errors: Object.fromEntries(this.errorPaths),
    };
  }
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/** A byte range of the input that starts and ends at line boundaries. */
export interface Segment {
  readonly seq: number;
  readonly start: number;
  readonly end: number;
  /** The 1-based number of the segment's first line. */
  readonly firstLine: number;
}

/** What deciding a segment gives back: output text, counts, and the first malformed line if the run must stop there. */
export interface SegmentResult {
  readonly seq: number;
  readonly output: string;
  readonly summary: ReturnType<BatchSummary['toJSON']>;
  readonly malformed: string[];
  readonly failedAt: LineResult | undefined;
  /** How many lines the segment has (blank ones included). */
  readonly lines: number;
}

/** Decide every line of a segment's text. */
export function decideSegment(
  policy: CompiledPolicy,
  registry: PolicyRegistry,
  job: BatchJob,
  segment: Segment,
  text: string,
  format: 'ndjson' | 'csv',
  onMalformed: 'skip' | 'fail',
): SegmentResult {
  const summary = new BatchSummary();
  const out: string[] = [];
  const malformed: string[] = [];
  let failedAt: LineResult | undefined;
  const lines = text.split('\n');
  // A segment ends with a newline (except perhaps the last of the file): drop the empty tail.
  const lineCount = lines.at(-1) === '' ? lines.length - 1 : lines.length;
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const r = decideLine(policy, registry, job, line, segment.firstLine + i, format);
    summary.add(r);
    if (r.malformed) {
      malformed.push(r.malformed);
      if (onMalformed === 'fail') {
        failedAt = r;
        break;
      }
    }
    out.push(r.text ?? formatResult(r, format));
  }
  return { seq: segment.seq, output: out.length ? out.join('\n') + '\n' : '', summary: summary.toJSON(), malformed, failedAt, lines: lineCount };
}
