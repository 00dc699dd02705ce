/**
 * The conventions users have from OPA, Prettier and Cedar: --version, help for
 * every command, "did you mean", flag errors in Bylaw's words, colour flags and
 * variables, a quiet exit on a closed pipe, standard input as data, shell
 * completion, and one line with exit code 2 for any bad input.
 *
 * Most run in-process; what needs a real process (pipes, a closed standard
 * output, a bin reached through a symbolic link, environment variables) runs
 * the built CLI.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBylaw, workspace } from '../support/cli.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'packages/cli/dist/main.js');
const built = existsSync(cli);
const version = (JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

const policy = `policy demo.silver "银牌"
  version "1"
  published 2023-09-01
  effective 2023-09-08
subject provider: Provider
type Provider { paid_orders: number "支付订单量" }
decide {
  tier silver "银牌服务商": provider.paid_orders >= 900万
  default tier base "服务商"
}
`;

const commands = ['check', 'eval', 'test', 'versions', 'fmt', 'diff', 'demo', 'completion'];

function spawnCli(args: readonly string[], cwd: string, options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: options.env ?? process.env, input: options.input ?? '', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Not a stack trace, not commander's own words: one line starting with `bylaw`. */
function oneLine(err: string) {
  expect(err.trim().split('\n')).toHaveLength(1);
  expect(err).toMatch(/^bylaw( \w+)?: /);
  expect(err).not.toMatch(/\n\s+at |error: /);
}

describe('bylaw --version and help', () => {
  it('--version and -v print the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await runBylaw([flag], root);
      expect(r.code).toBe(0);
      expect(r.out).toBe(version);
    }
  });

  it.each(commands)('help %s and %s --help show its usage, flags and the colour flags', async (command) => {
    const viaHelp = await runBylaw(['help', command], root);
    const viaFlag = await runBylaw([command, '--help'], root);
    expect(viaHelp.code).toBe(0);
    expect(viaFlag.code).toBe(0);
    expect(viaHelp.out).toBe(viaFlag.out);
    expect(viaHelp.out).toMatch(new RegExp(`^Usage: bylaw ${command} `));
    expect(viaHelp.out).toContain('--no-color');
  });

  it('bylaw alone shows the commands on standard error with exit code 2; bylaw help on standard output', async () => {
    const bare = await runBylaw([], root);
    expect(bare.code).toBe(2);
    for (const c of commands) expect(bare.err).toContain(`  ${c}`);
    const help = await runBylaw(['help'], root);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Exit codes: 0 success');
  });
});

describe('did you mean, in Bylaw\'s words', () => {
  const dir = workspace({ 'policies/silver.policy': policy, 'p.json': '{"paid_orders": 1}' });
  const cases: [string[], string][] = [
    [['chek'], 'bylaw: unknown command chek (did you mean check?)'],
    [['help', 'chek'], 'bylaw: unknown command chek (did you mean check?)'],
    [['check', '--fromat', 'json'], 'bylaw check: unknown flag --fromat (did you mean --format?)'],
    [['check', '--format', 'jsn'], 'bylaw check: --format must be text or json, not jsn (did you mean json?)'],
    [['check', '--format', 'xml'], 'bylaw check: --format must be text or json, not xml'],
    [['check', '--format'], 'bylaw check: --format needs a value'],
    [['eval', 'demo.silvr', '--data', 'p.json', '--as-of', '2023-10-01'], 'bylaw eval: no policy has the id demo.silvr (did you mean demo.silver?)'],
    [['eval', 'demo.silver'], 'bylaw eval: --data <file> is required (see bylaw eval --help)'],
    [['eval', 'a', 'b', '--data', 'p.json'], 'bylaw eval: takes 1 argument, not 2 (see bylaw eval --help)'],
    [['eval', 'demo.silver', '--data', 'p.json', '--jobs', '0'], 'bylaw eval: --jobs must be a whole number of at least 1, not 0'],
    [['versions', 'demo.silvre'], 'bylaw versions: no policy has the id demo.silvre (did you mean demo.silver?)'],
    [['completion', 'bsh'], 'bylaw completion: the shell must be bash, zsh or fish, not bsh (did you mean bash?)'],
    [['diff', '--format', 'md'], 'bylaw diff: --format must be text, markdown or json, not md'],
  ];
  it.each(cases)('%j', async (args, message) => {
    const r = await runBylaw(args, dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(message);
    expect(r.out).toBe('');
  });
});

describe('--as-of', () => {
  const dir = workspace({ 'policies/silver.policy': policy, 'p.json': '{"id": "P1", "paid_orders": 1}' });
  it.each([
    ['2024-02-30', 'bylaw eval: --as-of 2024-02-30 is not a valid date: 2024-02 has 29 days'],
    ['2023-13-01', 'bylaw eval: --as-of 2023-13-01 is not a valid date: there is no month 13'],
    ['2024-03-01T25:00+08:00', 'bylaw eval: --as-of 2024-03-01T25:00+08:00 is not a valid instant: there is no hour 25'],
    ['yesterday', 'bylaw eval: --as-of yesterday is not a valid date or instant (expected YYYY-MM-DD, or YYYY-MM-DDTHH:MM with an offset such as +08:00)'],
  ])('an impossible --as-of %s is an invalid date (exit 2), never "not in force"', async (asOf, message) => {
    for (const format of ['text', 'json']) {
      const r = await runBylaw(['eval', 'demo.silver', '--data', 'p.json', '--as-of', asOf, '--format', format], dir);
      expect(r.code).toBe(2);
      expect(r.err).toBe(message);
    }
  });

  it('an instant is accepted', async () => {
    const r = await runBylaw(['eval', 'demo.silver', '--data', 'p.json', '--as-of', '2023-10-01T10:00+08:00', '--format', 'json'], dir);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).outcome).toBe('admitted');
  });

  it('no version in force is a JSON result with --format json, and one line in text', async () => {
    const json = await runBylaw(['eval', 'demo.silver', '--data', 'p.json', '--as-of', '2023-01-01', '--format', 'json'], dir);
    expect(json.code).toBe(0);
    const d = JSON.parse(json.out);
    expect(d).toMatchObject({ id: 'P1', outcome: 'not_in_force', asOf: '2023-01-01' });
    expect(d.reason).toContain('the first takes effect on 2023-09-08');
    const text = await runBylaw(['eval', 'demo.silver', '--data', 'p.json', '--as-of', '2023-01-01'], dir);
    expect(text.code).toBe(2);
    oneLine(text.err);
  });
});

describe('colour', () => {
  const dir = workspace({ 'policies/silver.policy': policy, 'p.json': '{"paid_orders": 1}' });
  const args = ['eval', 'demo.silver', '--data', 'p.json', '--as-of', '2023-10-01'];
  const ansi = /\u001b\[/;

  it('--color colours and --no-color does not, whatever the stream', async () => {
    expect((await runBylaw(['--color', ...args], dir)).out).toMatch(ansi);
    expect((await runBylaw([...args, '--color'], dir)).out).toMatch(ansi);
    expect((await runBylaw([...args, '--no-color'], dir)).out).not.toMatch(ansi);
  });

  it.skipIf(!built)('FORCE_COLOR and NO_COLOR on a pipe; the flag wins over both', () => {
    const env = (vars: Record<string, string>) => {
      const e: NodeJS.ProcessEnv = { ...process.env, ...vars };
      for (const k of ['FORCE_COLOR', 'NO_COLOR'] as const) if (!(k in vars)) delete e[k];
      return e;
    };
    expect(spawnCli(args, dir, { env: env({}) }).out).not.toMatch(ansi);
    expect(spawnCli(args, dir, { env: env({ FORCE_COLOR: '1' }) }).out).toMatch(ansi);
    expect(spawnCli(args, dir, { env: env({ FORCE_COLOR: '0' }) }).out).not.toMatch(ansi);
    expect(spawnCli(args, dir, { env: env({ FORCE_COLOR: '1', NO_COLOR: '1' }) }).out).toMatch(ansi);
    expect(spawnCli([...args, '--no-color'], dir, { env: env({ FORCE_COLOR: '1' }) }).out).not.toMatch(ansi);
    expect(spawnCli([...args, '--color'], dir, { env: env({ NO_COLOR: '1' }) }).out).toMatch(ansi);
  });
});

describe.skipIf(!built)('the built bylaw as a process', () => {
  const dir = workspace({ 'policies/silver.policy': policy, 'p.json': '{"id": "P1", "paid_orders": 9000000}' });
  const many = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: `m${i}`, paid_orders: i * 3000 })).join('\n') + '\n';
  writeFileSync(join(dir, 'many.ndjson'), many);

  it('runs through a symbolic link, as npm installs bins', () => {
    const bin = join(dir, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(cli, join(bin, 'bylaw'));
    // As the shell runs it from its #! line: node with the link's path as argv[1].
    expect(readFileSync(cli, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const r = spawnSync(process.execPath, [join(bin, 'bylaw'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
    const broken = spawnSync(process.execPath, [join(bin, 'bylaw'), 'check', 'nowhere'], { cwd: dir, encoding: 'utf8' });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toBe('bylaw check: no such file or folder: nowhere\n');
  });

  it('exits quietly when the reader of its output goes away (| head -3)', () => {
    for (const args of [['eval', 'demo.silver', '--data', 'many.ndjson', '--as-of', '2023-10-01', '--jobs', '1'], ['eval', 'demo.silver', '--data', 'many.ndjson', '--as-of', '2023-10-01', '--format', 'json']]) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(cli)} ${args.join(' ')} 2>err.txt | head -3; echo "status \${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8' });
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[3]).toBe('status 2');
      const err = readFileSync(join(dir, 'err.txt'), 'utf8');
      expect(err).not.toMatch(/EPIPE|Error|\n\s+at /);
    }
  });

  it('--data - reads standard input (JSON, or NDJSON with --data-format)', () => {
    const one = spawnCli(['eval', 'demo.silver', '--data', '-', '--as-of', '2023-10-01', '--format', 'json'], dir, { input: '{"id": "S1", "paid_orders": 9000000}' });
    expect(one.code, one.err).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ id: 'S1', tier: { id: 'silver' } });
    const lines = spawnCli(['eval', 'demo.silver', '--data', '-', '--data-format', 'ndjson', '--as-of', '2023-10-01', '--format', 'json'], dir, { input: '{"id": "A"}\n{"id": "B", "paid_orders": 1}\n' });
    expect(lines.code, lines.err).toBe(0);
    expect(lines.out.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['A', 'B']);
  });
});

describe('shell completion', () => {
  it('bash: completes commands, flags and flag values', async () => {
    const script = (await runBylaw(['completion', 'bash'], root)).out;
    const complete = (words: string[]) => {
      const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _bylaw; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.trim().split('\n');
    };
    expect(complete(['bylaw', 'ch'])).toEqual(['check']);
    expect(complete(['bylaw', 'eval', '--as'])).toEqual(['--as-of']);
    expect(complete(['bylaw', 'eval', '--format', ''])).toEqual(['text', 'json', 'ndjson', 'csv']);
    expect(complete(['bylaw', 'completion', 'f'])).toEqual(['fish']);
    expect(complete(['bylaw', 'help', 'ver'])).toEqual(['versions']);
  });

  it('zsh: a script that zsh reads, when zsh is here', async () => {
    const script = (await runBylaw(['completion', 'zsh'], root)).out;
    expect(script).toContain("'--as-of[");
    if (spawnSync('zsh', ['--version']).status !== 0) return;
    const file = join(workspace({ _bylaw: script }), '_bylaw');
    const r = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('fish: completes commands, flags and values, when fish is here', async () => {
    const script = (await runBylaw(['completion', 'fish'], root)).out;
    expect(script).toContain('-l as-of');
    if (spawnSync('fish', ['--version']).status !== 0) return;
    const file = join(workspace({ 'bylaw.fish': script }), 'bylaw.fish');
    const complete = (line: string) => {
      const r = spawnSync('fish', ['-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.trim().split('\n').map((l) => l.split('\t')[0]);
    };
    expect(complete('bylaw ch')).toEqual(['check']);
    expect(complete('bylaw eval --format ')).toEqual(['csv', 'json', 'ndjson', 'text']);
    expect(complete('bylaw completion ')).toEqual(['bash', 'fish', 'zsh']);
  });
});

describe('bad input: one line, exit 2, never a stack trace', () => {
  const dir = workspace({
    'policies/silver.policy': policy,
    'p.json': '{"paid_orders": 1}',
    'folder.json/x': '',
    'folder.policy/x': '',
  });
  symlinkSync('loop', join(dir, 'loop'));
  symlinkSync('loop.json', join(dir, 'loop.json'));
  const asOf = ['--as-of', '2023-10-01'];
  const cases: [string, string[]][] = [
    ['check: a missing path', ['check', 'nope']],
    ['check: a symbolic link loop', ['check', 'loop']],
    ['check: an unknown flag', ['check', '--bogus']],
    ['eval: a missing data file', ['eval', 'demo.silver', '--data', 'nope.json', ...asOf]],
    ['eval: a folder as data', ['eval', 'demo.silver', '--data', 'folder.json', ...asOf]],
    ['eval: a folder as batch data', ['eval', 'demo.silver', '--data', 'folder.json', '--format', 'ndjson', ...asOf]],
    ['eval: a symbolic link loop as data', ['eval', 'demo.silver', '--data', 'loop.json', ...asOf]],
    ['eval: a missing params file', ['eval', 'demo.silver', '--data', 'p.json', '--params', 'nope.json', ...asOf]],
    ['eval: a folder as policy file', ['eval', 'folder.policy', '--data', 'p.json', ...asOf]],
    ['eval: a missing --policies folder', ['eval', 'demo.silver', '--data', 'p.json', '--policies', 'nope', ...asOf]],
    ['eval: a bad --on-malformed', ['eval', 'demo.silver', '--data', 'p.json', '--on-malformed', 'ignore', ...asOf]],
    ['test: a missing path', ['test', 'nope']],
    ['test: a symbolic link loop', ['test', 'loop']],
    ['versions: a missing --policies folder', ['versions', '--policies', 'nope']],
    ['fmt: a missing path', ['fmt', 'nope']],
    ['fmt: a symbolic link loop', ['fmt', 'loop']],
    ['diff: a missing file', ['diff', 'nope.policy', 'policies/silver.policy']],
    ['diff: a missing data file', ['diff', 'policies/silver.policy', 'policies/silver.policy', '--data', 'nope.ndjson']],
    ['diff: a bad --as-of', ['diff', 'policies/silver.policy', 'policies/silver.policy', '--as-of', '2024-02-30']],
    ['completion: no shell', ['completion']],
  ];
  it.each(cases)('%s', async (_name, args) => {
    const r = await runBylaw(args, dir);
    expect(r.code, r.err).toBe(2);
    oneLine(r.err);
  });
});
