/**
 * Batch evaluation: decide every record of an NDJSON or CSV file on all cores
 * and write decision records in input order, accounting for every line.
 *
 * The main thread reads the file in segments cut at line boundaries
 * (counting lines as it goes, so every record keeps its line number), moves
 * their bytes to the workers (transferred, not copied), decides segments
 * itself whenever the workers have enough to do, and writes the results in
 * input order. A few segments per worker are in flight, and the main thread
 * runs only a few segments ahead of the oldest one not yet written, so
 * memory stays flat whatever the file size.
 */
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { formatNumber, type PolicyRegistry } from '@bylaw/runtime';
import { BatchSummary, SegmentDecider, csvHeader, formatResult, parseCsvLine, type BatchJob, type LineResult, type Segment, type SegmentResult } from './batch-core.js';

/** Options of a batch run. */
export interface BatchOptions {
  readonly job: Omit<BatchJob, 'columns'>;
  /** The policies, loaded and checked by the caller (workers get them checked, and parse nothing). */
  readonly registry: PolicyRegistry;
  readonly dataPath: string;
  readonly output: 'ndjson' | 'csv';
  /** Where to write decision records; undefined: standard output. */
  readonly outPath: string | undefined;
  /** Threads that decide: this one and `jobs - 1` workers. */
  readonly jobs: number;
  readonly onMalformed: 'skip' | 'fail';
  /** Show a progress line on standard error. */
  readonly progress: boolean;
  /** Workers started early with {@link startWorkers} (they load their modules while the caller checks the policies). */
  readonly workers?: BatchWorkers;
}

/** What a batch run reports at the end. */
export interface BatchResult {
  readonly summary: BatchSummary;
  readonly failedAt: LineResult | undefined;
  readonly seconds: number;
}

/** Bytes per segment: large enough to amortise messages, small enough that the main thread, deciding one, soon gets back to the workers. */
const SEGMENT_BYTES = 1024 * 1024;
/** Segments a worker holds at once: the one it decides and the next ones, so that it never waits for the main thread. */
const WORKER_DEPTH = 3;
/** Segments the main thread may decide ahead of the oldest one not written, beyond those the workers hold. */
const MAIN_AHEAD = 8;
/** Files smaller than this are decided in the main thread alone: they are done before a worker would be ready. */
const WORKER_MIN_BYTES = 4 * SEGMENT_BYTES;
/**
 * With BYLAW_BATCH_MAIN_DECIDES=0 and more than one job, the workers decide
 * every segment, whatever the file's size, and the main thread only reads and
 * writes: for tests of the workers' path, which small files otherwise never take.
 */
const MAIN_DECIDES = process.env.BYLAW_BATCH_MAIN_DECIDES !== '0';
/** Bytes standard output may hold back before the run waits for it. */
const STDOUT_BACKLOG = 16 * 1024 * 1024;

/**
 * The number of threads to decide on by default: one per core, the main
 * thread being one of them (it also reads and writes). Files under a few
 * megabytes are decided on the main thread alone whatever this says.
 */
export function defaultJobs(): number {
  return availableParallelism();
}

/** What the run needs of its input: segments of whole lines, numbered. */
interface Reader {
  readonly totalBytes: number;
  readonly bytesDone: number;
  readonly nextSeq: number;
  readonly header: string | undefined;
  next(countLines?: boolean): Segment | undefined;
  advance(lines: number): void;
  recycle(bytes: Uint8Array): void;
  /** A problem with the input as a whole, found at its end (a JSON array not closed). */
  readonly problem: { line: number; message: string } | undefined;
  close(): void;
}

/** Reads a file in segments cut at line boundaries, counting lines. */
class SegmentReader implements Reader {
  readonly problem = undefined;
  private readonly fd: number;
  /** The file's size when the run started (for progress). */
  readonly totalBytes: number;
  /** Bytes read into segments so far. */
  bytesDone = 0;
  private line = 1;
  /** The sequence number of the next segment. */
  nextSeq = 0;
  /** Segment buffers back from deciding, to read into again. */
  private readonly spare: Buffer[] = [];
  /** The CSV header, when the input is CSV. */
  header: string | undefined;

  constructor(path: string, csv: boolean) {
    this.fd = openSync(path, 'r');
    this.totalBytes = statSync(path).size;
    if (csv) this.readHeader();
  }

  private readHeader(): void {
    const buffer = Buffer.allocUnsafe(SEGMENT_BYTES);
    const n = readFully(this.fd, buffer, 0);
    const end = buffer.subarray(0, n).indexOf(10);
    const stop = end < 0 ? n : end + 1;
    this.header = buffer.toString('utf8', 0, stop).replace(/^\ufeff/, '').replace(/\r?\n$/, '');
    this.bytesDone = stop;
    this.line = 2;
  }

  /**
   * The next segment, or undefined at the end of the file. With `countLines`
   * false the caller counts the segment's lines itself and reports them with
   * {@link advance} (deciding a segment counts them anyway).
   */
  next(countLines = true): Segment | undefined {
    let buffer = this.spare.pop() ?? Buffer.allocUnsafe(SEGMENT_BYTES);
    let cut: number;
    for (;;) {
      const n = readFully(this.fd, buffer, this.bytesDone);
      if (n === 0) {
        this.recycle(buffer);
        return undefined;
      }
      // The end of the file, or up to the last newline.
      cut = n < buffer.length ? n : buffer.lastIndexOf(10, n - 1) + 1;
      if (cut > 0) break;
      // A line longer than the buffer: read it again into a bigger one.
      buffer = Buffer.allocUnsafe(buffer.length * 2);
    }
    const bytes = buffer.subarray(0, cut);
    const segment = { seq: this.nextSeq++, firstLine: this.line, bytes };
    if (countLines) this.line += countNewlines(bytes);
    this.bytesDone += cut;
    return segment;
  }

  /** Count lines that the caller counted (see {@link next}). */
  advance(lines: number): void {
    this.line += lines;
  }

  /** Take back a segment's bytes once decided. */
  recycle(bytes: Uint8Array): void {
    if (bytes.buffer.byteLength === SEGMENT_BYTES && this.spare.length < 16) this.spare.push(Buffer.from(bytes.buffer as ArrayBuffer));
  }

  close(): void {
    closeSync(this.fd);
  }
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
 * reported as not JSON. An empty element (`[1,,2]`) is a malformed line; an array that is not
 * closed, or text after it, is reported as a problem of the whole input.
 */
class JsonArrayReader implements Reader {
  private readonly fd: number;
  readonly totalBytes: number;
  bytesDone = 0;
  nextSeq = 0;
  readonly header = undefined;
  problem: { line: number; message: string } | undefined;
  private readonly piece = Buffer.allocUnsafe(SEGMENT_BYTES);
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

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.totalBytes = statSync(path).size;
  }

  next(): Segment | undefined {
    while (this.boundary < SEGMENT_BYTES && !this.ended) {
      const n = readSync(this.fd, this.piece, 0, this.piece.length, this.bytesDone);
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
    closeSync(this.fd);
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
            endElement();
            continue;
          }
          if (b === 0x5d && depth === 1) {
            state = JsonState.After;
            continue;
          }
          inElement = true;
        }
        if (b === 0x22) inString = true;
        else if (b === 0x7b || b === 0x5b) depth++;
        else if (b === 0x5d && depth === 1) {
          // The array's closing bracket ends the last element.
          endElement();
          state = JsonState.After;
          continue;
        } else if ((b === 0x7d || b === 0x5d) && depth > 1) depth--;
        else if (b === 0x2c && depth === 1) {
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

  /** The end of the file: close the element being read, and say if the array was not closed. */
  private finish(): void {
    this.ended = true;
    if (this.inElement) this.endElement();
    if (this.state === JsonState.Array) this.problem ??= { line: this.element, message: 'the JSON array is not closed at the end of the file' };
  }
}

/** Read into the whole buffer, or up to the end of the file; returns the number of bytes read. */
function readFully(fd: number, buffer: Buffer, position: number): number {
  let n = 0;
  while (n < buffer.length) {
    const got = readSync(fd, buffer, n, buffer.length - n, position + n);
    if (got === 0) break;
    n += got;
  }
  return n;
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** Where decision records go: a file, written synchronously, or standard output. */
class Output {
  private readonly fd: number | undefined;

  constructor(path: string | undefined) {
    this.fd = path === undefined ? undefined : openSync(path, 'w');
  }

  /** Write bytes; a promise when standard output must drain first. */
  write(bytes: Uint8Array): Promise<void> | undefined {
    if (this.fd !== undefined) {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
      return undefined;
    }
    if (process.stdout.write(bytes) || process.stdout.writableLength < STDOUT_BACKLOG) return undefined;
    return new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}

/** Run a batch; resolves when every line is decided and written. */
export async function runBatch(o: BatchOptions, err: (s: string) => void): Promise<BatchResult> {
  try {
    return await run(o, err);
  } finally {
    // Workers started early stop whatever happened, a failure to open a file included (they keep the process alive).
    await o.workers?.close();
  }
}

async function run(o: BatchOptions, err: (s: string) => void): Promise<BatchResult> {
  const started = performance.now();
  const reader: Reader = o.job.input === 'json' ? new JsonArrayReader(o.dataPath) : new SegmentReader(o.dataPath, o.job.input === 'csv');
  const job: BatchJob = { ...o.job, columns: reader.header === undefined ? undefined : parseCsvLine(reader.header) };
  const registry = o.registry;
  const decider = new SegmentDecider(registry.inForce(o.job.policyId, o.job.asOf)!.policy, registry, job, o.output, o.onMalformed);
  const output = new Output(o.outPath);
  if (o.output === 'csv') await output.write(Buffer.from(csvHeader + '\n'));

  const summary = new BatchSummary();
  let failedAt: LineResult | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  if (o.progress) {
    progressTimer = setInterval(() => {
      const seconds = (performance.now() - started) / 1000;
      const share = reader.totalBytes ? Math.min(1, reader.bytesDone / reader.totalBytes) : 1;
      const eta = share > 0 ? (seconds / share) * (1 - share) : 0;
      process.stderr.write(
        `\u001b[2K\r${formatNumber(summary.lines)} records · ${formatNumber(Math.round(summary.lines / seconds))}/s · ${(share * 100).toFixed(0)}% read · ETA ${eta.toFixed(0)}s`,
      );
    }, 250);
  }

  // Results arrive in any order and are written in input order.
  const pending = new Map<number, SegmentResult>();
  let written = 0;
  const flush = async () => {
    while (!failedAt && pending.has(written)) {
      const r = pending.get(written)!;
      pending.delete(written);
      written++;
      summary.merge(r.summary);
      for (const m of r.malformed) if (o.onMalformed === 'skip' || m !== r.failedAt?.malformed) err(`skipped: ${m}`);
      if (r.output.length) await output.write(r.output);
      if (r.failedAt) failedAt = r.failedAt;
    }
  };

  const pool = o.workers ?? (usesWorkers(o.jobs, reader.totalBytes) ? new BatchWorkers(o.jobs - 1) : undefined);
  pool?.start(registry, job, o.output, o.onMalformed, (r, bytes) => {
    pending.set(r.seq, r);
    reader.recycle(bytes);
  });
  const ahead = WORKER_DEPTH * (o.jobs - 1) + MAIN_AHEAD;
  try {
    let end = false;
    while (!failedAt) {
      pool?.check();
      // Workers first, so that they are never idle while this thread decides.
      while (pool?.hasRoom() && !end) {
        const s = reader.next();
        if (s) pool.send(s);
        else end = true;
      }
      const decideHere = !end && (MAIN_DECIDES || !pool) && reader.nextSeq - written < ahead;
      if (decideHere) {
        const s = reader.next(false);
        if (s) {
          const r = decider.decide(s.seq, s.firstLine, s.bytes);
          reader.advance(r.lines);
          reader.recycle(s.bytes);
          pending.set(s.seq, r);
        } else end = true;
      }
      await flush();
      if (end && !pool?.busy) break;
      // Let worker results, standard output and the progress line in; wait for a worker when there is nothing to decide here.
      await (decideHere || !pool ? new Promise((resolve) => setImmediate(resolve)) : pool.message());
    }
    await flush();
    // A problem of the input as a whole (a JSON array not closed) is one more malformed record, last.
    const problem = reader.problem;
    if (problem && !failedAt) {
      const r: LineResult = { line: problem.line, malformed: problem.message };
      summary.add(r);
      if (o.onMalformed === 'fail') failedAt = r;
      else {
        err(`skipped: ${problem.message}`);
        await output.write(Buffer.from(formatResult(r, o.output) + '\n'));
      }
    }
  } finally {
    if (progressTimer) {
      clearInterval(progressTimer);
      process.stderr.write('\u001b[2K\r');
    }
    await pool?.close();
    reader.close();
    output.close();
  }
  return { summary, failedAt, seconds: (performance.now() - started) / 1000 };
}

interface WorkerSlot {
  readonly worker: Worker;
  /** Loaded its policies: segments sent now are decided at once. */
  ready: boolean;
  inFlight: number;
}

/**
 * Start the workers of a batch run before anything else, when the run will use them: a
 * worker takes a tenth of a second or so to load its modules, the time the main thread
 * spends checking the policies. Undefined when the run will decide on the main thread alone.
 */
export function startWorkers(jobs: number, dataPath: string): BatchWorkers | undefined {
  let size = 0;
  try {
    size = statSync(dataPath).size;
  } catch {
    return undefined;
  }
  return usesWorkers(jobs, size) ? new BatchWorkers(jobs - 1) : undefined;
}

function usesWorkers(jobs: number, fileBytes: number): boolean {
  return jobs > 1 && (fileBytes >= WORKER_MIN_BYTES || !MAIN_DECIDES);
}

/**
 * Worker threads that decide segments: started first, then given the job and the checked
 * policies ({@link start}), each fed only once it is ready.
 */
export class BatchWorkers {
  private readonly slots: WorkerSlot[] = [];
  private failure: Error | undefined;
  private closing = false;
  private wake: (() => void) | undefined;
  private onResult: ((r: SegmentResult, bytes: Uint8Array) => void) | undefined;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./batch-worker.js', import.meta.url));
      const slot: WorkerSlot = { worker, ready: false, inFlight: 0 };
      worker.on('message', (m: 'ready' | { result: SegmentResult; bytes: Uint8Array }) => {
        if (m === 'ready') slot.ready = true;
        else {
          slot.inFlight--;
          this.onResult!(m.result, m.bytes);
        }
        this.notify();
      });
      worker.on('error', (e) => {
        this.failure ??= e;
        this.notify();
      });
      worker.on('exit', (code) => {
        if (!this.closing) this.failure ??= new Error(`a batch worker stopped with exit code ${code}`);
        this.notify();
      });
      this.slots.push(slot);
    }
  }

  /** Give the workers the job and the checked policies (copied to each); each says when it is ready. */
  start(
    registry: PolicyRegistry,
    job: BatchJob,
    output: 'ndjson' | 'csv',
    onMalformed: 'skip' | 'fail',
    onResult: (r: SegmentResult, bytes: Uint8Array) => void,
  ): void {
    this.onResult = onResult;
    const policies = registry.checkedPolicies();
    for (const s of this.slots) s.worker.postMessage({ policies, job, output, onMalformed });
  }

  /** The ready worker with the fewest segments, if it has room for another. */
  private free(): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    for (const s of this.slots) if (s.ready && s.inFlight < WORKER_DEPTH && (!best || s.inFlight < best.inFlight)) best = s;
    return best;
  }

  hasRoom(): boolean {
    return this.free() !== undefined;
  }

  /** Send a segment to a worker with room (see {@link hasRoom}); its bytes move there. */
  send(segment: Segment): void {
    const slot = this.free()!;
    slot.inFlight++;
    slot.worker.postMessage(segment, [segment.bytes.buffer as ArrayBuffer]);
  }

  /** Whether any worker holds segments. */
  get busy(): boolean {
    return this.slots.some((s) => s.inFlight > 0);
  }

  /** Throw what stopped a worker, if one stopped. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** Resolves at the next message or failure of any worker. */
  message(): Promise<void> {
    return this.failure ? Promise.resolve() : new Promise<void>((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
