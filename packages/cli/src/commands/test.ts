/** `bylaw test [paths…]`: run the policy tests (`*.test.yaml`). */
import type { Command } from '../libraries.js';
import type * as A from '@bylaw/dsl';
import type { PolicyRegistry } from '@bylaw/runtime';
import type { Context } from '../cli.js';
import { EXIT_FAIL, EXIT_OK } from '../errors.js';
import type { Io, Style } from '../io.js';
import type { CaseResult, PolicyCase } from '../policy-tests.js';

/** The flags of `bylaw test`. */
export interface TestFlags {
  readonly policies?: string;
  readonly coverage: boolean;
  readonly boundaries: boolean;
}

/** Declare `bylaw test`. */
export function register(program: Command, context: Context): void {
  program
    .command('test')
    .summary('run the policy tests (*.test.yaml)')
    .description(
      'Run the policy tests (*.test.yaml) under the paths against the policies (default ./policies). Prints a line per failure with expected vs actual and the decision tree, then "N passed, N failed". Exit 1 on any failure, or when no case ran.',
    )
    .argument('[paths...]', 'test files and folders (default: ./policies)')
    .option('--policies <dir>', 'where the policies live (default: ./policies, else the paths)')
    .option('--coverage', 'per named criterion, whether the cases saw it true, false and unknown')
    .option('--boundaries', 'outcomes at and just beside every numeric and date threshold on a subject field, from the first case of each file')
    .addHelpText('after', '\nExamples:\n  bylaw test\n  bylaw test policies/douyin --coverage')
    .action((paths: string[], flags: TestFlags, command: Command) => context.run(command, (io) => runTests(paths, flags, io)));
}

/** Run `bylaw test`; resolves to the exit code. */
export async function runTests(paths: readonly string[], flags: TestFlags, io: Io): Promise<number> {
  const { existsSync } = await import('node:fs');
  const { dirname, relative } = await import('node:path');
  const { defaultPaths, loadOrFail, mustExist } = await import('../load.js');
  const { renderDecision } = await import('../render.js');
  const given = defaultPaths(paths);
  mustExist(given);
  const policyPaths = flags.policies ? [flags.policies] : existsSync('policies') ? ['policies'] : given.map((p) => (p.endsWith('.yaml') || p.endsWith('.yml') ? dirname(p) : p));
  const registry = loadOrFail(policyPaths, io, EXIT_FAIL);
  const { findTestFiles, readTestFile, runTestFile } = await import('../policy-tests.js');
  const { files, problems: unreadable } = findTestFiles(given);
  const results: CaseResult[] = [];
  let problems = unreadable.length;
  for (const p of unreadable) io.err(`${p.path}: cannot read: ${p.code}`);
  for (const path of files) {
    const { file, problems: p } = readTestFile(path);
    for (const msg of p) io.err(io.errStyle.red('invalid test file: ') + msg);
    problems += p.length;
    if (!file) continue;
    if (registry.versions(file.policy).length === 0) {
      io.err(`${path}: no policy has the id ${file.policy}`);
      problems++;
      continue;
    }
    results.push(...runTestFile(file, registry));
    if (flags.boundaries && file.cases[0]) io.out(await renderBoundaries(registry, file.policy, file.cases[0], file.params, io.style));
  }
  for (const r of results.filter((x) => !x.passed)) {
    io.out(`${io.style.red('FAIL')} ${relative(process.cwd(), r.file)} › ${r.name}`);
    for (const f of r.failures) io.out(`  ${f}`);
    if (r.decision) io.out(renderDecision(r.decision, io.style).replace(/^/gm, '    ') + '\n');
  }
  if (flags.coverage) io.out(await renderCoverage(results, registry, io.style));
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed + problems;
  io.out(`${files.length} test file${files.length === 1 ? '' : 's'}, ${results.length} cases`);
  io.out(`${passed} passed, ${failed} failed`);
  return failed > 0 || results.length === 0 ? EXIT_FAIL : EXIT_OK;
}

async function renderBoundaries(registry: PolicyRegistry, id: string, base: PolicyCase, fileParams: Record<string, unknown> | undefined, s: Style): Promise<string> {
  const { boundaryCases } = await import('../boundaries.js');
  const params = { ...(fileParams ?? {}), ...(base.params ?? {}) };
  const cases = boundaryCases(registry, id, base.subject, base.as_of, params);
  const lines = [s.bold(`Boundaries of ${id} (from case "${base.name}", as of ${base.as_of}):`)];
  if (cases.length === 0) lines.push('  no threshold on a subject field');
  let last = '';
  for (const c of cases) {
    if (c.threshold.text !== last) {
      last = c.threshold.text;
      const subject = registry.inForce(id, base.as_of)?.policy.checked.subject.name;
      lines.push(`  ${[subject, ...c.threshold.path].join('.')}  ${s.gray(`[${c.threshold.text}]`)}`);
    }
    const tier = c.decision.tier ? ` · ${c.decision.tier.id}` : '';
    lines.push(`    ${c.where.padEnd(5)} ${String(c.value).padStart(14)}  → ${c.decision.outcome}${tier}`);
  }
  return lines.join('\n') + '\n';
}

async function renderCoverage(results: CaseResult[], registry: PolicyRegistry, s: Style): Promise<string> {
  const { coverage } = await import('../policy-tests.js');
  const rows = coverage(results);
  const lines = ['', s.bold('Coverage of named criteria (✓ true, ✗ false, ? unknown seen):')];
  const byPolicy = new Map<string, typeof rows>();
  for (const r of rows) byPolicy.set(r.file, [...(byPolicy.get(r.file) ?? []), r]);
  for (const id of [...new Set(results.map((r) => r.policy))].sort()) {
    lines.push(`  ${id}`);
    const seen = byPolicy.get(id) ?? [];
    for (const r of seen) {
      const marks = `${r.seen.has(true) ? '✓' : '·'}${r.seen.has(false) ? '✗' : '·'}${r.seen.has('unknown') ? '?' : '·'}`;
      const incomplete = !(r.seen.has(true) && r.seen.has(false));
      lines.push(`    ${incomplete ? s.yellow(marks) : marks} ${r.id}${r.label ? ` ${r.label}` : ''}${incomplete ? s.yellow(r.seen.has(true) ? '  never false' : '  never true') : ''}`);
    }
    const named = new Set<string>();
    for (const v of registry.versions(id)) collectIds(v.policy.checked.ast, named);
    const never = [...named].filter((n) => !seen.some((r) => r.id === n));
    if (never.length) lines.push(`    ${s.red('never exercised:')} ${never.join(', ')}`);
  }
  return lines.join('\n');
}

function collectIds(ast: A.SourceFile, out: Set<string>) {
  const walk = (b: A.CriterionBody) => {
    if (b.kind !== 'Combinator') return;
    for (const item of b.items) {
      if (item.id) out.add(item.id.name);
      walk(item.body);
    }
  };
  for (const d of ast.declarations) {
    if (d.kind === 'CriterionDecl') {
      out.add(d.id.name);
      walk(d.body);
    }
    if (d.kind === 'DecideBlock') {
      for (const r of d.rules) {
        if ('body' in r) {
          if ('id' in r) out.add(r.id.name);
          walk(r.body);
        }
      }
    }
  }
}
