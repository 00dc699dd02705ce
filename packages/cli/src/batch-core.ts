/**
 * Batch evaluation, the part shared by the main thread and the workers:
 * one input line in, one decision record out.
 */
import { isAscii } from 'node:buffer';
import type { RecordType, Type } from '@bylaw/dsl';
import { formatNumber, subjectId, type CompiledPolicy, type PlainDecision, type PolicyRegistry } from '@bylaw/runtime';

/** What deciding lines needs to know (the policies themselves travel as a registry, checked once). */
export interface BatchJob {
  readonly policyId: string;
  readonly asOf: string;
  readonly params: Record<string, unknown> | undefined;
  /**
   * `json`: the elements of a JSON array, one per line (see JsonArrayReader), numbered from 1;
   * `csv`: records as JSON lines `[line, cell, …]` or `[line, null, "why"]` (see CsvReader).
   */
  readonly input: 'ndjson' | 'csv' | 'json';
  /** For CSV input: the header's column names. */
  readonly columns: readonly string[] | undefined;
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
  plan: ColumnPlan | undefined = job.columns ? planColumns(job.columns, policy.checked.subject.type) : undefined,
): LineResult {
  const r = readRecord(job, plan, text, line);
  if (typeof r.subject === 'string') return { line: r.line, malformed: r.subject };
  return decideRecord(policy, registry, job, r.subject, r.line);
}

/** What a record's number counts: lines of the file, or elements of a JSON array. */
function unitOf(job: Pick<BatchJob, 'input'>): string {
  return job.input === 'json' ? 'element' : 'line';
}

/**
 * The record of one input line (for CSV, of one `[line, …cells]` line, whose line
 * number it takes), or why it is not one. Never throws.
 */
export function readRecord(job: Pick<BatchJob, 'input'>, plan: ColumnPlan | undefined, text: string, line: number): { line: number; subject: object | string } {
  if (job.input === 'csv') {
    const row = JSON.parse(text) as [number, ...(string | null)[]];
    const at = row[0];
    if (row[1] === null) return { line: at, subject: `line ${at} is not a CSV row: ${row[2]}` };
    const cells = row.slice(1) as string[];
    if (cells.length !== plan!.length) return { line: at, subject: `line ${at} is not a CSV row: ${cells.length} cell${cells.length === 1 ? '' : 's'} for ${plan!.length} columns` };
    return { line: at, subject: csvRecord(cells, plan!) };
  }
  let subject: unknown;
  try {
    subject = JSON.parse(text);
  } catch (e) {
    return { line, subject: `${unitOf(job)} ${line} is not JSON: ${(e as Error).message}` };
  }
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) return { line, subject: `${unitOf(job)} ${line} is not a JSON object` };
  return { line, subject };
}

/** The decision record of a record, built in full (see {@link SegmentDecider} for the common case). */
function decideRecord(
  policy: CompiledPolicy,
  registry: PolicyRegistry,
  job: BatchJob,
  subject: object,
  line: number,
  plain: PlainDecision = policy.decide(subject, optionsOf(job)),
): LineResult {
  const id = subjectId(subject);
  const options = optionsOf(job);
  const base = {
    line,
    ...(id !== undefined ? { id } : {}),
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

/** How a CSV column becomes a field: its path in the record and how its cells are read. */
export type ColumnPlan = readonly { readonly path: readonly string[]; readonly read: CellReading }[];

/**
 * How a cell is read, by the declared type of its field: `text` (strings, numbers, dates,
 * enums: the runtime checks and converts the text like any data), `bool` (`true` / `false`),
 * `json` (lists, monthly series, tables, records: a cell holding JSON), or `guess` for a
 * column the subject's type does not declare (`true`/`false` as booleans, JSON-looking cells
 * as JSON, the rest as text).
 */
type CellReading = 'text' | 'bool' | 'json' | 'guess';

function readingOf(type: Type | undefined): CellReading {
  switch (type?.kind) {
    case undefined:
    case 'any':
    case 'error':
      return 'guess';
    case 'bool':
      return 'bool';
    case 'list':
    case 'monthly':
    case 'table':
    case 'record':
      return 'json';
    case 'string':
    case 'number':
    case 'date':
    case 'datetime':
    case 'duration':
    case 'period':
    case 'enum':
      return 'text';
  }
}

/** The declared type at a path of fields in a record type, if the path names one. */
function typeAt(record: RecordType, path: readonly string[]): Type | undefined {
  let type: Type = record;
  for (const name of path) {
    if (type.kind !== 'record') return undefined;
    const field = type.fields.get(name);
    if (!field) return undefined;
    type = field.type;
  }
  return type;
}

/** A problem with a CSV header: every record would be wrong, so the run does not start. */
export class CsvHeaderError extends Error {}

/**
 * The plan of a CSV header against the subject's type: each column's path (`a.b` nests) and
 * how its cells are read. Throws a {@link CsvHeaderError} for an empty column name, an empty
 * part of a path (`a..b`), a repeated column, or a column that another one nests under (`a`
 * and `a.b`): a record could not hold both.
 */
export function planColumns(columns: readonly string[], subject: RecordType): ColumnPlan {
  const seen = new Map<string, string>();
  const plan = columns.map((column, i) => {
    if (column.trim() === '') throw new CsvHeaderError(`column ${i + 1} has no name`);
    const path = column.split('.');
    if (path.some((p) => p === '')) throw new CsvHeaderError(`the column ${JSON.stringify(column)} has an empty part in its path`);
    if (seen.has(column)) throw new CsvHeaderError(`the column ${column} is given twice`);
    seen.set(column, column);
    return { path, read: readingOf(typeAt(subject, path)) };
  });
  const names = new Set(columns);
  for (const column of columns) {
    const parts = column.split('.');
    for (let k = 1; k < parts.length; k++) {
      const prefix = parts.slice(0, k).join('.');
      if (names.has(prefix)) throw new CsvHeaderError(`the columns ${prefix} and ${column} both give ${prefix}`);
    }
  }
  return plan;
}

/** A cell as a value, by its reading (see {@link CellReading}). */
function cellValue(cell: string, read: CellReading): unknown {
  if (read === 'text') return cell;
  if (read === 'bool' || read === 'guess') {
    if (cell === 'true') return true;
    if (cell === 'false') return false;
    if (read === 'bool') return cell;
  }
  if (/^\s*[[{]/.test(cell)) {
    try {
      return JSON.parse(cell);
    } catch {
      // Not JSON: the text, which the runtime reports as a data error on the field if it wanted a list.
    }
  }
  return cell;
}

/**
 * A CSV row as a record: `a.b` columns nest, empty cells are absent, each cell read by its
 * field's declared type (see {@link planColumns}). Every field is an own property of an object
 * made here, as `JSON.parse` makes them: a column named `__proto__`, `constructor.prototype.x`
 * or `hasOwnProperty.call` is a field like any other, never a write to a prototype or a
 * built-in (nested objects are looked up as own properties only; `__proto__`, the one
 * inherited setter, is defined rather than assigned).
 */
export function csvRecord(cells: readonly string[], plan: ColumnPlan): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < plan.length; i++) {
    const cell = cells[i]!;
    if (cell === '') continue;
    const { path, read } = plan[i]!;
    let target = record;
    for (let k = 0; k < path.length - 1; k++) {
      const key = path[k]!;
      if (!Object.hasOwn(target, key)) setField(target, key, {});
      target = target[key] as Record<string, unknown>;
    }
    setField(target, path[path.length - 1]!, cellValue(cell, read));
  }
  return record;
}

/** An own field of an object made here (assigned: fast; `__proto__` defined: never the prototype). */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const csvColumns = ['line', 'id', 'outcome', 'tier', 'vetoed_by', 'unknown', 'data_errors', 'malformed'] as const;

/** The CSV header of decision records. */
export const csvHeader = csvColumns.join(',');

/** A decision record as one output line. */
export function formatResult(r: LineResult, format: 'ndjson' | 'csv'): string {
  if (format === 'ndjson') return JSON.stringify(r);
  const cell = (v: unknown): string => {
    if (v === undefined) return '';
    return csvCell(Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : `${x.path}: ${x.message}`)).join('; ') : String(v));
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

  /** Count `n` records decided alike, without data errors. */
  addDecided(outcome: string, tier: string | undefined, n: number): void {
    this.lines += n;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + n);
    if (tier) this.tiers.set(tier, (this.tiers.get(tier) ?? 0) + n);
  }

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
      [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([k, v]) => `    ${formatNumber(v).padStart(9)}  ${k}`);
    const out = [
      `${formatNumber(this.lines)} records: ${formatNumber(decided)} decided, ${formatNumber(this.malformed)} malformed`,
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

/** A piece of the input that starts and ends at line boundaries. */
export interface Segment {
  readonly seq: number;
  /** The 1-based number of the segment's first line. */
  readonly firstLine: number;
  /** The segment's bytes, UTF-8. */
  readonly bytes: Uint8Array;
}

/** What deciding a segment gives back: output bytes, counts, and the first malformed line if the run must stop there. */
export interface SegmentResult {
  readonly seq: number;
  /** The decision records, one a line, UTF-8. */
  readonly output: Uint8Array;
  readonly summary: ReturnType<BatchSummary['toJSON']>;
  readonly malformed: string[];
  readonly failedAt: LineResult | undefined;
  /** How many lines the segment has (blank ones included). */
  readonly lines: number;
}

/** The text of a decision record after its line and id, shared by every record decided alike. */
interface Tail {
  readonly plain: PlainDecision;
  readonly outcome: string;
  readonly tier: string | undefined;
  readonly text: string;
  /** Records decided alike in the segment being decided. */
  count: number;
}

/** Distinct decision objects remembered; the runtime shares one per outcome, so a handful in practice. */
const MAX_TAILS = 64;

/** A JSON string that needs no escaping: no quote, backslash, control character or surrogate. */
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
/** A CSV cell that needs quoting. */
const CSV_SPECIAL = /[",\n\r]/;

/**
 * Decides segments in one thread. The common record (a decision without data
 * errors, not undetermined) is written by hand from its line, its id and a
 * tail shared by every record decided alike, and counted per decision rather
 * than per line: no object per line but the parsed record. Every other line
 * is built in full, as {@link decideLine} does, and written by
 * {@link formatResult}; the tests check that both write the same bytes.
 */
export class SegmentDecider {
  private readonly options: { asOf: string; params?: Record<string, unknown> };
  private readonly tails: Tail[] = [];
  /** For CSV input: how the columns become fields. */
  private readonly plan: ColumnPlan | undefined;

  constructor(
    private readonly policy: CompiledPolicy,
    private readonly registry: PolicyRegistry,
    private readonly job: BatchJob,
    private readonly format: 'ndjson' | 'csv',
    private readonly onMalformed: 'skip' | 'fail',
  ) {
    this.options = optionsOf(job);
    this.plan = job.columns ? planColumns(job.columns, policy.checked.subject.type) : undefined;
  }

  /** Decide every line of a segment. */
  decide(seq: number, firstLine: number, bytes: Uint8Array): SegmentResult {
    const { policy, job, format, options } = this;
    const summary = new BatchSummary();
    const malformed: string[] = [];
    let failedAt: LineResult | undefined;
    const text = decode(bytes);
    const csvOutput = format === 'csv';
    let out = '';
    let line = firstLine - 1;
    for (let next = 0; next < text.length; ) {
      const start = next;
      let stop = text.indexOf('\n', start);
      if (stop < 0) stop = text.length;
      next = stop + 1;
      line++;
      if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
      if (stop === start) continue;
      const raw = text.slice(start, stop);
      // Records start with `{` (or a CSV cell); anything else may be a blank line.
      if (raw.charCodeAt(0) !== 123 && raw.trim() === '') continue;
      const read = readRecord(job, this.plan, raw, line);
      const at = read.line;
      const subject = read.subject;
      let r: LineResult;
      if (typeof subject === 'string') r = { line: at, malformed: subject };
      else {
        const plain = policy.decide(subject, options);
        if (plain.outcome !== 'undetermined' && plain.dataErrors.length === 0) {
          const t = this.tailOf(plain, summary);
          t.count++;
          const own = (subject as { id?: unknown }).id;
          // The common id, a plain string, is written as it is; any other goes through subjectId (never throws).
          const plainId = typeof own === 'string' && PLAIN_STRING.test(own);
          const id = plainId ? own : subjectId(subject);
          if (csvOutput) out += at + ',' + (id === undefined ? '' : csvCell(id)) + t.text;
          else if (id === undefined) out += '{"line":' + at + t.text;
          else if (plainId) out += '{"line":' + at + ',"id":"' + id + '"' + t.text;
          else out += '{"line":' + at + ',"id":' + JSON.stringify(id) + t.text;
          continue;
        }
        // Rare: undetermined or with data errors, built in full.
        r = decideRecord(policy, this.registry, job, subject, at, plain);
      }
      summary.add(r);
      if (r.malformed) {
        malformed.push(r.malformed);
        if (this.onMalformed === 'fail') {
          failedAt = r;
          break;
        }
      }
      out += formatResult(r, format) + '\n';
    }
    for (const t of this.tails) {
      if (t.count) summary.addDecided(t.outcome, t.tier, t.count);
      t.count = 0;
    }
    // A stopped run reads no further: its count of lines does not matter.
    return { seq, output: Buffer.from(out, 'utf8'), summary: summary.toJSON(), malformed, failedAt, lines: line - firstLine + 1 };
  }

  /** The shared text of a decision, remembered per decision object. */
  private tailOf(plain: PlainDecision, summary: BatchSummary): Tail {
    const tails = this.tails;
    for (let i = 0; i < tails.length; i++) if (tails[i]!.plain === plain) return tails[i]!;
    const { outcome, tier, vetoedBy } = plain;
    const text =
      this.format === 'csv'
        ? `,${csvCell(outcome)},${tier ? csvCell(tier) : ''},${vetoedBy ? csvCell(vetoedBy) : ''},,,\n`
        : `,"outcome":${JSON.stringify(outcome)}` + (tier ? `,"tier":${JSON.stringify(tier)}` : '') + (vetoedBy ? `,"vetoed_by":${JSON.stringify(vetoedBy)}` : '') + '}\n';
    const t: Tail = { plain, outcome, tier: tier || undefined, text, count: 0 };
    if (tails.length < MAX_TAILS) tails.push(t);
    // Too many distinct decision objects (the runtime stopped sharing them?): count this one now, forget it.
    else summary.addDecided(outcome, t.tier, 1);
    return t;
  }
}

/** Bytes as text: Latin-1 when they are ASCII (the same text, decoded faster), else UTF-8. */
function decode(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isAscii(b) ? b.toString('latin1') : b.toString('utf8');
}

function csvCell(text: string): string {
  return CSV_SPECIAL.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
