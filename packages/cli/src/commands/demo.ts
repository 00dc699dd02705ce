/** `bylaw demo`: the quick start's main job, in the repository. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../libraries.js';
import type { Context } from '../cli.js';
import { CliError, EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';

/** Declare `bylaw demo`. */
export function register(program: Command, context: Context): void {
  program
    .command('demo')
    .summary('check the policies in this repository and decide its example merchants')
    .description(
      'The quick start\'s main job (npm run demo): check policies/, evaluate the example merchants in examples/ for all four programmes (as listed in examples/demo.json), decide a batch of 300 generated providers, and run the policy tests. Runs in the Bylaw repository it was built in.',
    )
    .action((_flags: object, command: Command) => context.run(command, (io) => demo(io)));
}

/** Run `bylaw demo`; resolves to the exit code. */
export async function demo(io: Io): Promise<number> {
  const { existsSync, mkdtempSync, readFileSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const { tmpdir } = await import('node:os');
  const { check } = await import('./check.js');
  const { evaluate } = await import('./eval.js');
  const { runTests } = await import('./test.js');
  const { readJson } = await import('../load.js');
  process.chdir(repositoryRoot(existsSync));
  io.out(io.style.bold('$ bylaw check policies'));
  const checkCode = await check(['policies'], { format: 'text' }, io);
  if (checkCode !== EXIT_OK) return checkCode;
  const manifest = readJson('examples/demo.json', 'demo manifest') as { policy: string; data: string; as_of: string; params?: string }[];
  const common = { explain: false, onMalformed: 'skip' as const };
  for (const run of manifest) {
    const args = [run.policy, '--data', run.data, '--as-of', run.as_of, ...(run.params ? ['--params', run.params] : [])];
    io.out('\n' + io.style.bold(`$ bylaw eval ${args.join(' ')}`));
    const code = await evaluate(run.policy, { ...common, data: run.data, asOf: run.as_of, ...(run.params ? { params: run.params } : {}) }, io);
    if (code !== EXIT_OK) return code;
  }
  // A batch: 300 generated providers (examples/generate.mjs writes them, deterministically).
  const batchFile = 'examples/douyin-belt-providers.ndjson';
  if (!existsSync(batchFile)) execFileSync(process.execPath, ['examples/generate.mjs'], { stdio: 'ignore' });
  const out = join(mkdtempSync(join(tmpdir(), 'bylaw-demo-')), 'decisions.ndjson');
  const params = 'examples/params/douyin-industry-threshold.SAMPLE.json';
  io.out('\n' + io.style.bold(`$ bylaw eval douyin.belt_provider --data ${batchFile} --as-of 2023-09-08 --params ${params} --out ${out}`));
  const batchCode = await evaluate('douyin.belt_provider', { ...common, data: batchFile, asOf: '2023-09-08', params, out }, { ...io, err: io.out });
  if (batchCode !== EXIT_OK) return batchCode;
  io.out(`first records of ${out}:\n${readFileSync(out, 'utf8').split('\n').slice(0, 3).join('\n')}`);
  io.out('\n' + io.style.bold('$ bylaw test policies'));
  return await runTests(['policies'], { coverage: false, boundaries: false }, io);
}

/** The repository this CLI was built in (the folder with pnpm-workspace.yaml above this file). */
function repositoryRoot(existsSync: (p: string) => boolean): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(join(dir, 'examples', 'demo.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new CliError('bylaw demo runs in the Bylaw repository (it uses its policies/ and examples/); this installation has none');
    dir = up;
  }
}
