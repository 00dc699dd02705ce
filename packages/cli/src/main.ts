#!/usr/bin/env node
/**
 * The `bylaw` command: check, eval, test, versions, demo.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative, resolve, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type * as A from '@bylaw/dsl';
import { formatNumber, loadPolicies, type Decision, type LoadResult, type PolicyRegistry } from '@bylaw/runtime';
import { countLine, renderDecision, renderDiagnostics, styleFor, type Style } from './render.js';
// The test command's modules (and the YAML reader) load only for `bylaw test`: every other command starts faster.
import type { CaseResult, PolicyCase } from './policy-tests.js';
import { defaultJobs, runBatch, startWorkers, type BatchOptions, type BatchWorkers } from './batch.js';

/** Exit codes: 0 success, 1 a failure the command reports (errors, failed tests), 2 a usage or input problem. */
const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

const USAGE = `bylaw — policies for merchant programmes

Usage:
  bylaw check [paths…] [--format text|json]
  bylaw eval <policy id or file> --data <file.json|.ndjson> [--as-of DATE] [--params file.json]
             [--policies dir] [--format text|json] [--explain]
  bylaw test [paths…] [--policies dir] [--coverage] [--boundaries]
  bylaw versions <policy id> [--policies dir]
  bylaw fmt [--check] [paths…]
  bylaw diff OLD NEW | PATH@REV PATH | REV1..REV2 [--data FILE] [--as-of DATE] [--format text|markdown|json]
  bylaw demo

Paths default to ./policies. Run 'bylaw <command> --help' for details.`;

class UsageError extends Error {}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  style: Style;
  errStyle: Style;
}

/** Run the CLI with arguments; returns the exit code. Never throws for user mistakes. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return cmdCheck(rest, io);
      case 'eval':
        return await cmdEval(rest, io);
      case 'test':
        return await cmdTest(rest, io);
      case 'versions':
        return cmdVersions(rest, io);
      case 'diff': return await (await import('./diff.js')).cmdDiff(rest, io);
      case 'fmt': return await (await import('./fmt.js')).cmdFmt(rest, io);
      case 'demo':
        return await cmdDemo(io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`bylaw: ${(e as Error).message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

function defaultIo(): Io {
  return {
    out: (s) => process.stdout.write(s + '\n'),
    err: (s) => process.stderr.write(s + '\n'),
    style: styleFor(process.stdout),
    errStyle: styleFor(process.stderr),
  };
}

function defaultPaths(paths: string[]): string[] {
  if (paths.length > 0) return paths;
  if (existsSync('policies')) return ['policies'];
  throw new UsageError('no paths given and no ./policies folder here');
}

// ------------------------------------------------------------------- check

function cmdCheck(args: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, help: { type: 'boolean' } },
  });
  if (values.help) return io.out('bylaw check [paths…] [--format text|json]\n  Check policy files: syntax, names, types, versions, references.\n  Exit 1 when there is an error; warnings (placeholders, unused definitions) do not fail.'), EXIT_OK;
  const paths = defaultPaths(positionals);
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  const result = loadPolicies(paths);
  const errors = result.diagnostics.some((d) => d.severity === 'error');
  if (values.format === 'json') {
    io.out(JSON.stringify({ files: result.files, diagnostics: result.diagnostics.map((d) => withPosition(d, result.sources)) }, null, 2));
    return errors ? EXIT_FAIL : EXIT_OK;
  }
  if (values.format !== 'text') throw new UsageError(`--format must be text or json, not ${values.format}`);
  // Placeholders are listed compactly: they are expected, and a reviewer wants the list, not code frames.
  const placeholders = result.diagnostics.filter((d) => d.code === 'BYL3019');
  const others = result.diagnostics.filter((d) => d.code !== 'BYL3019');
  if (others.length) io.out(renderDiagnostics(others, result.sources, io.style) + '\n');
  if (placeholders.length) {
    const n = placeholders.length;
    io.out(io.style.paint('33', `Placeholders: ${n} value${n === 1 ? '' : 's'} the source texts do not give (warning BYL3019):`));
    for (const d of placeholders) {
      const pos = withPosition(d, result.sources).start;
      io.out(`  ${d.file}:${pos.line}:${pos.column}  ${d.message.replace(/: the source text gives no value$/, '').replace(/^placeholder /, '')}`);
    }
    io.out('');
  }
  const policies = result.registry ? result.registry.ids().reduce((n, id) => n + result.registry!.versions(id).length, 0) : 0;
  const fileCount = new Set([...result.files, ...result.diagnostics.map((d) => d.file)]).size;
  io.out(`${countLine(result.diagnostics)} in ${fileCount} file${fileCount === 1 ? '' : 's'}${result.registry ? ` (${policies} policy version${policies === 1 ? '' : 's'})` : ''}`);
  return errors ? EXIT_FAIL : EXIT_OK;
}

function withPosition(d: A.Diagnostic, sources: ReadonlyMap<string, string>) {
  const text = sources.get(d.file) ?? '';
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split(/\r\n|\r|\n/).length;
    const column = [...before.slice(Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1)].length + 1;
    return { line, column };
  };
  return { ...d, start: pos(d.span.start), end: pos(d.span.end) };
}

// -------------------------------------------------------------------- eval

function loadOrFail(paths: string[], io: Io): PolicyRegistry {
  const result: LoadResult = loadPolicies(paths);
  if (!result.registry) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    io.err(renderDiagnostics(errors, result.sources, io.errStyle));
    throw new LoadFailed(`the policies have ${countLine(errors).split(',')[0]}: run bylaw check`);
  }
  return result.registry;
}

class LoadFailed extends Error {}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${what} ${path} is not JSON: ${(e as Error).message}`);
  }
}

class InputError extends Error {}

/** Subjects from a data file: a JSON object, a JSON array, or NDJSON (one object per line). */
function readSubjects(path: string): { id: string; subject: unknown; error?: string }[] {
  if (path.endsWith('.ndjson') || path.endsWith('.jsonl')) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read data file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const out: { id: string; subject: unknown; error?: string }[] = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const subject = JSON.parse(line);
        out.push({ id: subjectId(subject, `line ${i + 1}`), subject });
      } catch (e) {
        out.push({ id: `line ${i + 1}`, subject: undefined, error: `line ${i + 1} is not JSON: ${(e as Error).message}` });
      }
    });
    return out;
  }
  const data = readJson(path, 'data file');
  const list = Array.isArray(data) ? data : [data];
  return list.map((subject, i) => ({ id: subjectId(subject, Array.isArray(data) ? `#${i + 1}` : path), subject }));
}

function subjectId(subject: unknown, fallback: string): string {
  if (typeof subject === 'object' && subject !== null && 'id' in subject) return String((subject as { id: unknown }).id);
  return fallback;
}

function today(): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  return now.toISOString().slice(0, 10);
}

async function cmdEval(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      'as-of': { type: 'string' },
      params: { type: 'string' },
      policies: { type: 'string' },
      format: { type: 'string', default: 'text' },
      explain: { type: 'boolean', default: false },
      out: { type: 'string' },
      jobs: { type: 'string' },
      'on-malformed': { type: 'string', default: 'skip' },
      summary: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    io.out(
      'bylaw eval <policy id or file> --data <file> [--as-of DATE] [--params file.json] [--policies dir] [--format …] [--explain]\n' +
        '  Evaluate subjects under the version in force on --as-of (default: today in China time).\n' +
        '  A .json file (one object or an array): --format text (decision trees, the default) or json (--explain adds the tree);\n' +
        '    with --format ndjson|csv it is a batch, its array streamed element by element.\n' +
        '  A .ndjson/.jsonl or .csv file is a batch: streamed, decided on worker threads, one record per input line in input order:\n' +
        '    --format ndjson|csv   decision records (default ndjson)      --out FILE   write them to FILE (default stdout)\n' +
        '    --jobs N              threads that decide (default: one per core)   --summary FILE  the summary as JSON\n' +
        '    --on-malformed skip|fail   a line that is not a record is reported and skipped (default), or stops the run',
    );
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('eval takes one policy id or policy file');
  if (!values.data) throw new UsageError('eval needs --data <file>');
  const formatGiven = args.some((a) => a === '--format' || a.startsWith('--format='));
  // A .json file is a batch (its array streamed) when decision records are asked for; otherwise decision trees.
  const recordsAsked = formatGiven && (values.format === 'ndjson' || values.format === 'csv');
  const batchInput = /\.(ndjson|jsonl)$/i.test(values.data) ? 'ndjson' : /\.csv$/i.test(values.data) ? 'csv' : /\.json$/i.test(values.data) && recordsAsked ? 'json' : undefined;
  const batch = batchInput !== undefined && (!formatGiven || values.format === 'ndjson' || values.format === 'csv');
  if (batch && formatGiven && values.format !== 'ndjson' && values.format !== 'csv') throw new UsageError(`--format must be ndjson or csv for a batch, not ${values.format}`);
  if (!batch && values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, not ${values.format}`);
  if (values['on-malformed'] !== 'skip' && values['on-malformed'] !== 'fail') throw new UsageError('--on-malformed must be skip or fail');
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a whole number of at least 1, not ${values.jobs}`);
  const asOf = values['as-of'] ?? today();
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.+\-Z]+)?$/.test(asOf)) throw new UsageError(`--as-of must be a date such as 2023-09-08, not ${asOf}`);
  let workers: BatchWorkers | undefined;
  try {
    const target = positionals[0]!;
    const policyDir = values.policies ?? (existsSync('policies') ? 'policies' : undefined);
    const isFile = target.endsWith('.policy');
    if (isFile && !existsSync(target)) throw new InputError(`no such policy file: ${target}`);
    const paths = [...(policyDir ? [policyDir] : []), ...(isFile ? [target] : [])];
    if (paths.length === 0) throw new InputError('no policies: pass --policies <dir> or a .policy file');
    // A batch's workers start now, loading their modules while this thread checks the policies.
    workers = batch ? startWorkers(jobs, values.data) : undefined;
    const registry = loadOrFail(paths, io);
    const id = isFile ? policyIdOf(target) : target;
    if (registry.versions(id).length === 0) {
      throw new InputError(`no policy has the id ${id}${registry.ids().length ? ` (known: ${registry.ids().join(', ')})` : ''}`);
    }
    const params = values.params ? (readJson(values.params, 'params file') as Record<string, unknown>) : undefined;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new InputError(`params file ${values.params} must hold a JSON object of name: value`);
    }
    if (!registry.inForce(id, asOf)) {
      const first = registry.versions(id)[0]!;
      throw new InputError(`no version of ${id} is in force on ${asOf}; the first takes effect on ${first.from} (see bylaw versions ${id})`);
    }
    if (batch) {
      // Say now if the data cannot be read (missing, a folder, no permission), not as an internal error later.
      try {
        if (statSync(values.data).isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
        closeSync(openSync(values.data, 'r'));
      } catch (e) {
        throw new InputError(`cannot read data file ${values.data}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (values.out !== undefined) {
        // Say now if the output cannot be written (a missing folder, no permission), not as an internal error later.
        try {
          closeSync(openSync(values.out, 'w'));
        } catch (e) {
          throw new InputError(`cannot write --out ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      const handed = workers;
      workers = undefined; // runBatch closes them
      return await runBatchCommand(
        {
          workers: handed,
          job: { policyId: id, asOf, params, input: batchInput! },
          registry,
          dataPath: values.data,
          output: formatGiven ? (values.format as 'ndjson' | 'csv') : 'ndjson',
          outPath: values.out,
          jobs,
          onMalformed: values['on-malformed'] as 'skip' | 'fail',
          progress: Boolean(process.stderr.isTTY),
        },
        values.summary,
        io,
      );
    }
    const subjects = readSubjects(values.data);
    const decisions: { id: string; decision?: Decision; error?: string }[] = subjects.map((s) =>
      s.error ? { id: s.id, error: s.error } : { id: s.id, decision: registry.evaluate(id, s.subject, { asOf, ...(params ? { params } : {}), explain: values.format === 'text' || values.explain }) },
    );
    if (values.format === 'json') {
      for (const d of decisions) io.out(JSON.stringify(d.decision ? { id: d.id, ...d.decision } : { id: d.id, error: d.error }));
    } else {
      for (const d of decisions) io.out(d.decision ? renderDecision(d.decision, io.style, d.id) + '\n' : `${d.id}: ${io.style.paint('31', d.error!)}\n`);
    }
    return decisions.some((d) => d.error) ? EXIT_FAIL : EXIT_OK;
  } catch (e) {
    if (e instanceof InputError || e instanceof LoadFailed) {
      io.err(`bylaw: ${e.message}`);
      return EXIT_USAGE;
    }
    throw e;
  } finally {
    // Workers started early for a batch that did not run (bad policies, a bad id, …).
    await workers?.close();
  }
}

async function runBatchCommand(options: BatchOptions, summaryPath: string | undefined, io: Io): Promise<number> {
  const { summary, failedAt, seconds } = await runBatch(options, io.err);
  if (failedAt) io.err(`bylaw: stopped at ${failedAt.malformed} (--on-malformed fail)`);
  for (const line of summary.render()) io.err(line);
  io.err(`${seconds.toFixed(1)} s, ${formatNumber(Math.round(summary.lines / Math.max(seconds, 1e-9)))} records/s on ${options.jobs} thread${options.jobs === 1 ? '' : 's'}`);
  if (summaryPath) writeFileSync(summaryPath, JSON.stringify({ ...summary.toJSON(), seconds }, null, 2) + '\n');
  return failedAt ? EXIT_FAIL : EXIT_OK;
}

function policyIdOf(file: string): string {
  const text = readFileSync(file, 'utf8');
  const m = /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*policy\s+([\p{L}\p{N}_.]+)/u.exec(text);
  if (!m) throw new InputError(`${file} has no policy header`);
  return m[1]!;
}

// -------------------------------------------------------------------- test

function findTestFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.') && name !== 'node_modules') visit(join(p, name));
    } else if (p.endsWith('.test.yaml') || p.endsWith('.test.yml')) out.push(p);
  };
  for (const p of paths) visit(p);
  return out;
}

async function cmdTest(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      policies: { type: 'string' },
      coverage: { type: 'boolean', default: false },
      boundaries: { type: 'boolean', default: false },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    io.out(
      'bylaw test [paths…] [--policies dir] [--coverage] [--boundaries]\n' +
        '  Run the policy tests (*.test.yaml) under the paths against the policies (default ./policies).\n' +
        '  Prints a line per failure with expected vs actual and the decision tree, then "N passed, N failed".\n' +
        '  --coverage    per named criterion, whether the cases saw it true, false and unknown\n' +
        '  --boundaries  outcomes at and just beside every numeric and date threshold on a subject field,\n' +
        '                starting from the first case of each test file',
    );
    return EXIT_OK;
  }
  const paths = defaultPaths(positionals);
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  const policyPaths = values.policies ? [values.policies] : existsSync('policies') ? ['policies'] : paths.map((p) => (p.endsWith('.yaml') || p.endsWith('.yml') ? dirname(p) : p));
  let registry: PolicyRegistry;
  try {
    registry = loadOrFail(policyPaths, io);
  } catch (e) {
    if (e instanceof LoadFailed) return io.err(`bylaw: ${e.message}`), EXIT_FAIL;
    throw e;
  }
  const { readTestFile, runTestFile } = await import('./policy-tests.js');
  const files = findTestFiles(paths);
  const results: CaseResult[] = [];
  let problems = 0;
  for (const path of files) {
    const { file, problems: p } = readTestFile(path);
    for (const msg of p) io.err(io.errStyle.paint('31', 'invalid test file: ') + msg);
    problems += p.length;
    if (!file) continue;
    if (registry.versions(file.policy).length === 0) {
      io.err(`${path}: no policy has the id ${file.policy}`);
      problems++;
      continue;
    }
    results.push(...runTestFile(file, registry));
    if (values.boundaries && file.cases[0]) io.out(await renderBoundaries(registry, file.policy, file.cases[0], file.params, io.style));
  }
  for (const r of results.filter((x) => !x.passed)) {
    io.out(`${io.style.paint('31', 'FAIL')} ${relative(process.cwd(), r.file)} › ${r.name}`);
    for (const f of r.failures) io.out(`  ${f}`);
    if (r.decision) io.out(renderDecision(r.decision, io.style).replace(/^/gm, '    ') + '\n');
  }
  if (values.coverage) io.out(await renderCoverage(results, registry, io.style));
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed + problems;
  io.out(`${files.length} test file${files.length === 1 ? '' : 's'}, ${results.length} cases`);
  io.out(`${passed} passed, ${failed} failed`);
  return failed > 0 || results.length === 0 ? EXIT_FAIL : EXIT_OK;
}

async function renderBoundaries(registry: PolicyRegistry, id: string, base: PolicyCase, fileParams: Record<string, unknown> | undefined, s: Style): Promise<string> {
  const { boundaryCases } = await import('./boundaries.js');
  const params = { ...(fileParams ?? {}), ...(base.params ?? {}) };
  const cases = boundaryCases(registry, id, base.subject, base.as_of, params);
  const lines = [s.paint('1', `Boundaries of ${id} (from case "${base.name}", as of ${base.as_of}):`)];
  if (cases.length === 0) lines.push('  no threshold on a subject field');
  let last = '';
  for (const c of cases) {
    if (c.threshold.text !== last) {
      last = c.threshold.text;
      const subject = registry.inForce(id, base.as_of)?.policy.checked.subject.name;
      lines.push(`  ${[subject, ...c.threshold.path].join('.')}  ${s.paint('90', `[${c.threshold.text}]`)}`);
    }
    const tier = c.decision.tier ? ` · ${c.decision.tier.id}` : '';
    lines.push(`    ${c.where.padEnd(5)} ${String(c.value).padStart(14)}  → ${c.decision.outcome}${tier}`);
  }
  return lines.join('\n') + '\n';
}

async function renderCoverage(results: CaseResult[], registry: PolicyRegistry, s: Style): Promise<string> {
  const { coverage } = await import('./policy-tests.js');
  const rows = coverage(results);
  const lines = ['', s.paint('1', 'Coverage of named criteria (✓ true, ✗ false, ? unknown seen):')];
  const byPolicy = new Map<string, typeof rows>();
  for (const r of rows) byPolicy.set(r.file, [...(byPolicy.get(r.file) ?? []), r]);
  for (const id of [...new Set(results.map((r) => r.policy))].sort()) {
    lines.push(`  ${id}`);
    const seen = byPolicy.get(id) ?? [];
    for (const r of seen) {
      const marks = `${r.seen.has(true) ? '✓' : '·'}${r.seen.has(false) ? '✗' : '·'}${r.seen.has('unknown') ? '?' : '·'}`;
      const incomplete = !(r.seen.has(true) && r.seen.has(false));
      lines.push(`    ${incomplete ? s.paint('33', marks) : marks} ${r.id}${r.label ? ` ${r.label}` : ''}${incomplete ? s.paint('33', r.seen.has(true) ? '  never false' : '  never true') : ''}`);
    }
    const named = new Set<string>();
    for (const v of registry.versions(id)) collectIds(v.policy.checked.ast, named);
    const never = [...named].filter((n) => !seen.some((r) => r.id === n));
    if (never.length) lines.push(`    ${s.paint('31', 'never exercised:')} ${never.join(', ')}`);
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

// ---------------------------------------------------------------- versions

function cmdVersions(args: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { policies: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) return io.out('bylaw versions [policy id] [--policies dir]\n  List the versions of a policy (or of all) with their effective periods.'), EXIT_OK;
  try {
    const registry = loadOrFail([values.policies ?? 'policies'], io);
    const ids = positionals.length ? positionals : registry.ids();
    let missing = false;
    for (const id of ids) {
      const versions = registry.versions(id);
      if (versions.length === 0) {
        io.err(`bylaw: no policy has the id ${id}`);
        missing = true;
        continue;
      }
      io.out(io.style.paint('1', id) + (versions[0]!.policy.checked.title ? ` ${versions[0]!.policy.checked.title}` : ''));
      for (const v of versions) {
        const c = v.policy.checked;
        io.out(`  ${v.version.padEnd(12)} ${v.from} → ${v.until ?? '(open)'}  published ${c.published}  ${c.file}${c.note ? io.style.paint('90', `  — ${c.note}`) : ''}`);
      }
    }
    return missing ? EXIT_USAGE : EXIT_OK;
  } catch (e) {
    if (e instanceof LoadFailed) return io.err(`bylaw: ${e.message}`), EXIT_FAIL;
    throw e;
  }
}

// -------------------------------------------------------------------- demo

/** The main job: check the policies in the repository and decide the example merchants of every programme. */
async function cmdDemo(io: Io): Promise<number> {
  const root = findRepoRoot();
  process.chdir(root);
  io.out(io.style.paint('1', '$ bylaw check policies'));
  const checkCode = cmdCheck(['policies'], io);
  if (checkCode !== EXIT_OK) return checkCode;
  const manifest = readJson('examples/demo.json', 'demo manifest') as { policy: string; data: string; as_of: string; params?: string }[];
  for (const run of manifest) {
    const args = [run.policy, '--data', run.data, '--as-of', run.as_of, ...(run.params ? ['--params', run.params] : [])];
    io.out('\n' + io.style.paint('1', `$ bylaw eval ${args.join(' ')}`));
    const code = await cmdEval(args, io);
    if (code !== EXIT_OK) return code;
  }
  // A batch: 300 generated providers (examples/generate.mjs writes them, deterministically).
  const batchFile = 'examples/douyin-belt-providers.ndjson';
  if (!existsSync(batchFile)) execFileSync(process.execPath, ['examples/generate.mjs'], { stdio: 'ignore' });
  const out = join(mkdtempSync(join(tmpdir(), 'bylaw-demo-')), 'decisions.ndjson');
  const batchArgs = ['douyin.belt_provider', '--data', batchFile, '--as-of', '2023-09-08', '--params', 'examples/params/douyin-industry-threshold.SAMPLE.json', '--out', out];
  io.out('\n' + io.style.paint('1', `$ bylaw eval ${batchArgs.join(' ')}`));
  const batchCode = await cmdEval(batchArgs, { ...io, err: io.out });
  if (batchCode !== EXIT_OK) return batchCode;
  io.out(`first records of ${out}:\n${readFileSync(out, 'utf8').split('\n').slice(0, 3).join('\n')}`);
  io.out('\n' + io.style.paint('1', '$ bylaw test policies'));
  return await cmdTest(['policies'], io);
}

function findRepoRoot(): string {
  let dir = resolve(dirname(fileURLToPath(import.meta.url)));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}


const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bylaw: internal error: ${(e as Error).message}\nPlease report this with the command you ran.\n`);
      process.exitCode = 3;
    },
  );
}
