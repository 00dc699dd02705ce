/**
 * Batch evaluation: decide every record of an NDJSON, CSV or JSON-array input
 * on all cores and write decision records in input order, accounting for
 * every record.
 *
 * The main thread reads the input in segments of whole records (see
 * batch-read.ts; every record keeps its line number), moves their bytes to
 * the workers (transferred, not copied), decides segments itself whenever the
 * workers have enough to do, and writes the results in input order. A few
 * segments per worker are in flight, and the main thread runs only a few
 * segments ahead of the oldest one not yet written, so memory stays flat
 * whatever the input's size.
 *
 * The run stops early, and says so, when it is interrupted (SIGINT, SIGTERM),
 * when the output cannot be written, or at a malformed record with
 * `--on-malformed fail`; an output file is then left as it was (see output.ts).
 */
import { fstatSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { formatNumber, type PolicyRegistry } from '@bylaw/runtime';
import { BatchSummary, CsvHeaderError, SegmentDecider, csvHeader, formatResult, planColumns, type BatchJob, type LineResult, type Segment, type SegmentResult } from './batch-core.js';
import { ByteSource, openReader, SEGMENT_BYTES, type Reader } from './batch-read.js';
import { CliError } from './errors.js';
import { AtomicFile, OutputError } from './output.js';

/** Options of a batch run. */
export interface BatchOptions {
  readonly job: Omit<BatchJob, 'columns'>;
  /** The policies, loaded and checked by the caller (workers get them checked, and parse nothing). */
  readonly registry: PolicyRegistry;
  /** The data file, or `-` for standard input. */
  readonly dataPath: string;
  /** The CSV delimiter (default `,`). */
  readonly delimiter?: string;
  readonly output: 'ndjson' | 'csv';
  /** Where to write decision records; undefined: standard output. */
  readonly outPath: string | undefined;
  /** Threads that decide: this one and `jobs - 1` workers. */
  readonly jobs: number;
  readonly onMalformed: 'skip' | 'fail';
  /** Show a progress line on standard error. */
  readonly progress: boolean;
  /** Workers started early with {@link startWorkers} (they load their modules while the caller checks the policies). */
  readonly workers?: BatchWorkers | undefined;
}

/** Why a run stopped before the end of its input. */
export type Stopped =
  | { readonly kind: 'malformed'; readonly at: LineResult }
  | { readonly kind: 'interrupted'; readonly signal: 'SIGINT' | 'SIGTERM' }
  | { readonly kind: 'write'; readonly message: string };

/** What a batch run reports at the end. */
export interface BatchResult {
  readonly summary: BatchSummary;
  /** Undefined when every record was decided and written. */
  readonly stopped: Stopped | undefined;
  /** Where the records written before a stop are kept (`<out>.partial`), if they are. */
  readonly partial: string | undefined;
  readonly seconds: number;
  /** Things to say about the input (a CSV delimiter that looks wrong). */
  readonly warnings: readonly string[];
}

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

/** Where decision records go: a file (complete, or left as it was: see output.ts), or standard output. */
class Output {
  private readonly file: AtomicFile | undefined;

  constructor(path: string | undefined) {
    this.file = path === undefined ? undefined : new AtomicFile(path, '--out');
  }

  /** Write bytes; a promise when standard output must drain first. Throws an OutputError. */
  write(bytes: Uint8Array): Promise<void> | undefined {
    if (this.file) {
      this.file.write(bytes);
      return undefined;
    }
    if (process.stdout.write(bytes) || process.stdout.writableLength < STDOUT_BACKLOG) return undefined;
    return new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  }

  commit(): void {
    this.file?.commit();
  }

  abandon(): string | undefined {
    return this.file?.abandon(true);
  }
}

/**
 * The progress line on standard error: records decided, their rate, the share of the
 * input decided and the time left at that pace (from the records decided, not read).
 * Other lines on standard error clear it first ({@link say}), and it is drawn only when
 * decisions do not go to the same terminal.
 */
class Progress {
  private shown = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly started: number,
    private readonly records: () => number,
    private readonly bytesDecided: () => number,
    private readonly totalBytes: number | undefined,
  ) {
    this.timer = setInterval(() => this.draw(), 250);
  }

  private draw(): void {
    const seconds = (performance.now() - this.started) / 1000;
    const n = this.records();
    const parts = [`${formatNumber(n)} records`, `${formatNumber(Math.round(n / Math.max(seconds, 1e-9)))}/s`];
    if (this.totalBytes) {
      const share = Math.min(1, this.bytesDecided() / this.totalBytes);
      parts.push(`${(share * 100).toFixed(0)}% decided`);
      if (share > 0) parts.push(`ETA ${((seconds / share) * (1 - share)).toFixed(0)}s`);
    }
    process.stderr.write(`\u001b[2K\r${parts.join(' · ')}`);
    this.shown = true;
  }

  /** A line on standard error, with the progress line out of its way. */
  say(line: string, err: (s: string) => void): void {
    this.clear();
    err(line);
  }

  clear(): void {
    if (this.shown) process.stderr.write('\u001b[2K\r');
    this.shown = false;
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }
}

/** Run a batch; resolves when every record is decided and written, or the run stopped (see {@link BatchResult}). */
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
  const reader: Reader = await openReader(o.job.input, new ByteSource(o.dataPath), o.delimiter);
  const warnings = 'warning' in reader && typeof reader.warning === 'string' ? [reader.warning] : [];
  const job: BatchJob = { ...o.job, columns: reader.header };
  const registry = o.registry;
  const policy = registry.inForce(o.job.policyId, o.job.asOf)!.policy;
  if (reader.header) {
    try {
      planColumns(reader.header, policy.checked.subject.type);
    } catch (e) {
      reader.close();
      if (e instanceof CsvHeaderError) throw new CliError(`${o.dataPath === '-' ? '(standard input)' : o.dataPath}: ${e.message}`);
      throw e;
    }
  }
  const decider = new SegmentDecider(policy, registry, job, o.output, o.onMalformed);
  let output: Output;
  try {
    output = new Output(o.outPath);
  } catch (e) {
    reader.close();
    throw e;
  }

  const summary = new BatchSummary();
  let stopped: Stopped | undefined;
  // Source bytes up to the end of each segment, and of the segments written: the share decided.
  const segmentEnds = new Map<number, number>();
  let bytesDecided = 0;
  const progress = o.progress ? new Progress(started, () => summary.lines, () => bytesDecided, reader.totalBytes) : undefined;
  const say = (line: string) => (progress ? progress.say(line, err) : err(line));

  // An interruption stops reading and deciding; what was decided is written, and the run says it stopped.
  let wake: (() => void) | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
    stopped ??= { kind: 'interrupted', signal };
    wake?.();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  // Results arrive in any order and are written in input order.
  const pending = new Map<number, SegmentResult>();
  let written = 0;
  const flush = async () => {
    while (!stopped && pending.has(written)) {
      const r = pending.get(written)!;
      pending.delete(written);
      summary.merge(r.summary);
      for (const m of r.malformed) if (o.onMalformed === 'skip' || m !== r.failedAt?.malformed) say(`skipped: ${m}`);
      if (r.output.length) await output.write(r.output);
      bytesDecided = segmentEnds.get(written) ?? bytesDecided;
      segmentEnds.delete(written);
      written++;
      if (r.failedAt) stopped = { kind: 'malformed', at: r.failedAt };
    }
  };

  const readerNext = (countLines?: boolean) => {
    const s = reader.next(countLines);
    if (s) segmentEnds.set(s.seq, reader.bytesDone);
    return s;
  };

  const pool = o.workers ?? (usesWorkers(o.jobs, reader.totalBytes) ? new BatchWorkers(o.jobs - 1) : undefined);
  pool?.start(registry, job, o.output, o.onMalformed, (r, bytes) => {
    pending.set(r.seq, r);
    reader.recycle(bytes);
  });
  const ahead = WORKER_DEPTH * (o.jobs - 1) + MAIN_AHEAD;
  let partial: string | undefined;
  try {
    if (o.output === 'csv') await output.write(Buffer.from(csvHeader + '\n'));
    let end = false;
    while (!stopped) {
      pool?.check();
      // Workers first, so that they are never idle while this thread decides.
      while (pool?.hasRoom() && !end) {
        const s = readerNext();
        if (s) pool.send(s);
        else end = true;
      }
      const decideHere = !end && (MAIN_DECIDES || !pool) && reader.nextSeq - written < ahead;
      if (decideHere) {
        const s = readerNext(false);
        if (s) {
          const r = decider.decide(s.seq, s.firstLine, s.bytes);
          reader.advance(r.lines);
          reader.recycle(s.bytes);
          pending.set(s.seq, r);
        } else end = true;
      }
      await flush();
      if (end && !pool?.busy) break;
      // Let worker results, standard output, signals and the progress line in; wait for a worker when there is nothing to decide here.
      await (decideHere || !pool ? new Promise((resolve) => setImmediate(resolve)) : Promise.race([pool.message(), new Promise<void>((resolve) => (wake = resolve))]));
      wake = undefined;
    }
    await flush();
    // A problem of the input as a whole (a JSON array not closed) is one more malformed record, last.
    const problem = reader.problem;
    if (problem && !stopped) {
      const r: LineResult = { line: problem.line, malformed: problem.message };
      summary.add(r);
      if (o.onMalformed === 'fail') stopped = { kind: 'malformed', at: r };
      else {
        say(`skipped: ${problem.message}`);
        await output.write(Buffer.from(formatResult(r, o.output) + '\n'));
      }
    }
    if (stopped?.kind === 'interrupted') partial = output.abandon();
    else output.commit();
  } catch (e) {
    if (!(e instanceof OutputError)) {
      output.abandon();
      throw e;
    }
    stopped = { kind: 'write', message: e.message };
    partial = output.abandon();
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    progress?.stop();
    await pool?.close();
    reader.close();
  }
  return { summary, stopped, partial, seconds: (performance.now() - started) / 1000, warnings };
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
  let size: number | undefined;
  try {
    const st = dataPath === '-' ? fstatSync(0) : statSync(dataPath);
    if (st.isDirectory()) return undefined;
    size = st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
  return usesWorkers(jobs, size) ? new BatchWorkers(jobs - 1) : undefined;
}

/** Whether a run uses workers: for a file of some size, or input of unknown size (a pipe). */
function usesWorkers(jobs: number, fileBytes: number | undefined): boolean {
  return jobs > 1 && (fileBytes === undefined || fileBytes >= WORKER_MIN_BYTES || !MAIN_DECIDES);
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
