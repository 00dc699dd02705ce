// Batch benchmark: `bylaw eval` over a generated NDJSON file of harness merchants,
// compared with a bare JSON.parse of every line of the same file.
//
//   npm run setup && node bench/batch.mjs            # 1,000,000 merchants (~300 MB of disk in /tmp)
//   node bench/batch.mjs --n 200000 --runs 1         # quicker
//   node bench/batch.mjs --baseline /path/to/other/checkout   # and another build, side by side in the same run
//
// Prints both throughputs and their ratio, then the same merchants as CSV (cells with
// JSON lists). The generated files are deleted at the end.
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { generateMerchants } from './merchants.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { n: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, baseline: { type: 'string' } } });
const N = Number(args.n);
/** Each figure is the median of this many runs (the machine's other work moves single runs by ±10%). */
const RUNS = Number(args.runs);
const dir = mkdtempSync(join(tmpdir(), 'bylaw-batch-'));
const file = join(dir, 'merchants.ndjson');
const csvFile = join(dir, 'merchants.csv');
/** The builds measured: this checkout's, and the baseline's when given. */
const builds = [['this build', join(here, '..')], ...(args.baseline ? [['baseline', args.baseline]] : [])];

async function writeFile() {
  const out = createWriteStream(file);
  const chunk = 50_000;
  for (let start = 0; start < N; start += chunk) {
    const ms = generateMerchants(Math.min(chunk, N - start), 7 + start);
    let text = '';
    for (let i = 0; i < ms.length; i++) text += JSON.stringify({ id: `m${start + i}`, ...ms[i] }) + '\n';
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

/** The same merchants as CSV: one column per field, lists as JSON cells. */
async function writeCsv() {
  const out = createWriteStream(csvFile);
  const columns = ['id', ...Object.keys(generateMerchants(1, 7)[0])];
  out.write(columns.join(',') + '\n');
  const cell = (v) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const chunk = 50_000;
  for (let start = 0; start < N; start += chunk) {
    const ms = generateMerchants(Math.min(chunk, N - start), 7 + start);
    let text = '';
    for (let i = 0; i < ms.length; i++) text += columns.map((c) => cell(c === 'id' ? `m${start + i}` : ms[i][c])).join(',') + '\n';
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

/** Bare JSON.parse of every line, on one thread. */
async function bareParse() {
  const t = performance.now();
  let n = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (line) (JSON.parse(line), n++);
  return { n, seconds: (performance.now() - t) / 1000 };
}

/**
 * Bare JSON.parse of every line on worker threads: each worker reads its own
 * byte range of the file (cut at line boundaries) and parses its lines, the
 * best a bare parse can do on these cores.
 */
async function bareParseParallel(workers) {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  const cuts = [0];
  const probe = Buffer.alloc(1 << 16);
  for (let k = 1; k < workers; k++) {
    const at = Math.floor((size * k) / workers);
    const n = readSync(fd, probe, 0, probe.length, at);
    const nl = probe.subarray(0, n).indexOf(10);
    cuts.push(nl < 0 ? size : at + nl + 1);
  }
  cuts.push(size);
  closeSync(fd);
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { openSync, readSync } = require('node:fs');
    const fd = openSync(workerData.file, 'r');
    let n = 0, pos = workerData.start, rest = '';
    const buf = Buffer.allocUnsafe(4 << 20);
    while (pos < workerData.end) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, workerData.end - pos), pos);
      pos += got;
      const lines = (rest + buf.toString('utf8', 0, got)).split('\\n');
      rest = lines.pop();
      for (const line of lines) if (line) { JSON.parse(line); n++; }
    }
    if (rest) { JSON.parse(rest); n++; }
    parentPort.postMessage(n);`;
  const t = performance.now();
  const counts = await Promise.all(
    Array.from({ length: workers }, (_, j) => new Promise((resolve, reject) => {
      const w = new Worker(source, { eval: true, workerData: { file, start: cuts[j], end: cuts[j + 1] } });
      w.on('message', resolve);
      w.on('error', reject);
    })),
  );
  return { n: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - t) / 1000 };
}

function bylawEval(jobs, checkout = join(here, '..'), data = file) {
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(checkout, 'packages/cli/dist/main.js'), 'eval', 'bench.admission', '--policies', join(here, 'harness'), '--data', data, '--as-of', '2024-01-01', '--out', join(dir, 'decisions.ndjson'), '--jobs', String(jobs), '--summary', join(dir, 'summary.json')],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return { seconds: (performance.now() - t) / 1000, stderr: r.stderr };
}

const fmt = (x) => Math.round(x).toLocaleString('en');

/** The run with the median time of RUNS runs, and all the times. */
async function median(measure) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure());
  runs.sort((a, b) => a.seconds - b.seconds);
  return { ...runs[Math.floor(runs.length / 2)], all: runs.map((r) => r.seconds.toFixed(2)).join(', ') };
}

await writeFile();
console.log(`${fmt(N)} merchants, ${(statSync(file).size / 1e6).toFixed(0)} MB NDJSON, ${availableParallelism()} cores, Node ${process.version}; median of ${RUNS} runs each`);
const bare = await median(bareParse);
console.log(`bare JSON.parse, 1 thread:           ${fmt(bare.n / bare.seconds)} lines/s (${bare.all} s)`);
const cores = availableParallelism();
const bareP = await median(() => bareParseParallel(cores));
console.log(`bare JSON.parse, ${cores} threads:           ${fmt(bareP.n / bareP.seconds)} lines/s (${bareP.all} s)`);
const bestBare = Math.max(bare.n / bare.seconds, bareP.n / bareP.seconds);
let best = 0;
/** Each build's median for an input and a job count, the builds taking turns run by run. */
async function sideBySide(data, jobs) {
  const times = builds.map(() => []);
  for (let i = 0; i < RUNS; i++) for (const [b, [, checkout]] of builds.entries()) times[b].push(bylawEval(jobs, checkout, data).seconds);
  return times.map((ts) => {
    const sorted = [...ts].sort((a, b) => a - b);
    return { seconds: sorted[Math.floor(sorted.length / 2)], all: ts.map((x) => x.toFixed(2)).join(', ') };
  });
}
for (const jobs of [...new Set([1, cores])]) {
  const runs = await sideBySide(file, jobs);
  best = Math.max(best, N / runs[0].seconds);
  runs.forEach((run, b) => console.log(`bylaw eval --jobs ${jobs} (whole command, ${builds[b][0]}): ${fmt(N / run.seconds)} records/s (${run.all} s)`));
}
console.log(`best bylaw eval / best bare parse on these cores: ${(best / bestBare).toFixed(2)} (target ≥ 0.7)`);
await writeCsv();
for (const jobs of [...new Set([1, cores])]) {
  const runs = await sideBySide(csvFile, jobs);
  runs.forEach((run, b) => console.log(`bylaw eval of the same as CSV --jobs ${jobs} (${builds[b][0]}): ${fmt(N / run.seconds)} records/s (${run.all} s)`));
}
rmSync(dir, { recursive: true, force: true });
