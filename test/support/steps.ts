/**
 * Counting work without a clock, for the scaling tests.
 *
 * Steps are V8's block coverage counts: how many times each function and each
 * block of code (a loop body, a branch) ran, summed over every script loaded,
 * the packages under test and the libraries they call alike. They do not
 * depend on the machine, its load or the JIT, so a test can compare them
 * exactly. Work done inside a built-in (a regular expression, `indexOf`,
 * spreading a string) is not a step; what such work allocates shows in the
 * second measure, the bytes allocated on the heap (from V8's garbage
 * collection statistics, so a little noisier than steps).
 */
import { Session } from 'node:inspector/promises';
import v8 from 'node:v8';
import { expect } from 'vitest';

let session: Session | undefined;

async function coverage(): Promise<Session> {
  if (session) return session;
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  session = s;
  return s;
}

/** The work one call does. */
export interface Work {
  /** Functions and blocks run. */
  readonly steps: number;
  /** Bytes allocated on the JS heap (including what was collected meanwhile). */
  readonly bytes: number;
}

/** Count the work of `run` (synchronous). */
export async function measure(run: () => unknown): Promise<Work> {
  const s = await coverage();
  // Taking coverage resets the counters: what the next take reports is `run` alone.
  await s.post('Profiler.takePreciseCoverage');
  const gc = new v8.GCProfiler();
  gc.start();
  const before = v8.getHeapStatistics().used_heap_size;
  run();
  const after = v8.getHeapStatistics().used_heap_size;
  const collections = gc.stop();
  const { result } = await s.post('Profiler.takePreciseCoverage');
  let steps = 0;
  for (const script of result) for (const f of script.functions) for (const r of f.ranges) steps += r.count;
  let freed = 0;
  for (const c of collections?.statistics ?? []) freed += c.beforeGC.heapStatistics.usedHeapSize - c.afterGC.heapStatistics.usedHeapSize;
  return { steps, bytes: Math.max(0, after - before + freed) };
}

/**
 * An array whose element reads are steps: a built-in that walks it (`indexOf`, `includes`,
 * `find`) reads through the proxy's trap, which is code, so a search repeated per element
 * shows up as quadratic steps instead of hiding inside the engine.
 */
export function countedReads<T>(array: readonly T[]): readonly T[] {
  return new Proxy(array, {
    get(target, key, receiver) {
      return Reflect.get(target, key, receiver);
    },
  });
}

/** One input shape for {@link expectLinear}: `make(n)` builds an input of size about `n` and returns the work to measure. */
export interface Shape {
  readonly name: string;
  /** The size of the smallest input; it is doubled three times. */
  readonly base: number;
  make(n: number): () => unknown;
}

/** What {@link expectLinear} measured, for messages and for the report. */
export interface Growth {
  readonly sizes: readonly number[];
  readonly work: readonly Work[];
}

/**
 * Linear growth allows this factor over 8× from the first size to the last, for steps
 * (a fixed cost makes the factor smaller than 8; quadratic work makes it about 64).
 */
export const STEP_SLACK = 1.25;
/** The same for bytes allocated, a noisier measure (collections, lazily built structures). */
export const BYTE_SLACK = 1.6;

/**
 * Measure a shape at its base size doubled three times and expect the work to
 * grow at most linearly: the steps (and the bytes allocated) of the largest
 * input at most 8 × the slack times those of the smallest.
 */
export async function expectLinear(shape: Shape): Promise<Growth> {
  // Once unmeasured, so that first-use set-up (a lexer built on first use, caches) is not counted.
  shape.make(shape.base)();
  const sizes = [0, 1, 2, 3].map((k) => shape.base * 2 ** k);
  const work: Work[] = [];
  for (const n of sizes) {
    const run = shape.make(n);
    work.push(await measure(run));
  }
  const first = work[0]!;
  const last = work.at(-1)!;
  const shown = work.map((w, i) => `${sizes[i]}: ${w.steps} steps, ${w.bytes} bytes`).join('; ');
  expect(last.steps, `${shape.name}: steps grew ${(last.steps / first.steps).toFixed(1)}× for 8× the input (${shown})`).toBeLessThanOrEqual(8 * STEP_SLACK * first.steps);
  expect(last.bytes, `${shape.name}: bytes allocated grew ${(last.bytes / first.bytes).toFixed(1)}× for 8× the input (${shown})`).toBeLessThanOrEqual(8 * BYTE_SLACK * first.bytes);
  return { sizes, work };
}
