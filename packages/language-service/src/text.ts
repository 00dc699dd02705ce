/**
 * Offsets ↔ editor positions. The AST's spans are UTF-16 offsets; editors (LSP,
 * CodeMirror) speak in 0-based lines and UTF-16 characters within a line.
 */
import type { Position, Range } from 'vscode-languageserver-types';
import type { Span } from '@bylaw/dsl';

/**
 * The line starts of a text, for converting offsets to positions and back. Not the checker's
 * `LineIndex`: that one counts 1-based lines and columns in code points (for messages); editors
 * count 0-based lines and UTF-16 characters, as spans do.
 */
export class PositionIndex {
  private readonly starts: number[] = [0];

  /** Index the line starts of `text` (LF, CRLF and lone CR end a line, as the checker counts them). */
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  /** The position of an offset (clamped to the text). */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - this.starts[lo]! };
  }

  /** The offset of a position (a character past the end of its line is the line's end). */
  offset(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line]!;
    const next = position.line + 1 < this.starts.length ? this.starts[position.line + 1]! : this.text.length;
    let end = next;
    // The line's end is before its line break.
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return Math.min(start + Math.max(0, position.character), end);
  }

  /** The range of a span. */
  range(span: Span): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  /** How many lines the text has. */
  get lineCount(): number {
    return this.starts.length;
  }

  /** The offset where a 0-based line starts. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }
}
