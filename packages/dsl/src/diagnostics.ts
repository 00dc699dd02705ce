/**
 * Diagnostics: the one catalog of codes and messages, the diagnostic shape,
 * and rendering with file:line:column and a code frame.
 *
 * Codes by phase: `BYL1xxx` lexing and syntax, `BYL2xxx` names and types,
 * `BYL3xxx` policy semantics (ids, tiers, versions, references),
 * `BYL4xxx` limits.
 */
import type { Span } from './ast.js';

/** How serious a diagnostic is. Only errors make `bylaw check` fail. */
export type Severity = 'error' | 'warning' | 'info';

/** Each diagnostic code with its severity and a one-line summary (for the docs). */
export const diagnosticCatalog = {
  BYL1001: { severity: 'error', summary: 'Unexpected character' },
  BYL1002: { severity: 'error', summary: 'Unterminated string' },
  BYL1003: { severity: 'error', summary: 'Unterminated block comment' },
  BYL1004: { severity: 'error', summary: 'Syntax error' },
  BYL1005: { severity: 'error', summary: 'Invalid number literal' },
  BYL1006: { severity: 'error', summary: 'Invalid date or datetime literal' },
  BYL1007: { severity: 'error', summary: 'Invalid escape in string' },
  BYL1008: { severity: 'error', summary: 'Invisible or bidirectional control character' },
  BYL1009: { severity: 'error', summary: 'Invalid UTF-8 in source file' },
  BYL2001: { severity: 'error', summary: 'Unknown name' },
  BYL2002: { severity: 'error', summary: 'Unknown type' },
  BYL2003: { severity: 'error', summary: 'Unknown field' },
  BYL2004: { severity: 'error', summary: 'Type mismatch' },
  BYL2005: { severity: 'error', summary: 'Unknown enum member' },
  BYL2006: { severity: 'error', summary: 'Ambiguous enum member' },
  BYL2007: { severity: 'error', summary: 'Operator not defined for these types' },
  BYL2008: { severity: 'error', summary: 'Enum is not ordered' },
  BYL2009: { severity: 'error', summary: 'Condition is not a boolean' },
  BYL2010: { severity: 'error', summary: 'Duplicate name' },
  BYL2011: { severity: 'error', summary: 'Import not found or unreadable' },
  BYL2012: { severity: 'error', summary: 'Circular definition' },
  BYL2013: { severity: 'error', summary: 'Invalid aggregation' },
  BYL2014: { severity: 'error', summary: "'==' is written '=' in Bylaw" },
  BYL2015: { severity: 'error', summary: 'Invalid table' },
  BYL2016: { severity: 'error', summary: 'Invalid time zone' },
  BYL2017: { severity: 'error', summary: 'Invalid default value' },
  BYL3001: { severity: 'error', summary: 'Missing policy header item' },
  BYL3002: { severity: 'error', summary: 'Duplicate header item' },
  BYL3003: { severity: 'error', summary: 'Published after effective' },
  BYL3004: { severity: 'error', summary: 'Effective period is empty' },
  BYL3005: { severity: 'error', summary: 'Duplicate id' },
  BYL3006: { severity: 'error', summary: 'Missing subject' },
  BYL3007: { severity: 'error', summary: 'Missing decide block' },
  BYL3008: { severity: 'error', summary: 'Invalid decide block' },
  BYL3009: { severity: 'warning', summary: 'Unreachable tier or outcome' },
  BYL3010: { severity: 'error', summary: 'Unknown tier or outcome' },
  BYL3011: { severity: 'warning', summary: 'Tier thresholds are not monotonic' },
  BYL3012: { severity: 'error', summary: 'Unknown policy' },
  BYL3013: { severity: 'error', summary: 'Cycle of policy references' },
  BYL3014: { severity: 'error', summary: 'Overlapping effective periods' },
  BYL3015: { severity: 'warning', summary: 'Gap between versions' },
  BYL3016: { severity: 'warning', summary: 'End date with no successor' },
  BYL3017: { severity: 'error', summary: 'Duplicate version' },
  BYL3018: { severity: 'warning', summary: 'Unused definition' },
  BYL3019: { severity: 'warning', summary: 'Placeholder: value not given by the source text' },
  BYL3020: { severity: 'error', summary: 'Subject type mismatch across policies' },
  BYL3021: { severity: 'error', summary: 'Invalid at-least count' },
  BYL3022: { severity: 'error', summary: 'A library file cannot have a decide block or subject' },
  BYL4001: { severity: 'error', summary: 'Nesting too deep' },
  BYL4002: { severity: 'error', summary: 'Policy file too large' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

/** A stable diagnostic code. */
export type DiagnosticCode = keyof typeof diagnosticCatalog;

/** A related location, e.g. the first declaration of a duplicate. */
export interface RelatedInformation {
  readonly file: string;
  readonly span: Span;
  readonly message: string;
}

/** One problem found in a policy file. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly span: Span;
  readonly hint?: string;
  readonly related?: readonly RelatedInformation[];
}

/** Make a diagnostic with the catalog's severity for its code. */
export function diagnostic(
  code: DiagnosticCode,
  file: string,
  span: Span,
  message: string,
  extra: { hint?: string; related?: RelatedInformation[] } = {},
): Diagnostic {
  const d: Diagnostic = { code, severity: diagnosticCatalog[code].severity, message, file, span };
  return extra.hint || extra.related ? { ...d, ...extra } : d;
}

/** Line starts of a text, for offset → line/column conversion. */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** Index the line starts of `text` (LF, CRLF and lone CR all end a line). */
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }
  /** 1-based line and column (column counted in code points) of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.starts[lo]!;
    const column = [...this.text.slice(lineStart, Math.min(offset, this.text.length))].length + 1;
    return { line: lo + 1, column };
  }
  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line] ?? this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
  /** How many lines the text has. */
  get lineCount(): number {
    return this.starts.length;
  }
}

/** Columns a string takes in a terminal: East Asian wide characters count two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x200b || c === 0x200c || c === 0x200d || c === 0xfeff) continue;
    width += isWide(c) ? 2 : 1;
  }
  return width;
}

function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1f64f) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** Options for {@link renderDiagnostic}. */
export interface RenderOptions {
  /** ANSI colours. Default false. */
  readonly color?: boolean;
  /** Texts of other files, by path, so that notes pointing into them show line:column. */
  readonly sources?: ReadonlyMap<string, string>;
}

/**
 * Render a diagnostic as text: `file:line:col: error BYL2001: message`, a code
 * frame with a caret under the span, the hint, and related locations.
 */
export function renderDiagnostic(d: Diagnostic, source: string | LineIndex, options: RenderOptions = {}): string {
  const index = typeof source === 'string' ? new LineIndex(source) : source;
  const paint = (code: string, s: string) => (options.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const { line, column } = index.position(d.span.start);
  const sevColor = d.severity === 'error' ? '31' : d.severity === 'warning' ? '33' : '36';
  const out: string[] = [
    `${paint('1', `${d.file}:${line}:${column}`)}: ${paint(sevColor, `${d.severity} ${d.code}`)}: ${d.message}`,
  ];
  out.push(...codeFrame(index, d.span, paint));
  if (d.hint) out.push(`  = hint: ${d.hint}`);
  for (const r of d.related ?? []) {
    out.push(`  = note: ${r.message} (${r.file}:${relatedPosition(r, index, d.file, options.sources)})`);
  }
  return out.join('\n');
}

function relatedPosition(r: RelatedInformation, index: LineIndex, file: string, sources?: ReadonlyMap<string, string>): string {
  const other = r.file === file ? index : sources?.has(r.file) ? new LineIndex(sources.get(r.file)!) : undefined;
  if (!other) return `offset ${r.span.start}`;
  const p = other.position(r.span.start);
  return `${p.line}:${p.column}`;
}

const MAX_FRAME_LINE = 160;

function codeFrame(index: LineIndex, span: Span, paint: (code: string, s: string) => string): string[] {
  const start = index.position(span.start);
  const end = index.position(Math.max(span.start, span.end - 1));
  const gutterWidth = String(end.line + 1).length;
  const lines: string[] = [];
  const first = Math.max(1, start.line - 1);
  const last = Math.min(index.lineCount, start.line === end.line ? start.line + 1 : Math.min(end.line, start.line + 3));
  for (let n = first; n <= last; n++) {
    const original = index.lineText(n);
    const raw = sanitize(original);
    const text = raw.length > MAX_FRAME_LINE ? raw.slice(0, MAX_FRAME_LINE) + '…' : raw;
    const marker = n >= start.line && n <= end.line ? '>' : ' ';
    lines.push(`${marker} ${String(n).padStart(gutterWidth)} | ${text}`);
    if (n === start.line) {
      const chars = [...original];
      const before = sanitize(chars.slice(0, start.column - 1).join(''));
      const endCol = start.line === end.line ? end.column : chars.length;
      const under = sanitize(chars.slice(start.column - 1, Math.max(start.column, endCol)).join(''));
      const pad = Math.min(displayWidth(before), MAX_FRAME_LINE);
      const carets = Math.max(1, Math.min(displayWidth(under), MAX_FRAME_LINE - pad + 1));
      lines.push(`  ${' '.repeat(gutterWidth)} | ${' '.repeat(pad)}${paint('31', '^'.repeat(carets))}`);
    }
  }
  return lines;
}

/** Show control characters visibly in a code frame so they cannot hide. */
function sanitize(line: string): string {
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) =>
    c === '\t' ? ' ' : `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`,
  );
}

/** Sort diagnostics by file, then position. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start || a.span.end - b.span.end));
}
