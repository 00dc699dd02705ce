/**
 * Reading a batch's input: the bytes of a file, a named pipe, a process
 * substitution or standard input, read front to back (never by position, so
 * a pipe reads like a file), cut into segments of whole records for the
 * deciding threads, each record numbered by its line (or, for a JSON array,
 * by its element).
 *
 * - NDJSON: segments cut at line ends; a byte-order mark at the start is dropped.
 * - JSON array: elements, one a line (see {@link JsonArrayReader}).
 * - CSV: records found by their quotes (a quoted cell may hold line breaks and
 *   delimiters), parsed by csv-parse on this thread, and handed on as JSON
 *   lines `[line, cell, …]` (or `[line, null, "why"]` for a record that is not
 *   a CSV row), so that the deciding threads need no CSV parser.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { parse as CsvParse } from 'csv-parse/sync';
import type { Segment } from './batch-core.js';
import { CliError, reasonOf } from './errors.js';

/** Bytes per segment: large enough to amortise messages, small enough that the main thread, deciding one, soon gets back to the workers. */
export const SEGMENT_BYTES = 1024 * 1024;

/**
 * The longest CSV record: a quoted cell not closed within this many characters
 * (an unbalanced quote) makes its first line one malformed record, and reading
 * goes on at the next line, instead of swallowing the rest of the file.
 */
export const MAX_CSV_RECORD_CHARS = 16 * 1024 * 1024;

/** What the run needs of its input: segments of whole records, numbered. */
export interface Reader {
  /** The size of the input when it is a regular file (for progress); undefined for a pipe. */
  readonly totalBytes: number | undefined;
  /** Bytes of the input read into segments so far. */
  readonly bytesDone: number;
  readonly nextSeq: number;
  /** For CSV: the header's column names. */
  readonly header: readonly string[] | undefined;
  next(countLines?: boolean): Segment | undefined;
  advance(lines: number): void;
  recycle(bytes: Uint8Array): void;
  /** A problem with the input as a whole, found at its end (a JSON array not closed). */
  readonly problem: { line: number; message: string } | undefined;
  close(): void;
}

/** The data file's bytes, front to back: a file, a pipe, or standard input (`-`). */
export class ByteSource {
  private readonly fd: number;
  private readonly own: boolean;
  /** The size of a regular file; undefined for a pipe, a socket or a terminal. */
  readonly size: number | undefined;

  constructor(readonly path: string) {
    this.own = path !== '-';
    try {
      this.fd = this.own ? openSync(path, 'r') : 0;
      const st = fstatSync(this.fd);
      if (st.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
      this.size = st.isFile() ? st.size : undefined;
    } catch (e) {
      throw new CliError(`cannot read data file ${path === '-' ? '(standard input)' : path}: ${reasonOf(e)}`);
    }
  }

  /** Read up to `length` bytes into `buffer` at `offset`; 0 at the end. Waits for a pipe that has nothing yet. */
  read(buffer: Uint8Array, offset: number, length: number): number {
    for (;;) {
      try {
        return readSync(this.fd, buffer, offset, length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A non-blocking pipe or terminal with nothing to read yet: wait a little, then read again.
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          Atomics.wait(pause, 0, 0, 5);
          continue;
        }
        if (code === 'EOF') return 0;
        throw new CliError(`cannot read data file ${this.path === '-' ? '(standard input)' : this.path}: ${reasonOf(e)}`);
      }
    }
  }

  /** Read until `length` bytes are in `buffer` from `offset`, or the end; returns the count. */
  readFully(buffer: Uint8Array, offset: number, length: number): number {
    let n = 0;
    while (n < length) {
      const got = this.read(buffer, offset + n, length - n);
      if (got === 0) break;
      n += got;
    }
    return n;
  }

  close(): void {
    if (this.own) closeSync(this.fd);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Whether bytes start with a UTF-8 byte-order mark. */
function hasBom(bytes: Uint8Array, length: number): boolean {
  return length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Reads NDJSON in segments cut at line ends, counting lines. */
export class NdjsonReader implements Reader {
  readonly problem = undefined;
  readonly header = undefined;
  readonly totalBytes: number | undefined;
  bytesDone = 0;
  nextSeq = 0;
  private line = 1;
  /** Bytes read after the last line end of the previous segment, carried into the next. */
  private carry: Uint8Array = new Uint8Array(0);
  private ended = false;
  private started = false;
  /** Segment buffers back from deciding, to read into again. */
  private readonly spare: Buffer[] = [];

  /** `segmentBytes`: the size of a segment's buffer (smaller in tests, to cut records across segments). */
  constructor(
    private readonly source: ByteSource,
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {
    this.totalBytes = source.size;
  }

  /**
   * The next segment, or undefined at the end. With `countLines` false the
   * caller counts the segment's lines itself and reports them with
   * {@link advance} (deciding a segment counts them anyway).
   */
  next(countLines = true): Segment | undefined {
    for (;;) {
      if (this.ended && this.carry.length === 0) return undefined;
      let buffer = this.spare.pop() ?? Buffer.allocUnsafe(this.segmentBytes);
      if (this.carry.length >= buffer.length) buffer = Buffer.allocUnsafe(this.carry.length * 2);
      buffer.set(this.carry, 0);
      let filled = this.carry.length;
      let cut: number;
      for (;;) {
        const want = buffer.length - filled;
        const n = this.ended ? 0 : this.source.readFully(buffer, filled, want);
        if (n < want) this.ended = true;
        filled += n;
        if (this.ended) {
          cut = filled;
          break;
        }
        cut = buffer.lastIndexOf(10, filled - 1) + 1;
        if (cut > 0) break;
        // A line longer than the buffer: keep reading into a bigger one.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      let start = 0;
      if (!this.started) {
        this.started = true;
        if (hasBom(buffer, cut)) start = 3;
      }
      // The bytes after the last line end start the next segment (copied: this buffer moves on).
      this.carry = new Uint8Array(buffer.subarray(cut, filled));
      this.bytesDone += cut;
      if (cut === start) {
        this.recycle(buffer);
        continue;
      }
      const bytes = buffer.subarray(start, cut);
      const segment = { seq: this.nextSeq++, firstLine: this.line, bytes };
      if (countLines) this.line += countNewlines(bytes);
      return segment;
    }
  }

  advance(lines: number): void {
    this.line += lines;
  }

  recycle(bytes: Uint8Array): void {
    if (bytes.buffer.byteLength === this.segmentBytes && this.spare.length < 16) this.spare.push(Buffer.from(bytes.buffer as ArrayBuffer));
  }

  close(): void {
    this.source.close();
  }
}

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

const enum JsonState {
  /** Before the first value. */
  Start,
  /** Inside the top-level array. */
  Array,
  /** The file holds one value that is not an array (one record, or not a record). */
  Single,
  /** After the array's closing bracket. */
  After,
}

/**
 * Reads a JSON file — an array of records, or one record — as segments with one element per
 * line, numbered from 1: the rest of the run treats them as NDJSON. The array is scanned byte
 * by byte (strings, escapes and nesting followed), so memory stays flat however long it is.
 * Line breaks between an element's tokens are blanks and become spaces; a raw line break inside
 * a string (invalid JSON) becomes another character JSON forbids there, so the element is still
 * reported as not JSON. An empty element (`[1,,2]`, or a trailing comma `[1,]`) is a malformed
 * line; an array that is not closed, or text after it, is reported as a problem of the whole
 * input. An empty file holds no record.
 */
export class JsonArrayReader implements Reader {
  readonly totalBytes: number | undefined;
  bytesDone = 0;
  nextSeq = 0;
  readonly header = undefined;
  problem: { line: number; message: string } | undefined;
  private readonly piece: Buffer;
  /** Output lines being assembled; `boundary` is the end of the last whole one. */
  private out = Buffer.allocUnsafe(2 * SEGMENT_BYTES);
  private outLength = 0;
  private boundary = 0;
  /** The number of the next element, and of the first element in `out`. */
  private element = 1;
  private firstInOut = 1;
  private state = JsonState.Start;
  private depth = 0;
  private inString = false;
  private escape = false;
  private inElement = false;
  private ended = false;

  /** `pieceBytes`: how much is read at a time (and the size of a segment; smaller in tests). */
  constructor(
    private readonly source: ByteSource,
    private readonly pieceBytes = SEGMENT_BYTES,
  ) {
    this.totalBytes = source.size;
    this.piece = Buffer.allocUnsafe(pieceBytes);
  }

  next(): Segment | undefined {
    while (this.boundary < this.pieceBytes && !this.ended) {
      const n = this.source.read(this.piece, 0, this.piece.length);
      this.bytesDone += n;
      if (n === 0) this.finish();
      else this.scan(n);
    }
    if (this.boundary === 0) return undefined;
    // A buffer of its own (never a slice of Node's shared pool): its memory moves to a worker.
    const bytes = Buffer.allocUnsafeSlow(this.boundary);
    this.out.copy(bytes, 0, 0, this.boundary);
    const segment = { seq: this.nextSeq++, firstLine: this.firstInOut, bytes };
    this.out.copy(this.out, 0, this.boundary, this.outLength);
    this.outLength -= this.boundary;
    this.boundary = 0;
    this.firstInOut = this.element;
    return segment;
  }

  /** Elements are counted while scanning. */
  advance(): void {}

  recycle(): void {}

  close(): void {
    this.source.close();
  }

  /** Whether the input is an array (else one value, numbered 1). */
  get isArray(): boolean {
    return this.state !== JsonState.Single;
  }

  /** Room for `n` more bytes in `out`. */
  private reserve(n: number): void {
    if (this.outLength + n <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.outLength + n));
    this.out.copy(bigger, 0, 0, this.outLength);
    this.out = bigger;
  }

  private endElement(): void {
    this.reserve(1);
    this.out[this.outLength++] = 10;
    this.boundary = this.outLength;
    this.element++;
    this.inElement = false;
  }

  /**
   * Scan a piece, copying element bytes to `out` (a line break between tokens becomes a blank,
   * so that one element is one line). The state lives in locals while the loop runs: every
   * byte of a large file passes here.
   */
  private scan(n: number): void {
    const buf = this.piece;
    // Each byte in gives at most two out (an empty element's `,` and its line's end).
    this.reserve(2 * n + 1);
    let out = this.out;
    let o = this.outLength;
    let { state, depth, inString, escape, inElement } = this;
    const save = () => {
      this.outLength = o;
      this.state = state;
      this.depth = depth;
      this.inString = inString;
      this.escape = escape;
      this.inElement = inElement;
    };
    const endElement = () => {
      save();
      this.endElement();
      out = this.out;
      o = this.outLength;
      inElement = false;
    };
    for (let i = 0; i < n; i++) {
      const b = buf[i]!;
      if (inString) {
        // A raw line break is not allowed in a JSON string: keep the element invalid (0x01 is not
        // allowed either), so that it is reported, without breaking its line in two.
        out[o++] = b === 10 || b === 13 ? 1 : b;
        if (escape) escape = false;
        else if (b === 0x5c) escape = true;
        else if (b === 0x22) inString = false;
        continue;
      }
      const blank = b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
      if (state === JsonState.Array) {
        if (!inElement) {
          if (blank) continue;
          if (b === 0x2c) {
            // An empty element: a line that is not JSON, reported with its number.
            out[o++] = 0x2c;
            this.afterComma = true;
            endElement();
            continue;
          }
          if (b === 0x5d && depth === 1) {
            // The closing bracket right after a comma: a trailing comma left an empty element.
            if (this.element > 1 && this.afterComma) {
              out[o++] = 0x2c;
              endElement();
            }
            state = JsonState.After;
            continue;
          }
          inElement = true;
        }
        if (b === 0x22) inString = true;
        else if (b === 0x7b || b === 0x5b) depth++;
        else if (b === 0x5d && depth === 1) {
          // The array's closing bracket ends the last element.
          this.afterComma = false;
          endElement();
          state = JsonState.After;
          continue;
        } else if ((b === 0x7d || b === 0x5d) && depth > 1) depth--;
        else if (b === 0x2c && depth === 1) {
          this.afterComma = true;
          endElement();
          continue;
        }
        out[o++] = blank ? 32 : b;
      } else if (state === JsonState.Start) {
        // Blanks and a byte-order mark (EF BB BF) before the first value.
        if (blank || (this.bytesDone - n + i < 3 && (b === 0xef || b === 0xbb || b === 0xbf))) continue;
        if (b === 0x5b) {
          state = JsonState.Array;
          depth = 1;
          continue;
        }
        state = JsonState.Single;
        inElement = true;
        if (b === 0x22) inString = true;
        out[o++] = b;
      } else if (state === JsonState.Single) {
        if (b === 0x22) inString = true;
        out[o++] = blank ? 32 : b;
      } else {
        // After the array: only blanks may follow.
        if (blank) continue;
        this.problem ??= { line: this.element, message: `text after the end of the JSON array (at byte ${this.bytesDone - n + i})` };
        this.ended = true;
        break;
      }
    }
    save();
  }

  /** Whether the last element ended at a comma (so that `]` next leaves an empty one). */
  private afterComma = false;

  /** The end of the input: close the element being read, and say if the array was not closed. */
  private finish(): void {
    this.ended = true;
    if (this.inElement) this.endElement();
    if (this.state === JsonState.Array) this.problem ??= { line: this.element, message: 'the JSON array is not closed at the end of the file' };
  }
}

/** A CSV record as the splitter finds it: its first line and its text (without the line end), or why it is not one. */
interface RawRecord {
  readonly line: number;
  readonly text: string;
  readonly error?: string;
}

/**
 * Finds CSV records in text fed piece by piece: a record ends at a line break
 * outside quotes; a quote opens a quoted cell only at the start of a cell (as
 * RFC 4180 and csv-parse read it), and `""` inside one is a quote. Blank lines
 * are no record. See {@link MAX_CSV_RECORD_CHARS} for an unbalanced quote.
 */
export class CsvSplitter {
  private text = '';
  /** Where scanning goes on, and the state there. */
  private pos = 0;
  private recordStart = 0;
  private recordLine = 1;
  private line = 1;
  private inQuotes = false;
  private cellStart = true;
  private justClosed = false;
  private readonly delimiter: number;

  constructor(delimiter: string) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Records completed by `piece` (and by the end of the input when `end`). */
  feed(piece: string, end: boolean, out: RawRecord[]): void {
    this.text = this.recordStart > 0 ? this.text.slice(this.recordStart) + piece : this.text + piece;
    this.pos -= this.recordStart;
    this.recordStart = 0;
    const text = this.text;
    const n = text.length;
    const d = this.delimiter;
    let { pos, inQuotes, cellStart, justClosed } = this;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (inQuotes) {
        if (c === 34) {
          inQuotes = false;
          justClosed = true;
        } else {
          if (c === 10) this.line++;
          if (pos - this.recordStart > MAX_CSV_RECORD_CHARS) {
            // An unbalanced quote: the record's first line is malformed; read on from the next one.
            const lineEnd = text.indexOf('\n', this.recordStart);
            out.push({ line: this.recordLine, text: text.slice(this.recordStart, lineEnd), error: `a quoted cell is not closed within ${MAX_CSV_RECORD_CHARS} characters (an unbalanced quote?)` });
            pos = lineEnd + 1;
            this.line = this.recordLine + 1;
            this.startRecord(pos);
            inQuotes = false;
            cellStart = true;
            justClosed = false;
            continue;
          }
        }
        pos++;
        continue;
      }
      if (c === 34 && (cellStart || justClosed)) {
        // An opening quote, or (right after a closing one) a doubled quote inside the cell.
        inQuotes = true;
        cellStart = false;
        justClosed = false;
      } else if (c === 10) {
        this.emit(out, pos);
        this.line++;
        this.startRecord(pos + 1);
        cellStart = true;
        justClosed = false;
      } else {
        cellStart = c === d;
        justClosed = false;
      }
      pos++;
    }
    Object.assign(this, { pos, inQuotes, cellStart, justClosed });
    if (end) {
      if (this.recordStart < n) {
        this.emit(out, n, inQuotes ? 'a quoted cell is not closed at the end of the file' : undefined);
        this.startRecord(n);
      }
      this.inQuotes = false;
    }
  }

  private startRecord(at: number): void {
    this.recordStart = at;
    this.recordLine = this.line;
  }

  private emit(out: RawRecord[], end: number, error?: string): void {
    let stop = end;
    if (stop > this.recordStart && this.text.charCodeAt(stop - 1) === 13) stop--;
    const text = this.text.slice(this.recordStart, stop);
    if (!error && text.trim() === '') return;
    out.push({ line: this.recordLine, text, ...(error ? { error } : {}) });
  }
}

/** The delimiters `--delimiter` takes, by the names it takes them by. */
export function delimiterOf(value: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[value] ?? value;
  if ([...d].length !== 1 || d === '"' || d === '\n' || d === '\r') throw new CliError(`--delimiter must be one character (such as ',' ';' '|') or tab, not ${JSON.stringify(value)}`);
  return d;
}

/** csv-parse, loaded by {@link loadCsvParser} before a CSV reader is made (only CSV input needs it). */
let parseCsv: typeof CsvParse | undefined;

/** Load csv-parse (once), before making a {@link CsvReader}. */
export async function loadCsvParser(): Promise<void> {
  parseCsv ??= (await import('csv-parse/sync')).parse;
}

/** CSV parser options for one record or a block of them (records are joined by `\n`). */
function csvOptions(delimiter: string) {
  return { delimiter, record_delimiter: '\n', relax_column_count: true, skip_empty_lines: false, bom: false } as const;
}

/** The cells of records, parsed together (falling back to one at a time when one of them is not a CSV row). */
function parseRecords(records: readonly RawRecord[], delimiter: string): (string[] | string)[] {
  const parse = parseCsv;
  if (!parse) throw new Error('loadCsvParser() was not called before reading CSV');
  const good = records.filter((r) => !r.error);
  let block: string[][] | undefined;
  try {
    block = parse(good.map((r) => r.text).join('\n'), csvOptions(delimiter)) as string[][];
  } catch {
    block = undefined;
  }
  if (block && block.length !== good.length) block = undefined;
  let g = 0;
  return records.map((r) => {
    if (r.error) return r.error;
    const cells = block?.[g++];
    if (cells) return cells;
    try {
      const one = parse(r.text, csvOptions(delimiter)) as string[][];
      if (one.length !== 1) return 'not one CSV row';
      return one[0]!;
    } catch (e) {
      return (e as Error).message.replace(/ at line \d+/, '');
    }
  });
}

/**
 * Reads CSV: the header (the column names), then records as JSON lines
 * `[line, cell, …]` or `[line, null, "why"]`, one per record, in segments.
 */
export class CsvReader implements Reader {
  readonly totalBytes: number | undefined;
  bytesDone = 0;
  nextSeq = 0;
  readonly problem = undefined;
  readonly header: readonly string[];
  /** A warning about the header (a delimiter that looks wrong). */
  readonly warning: string | undefined;
  private readonly piece: Buffer;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly splitter: CsvSplitter;
  private pending: RawRecord[] = [];
  private ended = false;
  private started = false;

  /** `pieceBytes`: how much is read at a time (and about the size of a segment; smaller in tests). */
  constructor(
    private readonly source: ByteSource,
    private readonly delimiter: string,
    private readonly name: string,
    private readonly pieceBytes = SEGMENT_BYTES,
  ) {
    this.totalBytes = source.size;
    this.piece = Buffer.allocUnsafe(pieceBytes);
    this.splitter = new CsvSplitter(delimiter);
    while (this.pending.length === 0 && !this.ended) this.read();
    const first = this.pending.shift();
    if (!first) {
      this.header = [];
      this.warning = undefined;
      return;
    }
    const cells = first.error ? first.error : parseRecords([first], delimiter)[0]!;
    if (typeof cells === 'string') throw new CliError(`${name}: the header (line ${first.line}) is not a CSV row: ${cells}`);
    this.header = cells;
    const other = [';', '\t', '|', ','].find((d) => d !== delimiter && cells.length === 1 && cells[0]!.includes(d));
    this.warning = other ? `${name}: the header has one column, ${JSON.stringify(cells[0])}: is the delimiter ${other === '\t' ? 'a tab (--delimiter tab)' : `'${other}' (--delimiter '${other}')`}?` : undefined;
  }

  /** Read a piece of the input and split it into records. */
  private read(): void {
    const n = this.source.read(this.piece, 0, this.piece.length);
    this.bytesDone += n;
    let bytes = this.piece.subarray(0, n);
    if (!this.started && n > 0) {
      this.started = true;
      if (hasBom(bytes, n)) bytes = bytes.subarray(3);
    }
    if (n === 0) this.ended = true;
    const text = n === 0 ? this.decoder.decode() : this.decoder.decode(bytes, { stream: true });
    this.splitter.feed(text, this.ended, this.pending);
  }

  next(): Segment | undefined {
    let chars = this.pending.reduce((sum, r) => sum + r.text.length, 0);
    while (chars < this.pieceBytes && !this.ended) {
      const before = this.pending.length;
      this.read();
      for (let i = before; i < this.pending.length; i++) chars += this.pending[i]!.text.length;
    }
    if (this.pending.length === 0) return undefined;
    const records = this.pending;
    this.pending = [];
    const parsed = parseRecords(records, this.delimiter);
    let out = '';
    records.forEach((r, i) => {
      const cells = parsed[i]!;
      out += (typeof cells === 'string' ? JSON.stringify([r.line, null, cells]) : JSON.stringify([r.line, ...cells])) + '\n';
    });
    return { seq: this.nextSeq++, firstLine: records[0]!.line, bytes: Buffer.from(out, 'utf8') };
  }

  /** Records carry their own line numbers. */
  advance(): void {}

  recycle(): void {}

  close(): void {
    this.source.close();
  }
}

/** A reader for the input's kind. */
export async function openReader(kind: 'ndjson' | 'csv' | 'json', source: ByteSource, delimiter = ','): Promise<Reader> {
  if (kind === 'csv') await loadCsvParser();
  switch (kind) {
    case 'ndjson':
      return new NdjsonReader(source);
    case 'json':
      return new JsonArrayReader(source);
    case 'csv':
      return new CsvReader(source, delimiter, source.path === '-' ? '(standard input)' : source.path);
  }
}
