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
  BYL4003: { severity: 'error', summary: 'Too many syntax errors' },
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

/**
 * Line starts of a text, for offset → line/column conversion. Built once per
 * text in linear time; each {@link LineIndex.position} then costs a binary
 * search, however long the line, so rendering many diagnostics of one file
 * (or of one long line) stays linear.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** Offsets of the second halves of surrogate pairs (characters beyond U+FFFF), ascending: columns count code points. */
  private readonly pairEnds: number[] = [];
  /** Index the line starts of `text` (LF, CRLF and lone CR all end a line). */
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
      else if (c >= 0xd800 && c <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) this.pairEnds.push(++i);
      }
    }
  }
  /** 1-based line and column (column counted in code points) of an offset. */
  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    const line = lastAtOrBefore(this.starts, at);
    const lineStart = this.starts[line]!;
    // Code points = code units − completed surrogate pairs in [lineStart, at).
    const pairs = countBelow(this.pairEnds, at) - countBelow(this.pairEnds, lineStart + 1);
    return { line: line + 1, column: at - lineStart - pairs + 1 };
  }
  /** Where a 1-based line starts and ends (before its line break), as offsets. */
  lineRange(line: number): { start: number; end: number } {
    const start = this.starts[line - 1] ?? this.text.length;
    let end = this.starts[line] ?? this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return { start, end };
  }
  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const { start, end } = this.lineRange(line);
    return this.text.slice(start, end);
  }
  /** How many lines the text has. */
  get lineCount(): number {
    return this.starts.length;
  }
}

/** The index of the last element of an ascending array that is <= `value` (0 if none). */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How many elements of an ascending array are < `value`. */
function countBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
 *
 * Pass a {@link LineIndex} rather than the text when rendering many
 * diagnostics of one file (or use {@link renderDiagnostics}): indexing the
 * text is the only step that grows with the file.
 */
export function renderDiagnostic(d: Diagnostic, source: string | LineIndex, options: RenderOptions = {}): string {
  const index = typeof source === 'string' ? new LineIndex(source) : source;
  const indexes = new Map<string, LineIndex>([[d.file, index]]);
  return render(d, index, options, (file) => {
    let other = indexes.get(file);
    if (other === undefined && options.sources?.has(file)) indexes.set(file, (other = new LineIndex(options.sources.get(file)!)));
    return other;
  });
}

/**
 * Render diagnostics (of any files) joined by blank lines, each file's text
 * taken from `sources` and indexed once: linear in the texts and the number
 * of diagnostics, however many fall on one line.
 */
export function renderDiagnostics(ds: readonly Diagnostic[], sources: ReadonlyMap<string, string>, options: Omit<RenderOptions, 'sources'> = {}): string {
  const indexes = new Map<string, LineIndex>();
  const indexOf = (file: string): LineIndex | undefined => {
    let index = indexes.get(file);
    if (index === undefined && sources.has(file)) indexes.set(file, (index = new LineIndex(sources.get(file)!)));
    return index;
  };
  const empty = new LineIndex('');
  const out: string[] = [];
  for (const d of ds) out.push(render(d, indexOf(d.file) ?? empty, options, indexOf));
  return out.join('\n\n');
}

function render(d: Diagnostic, index: LineIndex, options: RenderOptions, indexOf: (file: string) => LineIndex | undefined): string {
  const paint = (code: string, s: string) => (options.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const { line, column } = index.position(d.span.start);
  const sevColor = d.severity === 'error' ? '31' : d.severity === 'warning' ? '33' : '36';
  const out: string[] = [
    `${paint('1', `${showControls(d.file)}:${line}:${column}`)}: ${paint(sevColor, `${d.severity} ${d.code}`)}: ${showControls(d.message)}`,
  ];
  for (const l of codeFrame(index, d.span, paint)) out.push(l);
  if (d.hint) out.push(`  = hint: ${showControls(d.hint)}`);
  for (const r of d.related ?? []) {
    const other = r.file === d.file ? index : indexOf(r.file);
    const p = other?.position(r.span.start);
    out.push(`  = note: ${showControls(r.message)} (${showControls(r.file)}:${p ? `${p.line}:${p.column}` : `offset ${r.span.start}`})`);
  }
  return out.join('\n');
}

/** Code units of a line shown in a frame; a longer line is cut, with `…`. */
const MAX_FRAME_LINE = 160;
/** Code units shown before the span when the frame is a window into a long line. */
const FRAME_LEAD = 40;

/**
 * The code frame: the span's first line with one line of context on each side
 * (or its lines, up to four), and carets under the span. A long line is shown
 * as a window of at most {@link MAX_FRAME_LINE} code units, starting from the
 * line's start unless the span starts too far right to be seen, then a little
 * before the span (the same columns on every line of the frame). The work per
 * diagnostic is bounded by the window, not by the line.
 */
function codeFrame(index: LineIndex, span: Span, paint: (code: string, s: string) => string): string[] {
  const text = index.text;
  const start = index.position(span.start);
  const end = index.position(Math.max(span.start, span.end - 1));
  const gutterWidth = String(end.line + 1).length;
  const lines: string[] = [];
  const first = Math.max(1, start.line - 1);
  const last = Math.min(index.lineCount, start.line === end.line ? start.line + 1 : Math.min(end.line, start.line + 3));
  const startLine = index.lineRange(start.line);
  const startInLine = Math.max(0, Math.min(span.start, startLine.end) - startLine.start);
  // Where each line's window begins, in code units from the line's start.
  const shift = startInLine > MAX_FRAME_LINE - FRAME_LEAD ? startInLine - FRAME_LEAD : 0;
  for (let n = first; n <= last; n++) {
    const range = index.lineRange(n);
    const from = clampToCodePoint(text, Math.min(range.start + shift, range.end));
    // One code unit more than shown, to know whether the line goes on.
    const piece = text.slice(from, Math.min(range.end, from + MAX_FRAME_LINE + 1));
    const raw = sanitize(piece);
    const cut = raw.length > MAX_FRAME_LINE || from + piece.length < range.end;
    const lead = from > range.start ? '…' : '';
    const shown = lead + (cut ? raw.slice(0, MAX_FRAME_LINE) + '…' : raw);
    const marker = n >= start.line && n <= end.line ? '>' : ' ';
    lines.push(`${marker} ${String(n).padStart(gutterWidth)} | ${shown}`);
    if (n === start.line) {
      const caretAt = Math.max(from, Math.min(span.start, range.end));
      const before = sanitize(text.slice(from, caretAt));
      const spanEnd = start.line === end.line ? afterCodePoint(text, Math.max(caretAt + 1, Math.min(span.end, range.end))) : range.end;
      // Twice the frame: enough code units for the widest caret line, whatever they are.
      const under = sanitize(text.slice(caretAt, Math.min(spanEnd, caretAt + 2 * (MAX_FRAME_LINE + 1))));
      const pad = Math.min(displayWidth(before), MAX_FRAME_LINE) + lead.length;
      const carets = Math.max(1, Math.min(displayWidth(under), MAX_FRAME_LINE - pad + lead.length + 1));
      lines.push(`  ${' '.repeat(gutterWidth)} | ${' '.repeat(pad)}${paint('31', '^'.repeat(carets))}`);
    }
  }
  return lines;
}

/** An offset moved forward past the second half of a surrogate pair whose first half precedes it. */
function afterCodePoint(text: string, offset: number): number {
  return clampToCodePoint(text, offset) < offset ? offset + 1 : offset;
}

/** An offset moved back off the second half of a surrogate pair, so that a window never splits a character. */
function clampToCodePoint(text: string, offset: number): number {
  const c = text.charCodeAt(offset);
  const before = text.charCodeAt(offset - 1);
  return c >= 0xdc00 && c <= 0xdfff && before >= 0xd800 && before <= 0xdbff ? offset - 1 : offset;
}

/**
 * Characters that must not reach a terminal as they are: C0 and C1 controls (ESC starts the
 * sequences that move the cursor, clear the screen, set the window title or make links), DEL,
 * line and paragraph separators, and the invisible and bidirectional format characters that
 * make text display differently from what it is. Tab and line feed are matched too; callers
 * decide whether to keep them.
 */
const unsafeForTerminal = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const codePointName = (c: string) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`;

/**
 * Text from a policy or from data (a label, an id, a value, a message that quotes them) made
 * safe to print on a terminal: every control, invisible or bidirectional character is shown as
 * `<U+XXXX>`, so that none can act on the terminal or hide. With `keepLines`, tab and line feed
 * are kept (for text that spans lines); otherwise they are shown too.
 */
export function showControls(text: string, options: { keepLines?: boolean } = {}): string {
  unsafeForTerminal.lastIndex = 0;
  if (!unsafeForTerminal.test(text)) return text;
  return text.replace(unsafeForTerminal, (c) => (options.keepLines && (c === '\n' || c === '\t') ? c : codePointName(c)));
}

/** Show control characters visibly in a code frame so they cannot hide (a tab is a space there). */
function sanitize(line: string): string {
  return showControls(line.replace(/\t/g, ' '));
}

/** Sort diagnostics by file, then position. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start || a.span.end - b.span.end));
}
