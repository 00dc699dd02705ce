/**
 * Batch evaluation: decide every record of an NDJSON or CSV file on all cores
 * and write decision records in input order, accounting for every line.
 *
 * The main thread only cuts the file into segments at line boundaries
 * (counting lines as it goes, so every record keeps its line number) and
 * writes the results in order. Workers read their segments themselves and
 * parse, decide and format them: little crosses between threads but text.
 * At most two segments per worker are in flight, so memory stays flat
 * whatever the file size.
 */
import { closeSync, createWriteStream, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadPolicies } from '@bylaw/runtime';
import { BatchSummary, csvHeader, decideSegment, parseCsvLine, type BatchJob, type LineResult, type Segment, type SegmentResult } from './batch-core.js';

/** Options of a batch run. */
export interface BatchOptions {
  readonly job: Omit<BatchJob, 'columns'>;
  readonly dataPath: string;
  readonly output: 'ndjson' | 'csv';
  /** Where to write decision records; undefined: standard output. */
  readonly outPath: string | undefined;
  /** Worker threads; 1 decides in this thread. */
  readonly jobs: number;
  readonly onMalformed: 'skip' | 'fail';
  /** Show a progress line on standard error. */
  readonly progress: boolean;
}

/** What a batch run reports at the end. */
export interface BatchResult {
  readonly summary: BatchSummary;
  readonly failedAt: LineResult | undefined;
  readonly seconds: number;
}

/** Bytes per segment: large enough to amortise messages, small enough to keep memory flat. */
const SEGMENT_BYTES = 4 * 1024 * 1024;

/**
 * The number of threads to decide on by default: every core but one, which the
 * main thread needs for reading and writing; on one or two cores, the main
 * thread alone (measured faster there than one worker plus the main thread).
 */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Cuts a file into segments at line boundaries, counting lines. */
class Segmenter {
  private readonly fd: number;
  private readonly size: number;
  private position = 0;
  private line = 1;
  private seq = 0;
  private readonly buffer = Buffer.allocUnsafe(SEGMENT_BYTES);
  /** The CSV header, when the input is CSV. */
  header: string | undefined;
  /** The bytes of the segment last returned, when it was read in one piece (valid until the next call). */
  lastBytes: Buffer | undefined;

  constructor(path: string, csv: boolean) {
    this.fd = openSync(path, 'r');
    this.size = statSync(path).size;
    if (csv) this.readHeader();
  }

  get bytesDone(): number {
    return this.position;
  }

  get totalBytes(): number {
    return this.size;
  }

  private readHeader(): void {
    const n = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
    const end = this.buffer.subarray(0, n).indexOf(10);
    const stop = end < 0 ? n : end + 1;
    this.header = this.buffer.toString('utf8', 0, stop).replace(/^\ufeff/, '').replace(/\r?\n$/, '');
    this.position = stop;
    this.line = 2;
  }

  /**
   * The next segment, or undefined at the end of the file. With `countLines`
   * false the caller counts the segment's lines itself and reports them with
   * {@link advance} (the in-thread path splits the lines anyway).
   */
  next(countLines = true): Segment | undefined {
    if (this.position >= this.size) return undefined;
    const start = this.position;
    let end = start;
    let lines = 0;
    for (;;) {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, end);
      if (n === 0) break;
      const chunk = this.buffer.subarray(0, n);
      const lastNewline = chunk.lastIndexOf(10);
      if (lastNewline < 0 && end + n < this.size) {
        // A line longer than a segment: keep reading until it ends.
        end += n;
        continue;
      }
      const cut = end + n >= this.size ? n : lastNewline + 1;
      if (countLines) lines += count(chunk.subarray(0, cut));
      // A segment read in one piece can be decided without reading it again.
      this.lastBytes = end === start ? chunk.subarray(0, cut) : undefined;
      end += cut;
      break;
    }
    const segment = { seq: this.seq++, start, end, firstLine: this.line };
    this.line += lines;
    this.position = end;
    return segment;
  }

  /** Count lines that the caller counted (see {@link next}). */
  advance(lines: number): void {
    this.line += lines;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function count(bytes: Buffer): number {
  let n = 0;
  let i = bytes.indexOf(10);
  while (i >= 0) {
    n++;
    i = bytes.indexOf(10, i + 1);
  }
  return n;
}

/** Run a batch; resolves when every line is decided and written. */
export async function runBatch(o: BatchOptions, err: (s: string) => void): Promise<BatchResult> {
  const started = performance.now();
  const segmenter = new Segmenter(o.dataPath, o.job.input === 'csv');
  const job: BatchJob = { ...o.job, columns: segmenter.header === undefined ? undefined : parseCsvLine(segmenter.header) };
  const out = o.outPath ? createWriteStream(o.outPath) : process.stdout;
  const write = (text: string) => (out.write(text) ? undefined : new Promise<void>((r) => out.once('drain', () => r())));
  if (o.output === 'csv') await write(csvHeader + '\n');

  const summary = new BatchSummary();
  let failedAt: LineResult | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  if (o.progress) {
    progressTimer = setInterval(() => {
      const seconds = (performance.now() - started) / 1000;
      const share = segmenter.totalBytes ? segmenter.bytesDone / segmenter.totalBytes : 1;
      const eta = share > 0 ? (seconds / share) * (1 - share) : 0;
      process.stderr.write(
        `\u001b[2K\r${summary.lines.toLocaleString('en')} records · ${Math.round(summary.lines / seconds).toLocaleString('en')}/s · ${(share * 100).toFixed(0)}% read · ETA ${eta.toFixed(0)}s`,
      );
    }, 250);
  }

  // Results arrive in any order and are written in input order.
  const pending = new Map<number, SegmentResult>();
  let nextSeq = 0;
  const flush = async () => {
    while (!failedAt && pending.has(nextSeq)) {
      const r = pending.get(nextSeq)!;
      pending.delete(nextSeq);
      nextSeq++;
      summary.merge(r.summary);
      for (const m of r.malformed) if (o.onMalformed === 'skip' || m !== r.failedAt?.malformed) err(`skipped: ${m}`);
      if (r.output) {
        const w = write(r.output);
        if (w) await w;
      }
      if (r.failedAt) failedAt = r.failedAt;
    }
  };

  let pool: Pool | undefined;
  try {
    if (o.jobs <= 1) {
      const { registry } = loadPolicies(o.job.policyPaths, { cwd: o.job.cwd });
      const policy = registry!.inForce(o.job.policyId, o.job.asOf)!.policy;
      const fd = openSync(o.dataPath, 'r');
      try {
        for (let s = segmenter.next(false); s && !failedAt; s = segmenter.next(false)) {
          let text: string;
          if (segmenter.lastBytes) text = segmenter.lastBytes.toString('utf8');
          else {
            const buffer = Buffer.allocUnsafe(s.end - s.start);
            readSync(fd, buffer, 0, buffer.length, s.start);
            text = buffer.toString('utf8');
          }
          const result = decideSegment(policy, registry!, job, s, text, o.output, o.onMalformed);
          segmenter.advance(result.lines);
          pending.set(s.seq, result);
          await flush();
        }
      } finally {
        closeSync(fd);
      }
    } else {
      pool = new Pool(o.jobs, { job, dataPath: o.dataPath, output: o.output, onMalformed: o.onMalformed });
      const inFlight = new Set<Promise<void>>();
      for (let s = segmenter.next(); s && !failedAt; s = segmenter.next()) {
        const p = pool.decide(s).then(async (r) => {
          pending.set(r.seq, r);
          await flush();
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        if (inFlight.size >= o.jobs * 2) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      await flush();
    }
  } finally {
    if (progressTimer) {
      clearInterval(progressTimer);
      process.stderr.write('\u001b[2K\r');
    }
    await pool?.close();
    segmenter.close();
    if (o.outPath) await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(() => r()));
  }
  return { summary, failedAt, seconds: (performance.now() - started) / 1000 };
}

/** Worker threads that read and decide segments. */
class Pool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: SegmentResult) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(size: number, data: unknown) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./batch-worker.js', import.meta.url), { workerData: data });
      w.on('message', (r: SegmentResult) => {
        this.waiting.get(r.seq)?.resolve(r);
        this.waiting.delete(r.seq);
      });
      w.on('error', (e) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
      this.workers.push(w);
    }
  }

  decide(segment: Segment): Promise<SegmentResult> {
    return new Promise((resolve, reject) => {
      this.waiting.set(segment.seq, { resolve, reject });
      this.workers[this.next++ % this.workers.length]!.postMessage(segment);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
