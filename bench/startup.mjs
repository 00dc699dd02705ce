// Start-up time of the `bylaw` command: a few short commands, each run many
// times, this build and (with --baseline) another build side by side in one
// run, alternating, so that a busy machine slows both alike.
//
//   node bench/startup.mjs                                   # this build
//   node bench/startup.mjs --baseline /path/to/other/checkout  # and another, side by side
//   node bench/startup.mjs --runs 30
//
// Prints, per command and build, the median and 10th–90th percentile range of wall time per run,
// and the median CPU time (user + system) of the process, which a busy machine moves less.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { baseline: { type: 'string' }, runs: { type: 'string', default: '20' } } });
const runs = Number(args.runs);
const builds = [['this build', join(root, 'packages/cli/dist/main.js')]];
if (args.baseline) builds.unshift(['baseline', join(args.baseline, 'packages/cli/dist/main.js')]);
for (const [, cli] of builds) if (!existsSync(cli)) throw new Error(`${cli} is missing: build it first`);

const dir = mkdtempSync(join(tmpdir(), 'bylaw-startup-'));
// A preload that writes the process's CPU time when it exits.
const cpuFile = join(dir, 'cpu.txt');
const preload = join(dir, 'cpu.cjs');
writeFileSync(preload, `process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeFileSync(${JSON.stringify(cpuFile)}, String((u.user + u.system) / 1000)); });`);
const data = join(dir, 'provider.json');
writeFileSync(data, JSON.stringify({ id: 'P1', platform_level: 4, paid_orders_by_month: [1, 2, 3] }));
const commands = [
  ['bylaw --help', ['--help']],
  ['bylaw check policies', ['check', 'policies']],
  ['bylaw eval (one small file)', ['eval', 'bench.admission', '--policies', 'bench/harness', '--data', data, '--as-of', '2024-01-01']],
];

const ms = (cli, argv) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', preload, cli, ...argv], { cwd: root, stdio: 'ignore' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cli} ${argv.join(' ')} exited ${r.status}`);
  return { wall: Number(process.hrtime.bigint() - t) / 1e6, cpu: Number(readFileSync(cpuFile, 'utf8')) };
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

console.log(`start-up, ${runs} runs each, node ${process.version} (wall ms: median [p10–p90]; CPU ms: median)`);
console.log(['command'.padEnd(30), ...builds.map(([name]) => name.padStart(34))].join(''));
for (const [name, argv] of commands) {
  const times = builds.map(() => []);
  for (const [i, [, cli]] of builds.entries()) ms(cli, argv); // warm the file cache
  for (let r = 0; r < runs; r++) for (const [i, [, cli]] of builds.entries()) times[i].push(ms(cli, argv));
  const wall = (t) => t.map((x) => x.wall);
  const cpu = (t) => t.map((x) => x.cpu);
  console.log([name.padEnd(30), ...times.map((t) => `${pct(wall(t), 0.5).toFixed(0)} [${pct(wall(t), 0.1).toFixed(0)}–${pct(wall(t), 0.9).toFixed(0)}]  CPU ${pct(cpu(t), 0.5).toFixed(0)}`.padStart(34))].join(''));
}
