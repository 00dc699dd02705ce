/** `bylaw eval <policy> --data FILE`: decide subjects, one by one with decision trees, or a batch. */
import type { Command } from '../libraries.js';
import type { Context } from '../cli.js';
import { CliError, EXIT_FAIL, EXIT_OK, EXIT_USAGE, reasonOf } from '../errors.js';
import type { Io } from '../io.js';
import { asOfOption, checkAsOf, choiceOption, countOption, today } from '../options.js';

/** The flags of `bylaw eval`. */
export interface EvalFlags {
  readonly data: string;
  readonly dataFormat?: DataFormat;
  readonly asOf?: string;
  readonly params?: string;
  readonly policies?: string;
  readonly format?: 'text' | 'json' | 'ndjson' | 'csv';
  readonly explain: boolean;
  readonly out?: string;
  readonly jobs?: number;
  readonly onMalformed: 'skip' | 'fail';
  readonly summary?: string;
  readonly delimiter?: string;
}

/** What a data file holds. */
export type DataFormat = 'json' | 'ndjson' | 'csv';

/** Declare `bylaw eval`. */
export function register(program: Command, context: Context): void {
  program
    .command('eval')
    .summary('decide subjects under the version of a policy in force on a date')
    .description(
      'Evaluate subjects under the version of a policy in force on --as-of. A .json file (one object or an array) gets a decision tree per subject (--format text, the default) or one decision object per line (--format json; --explain adds the tree). A .ndjson/.jsonl or .csv file is a batch: streamed, decided on worker threads, one decision record per input line in input order (--format ndjson, the default, or csv); so is a .json file with --format ndjson or csv, its array streamed element by element.',
    )
    .argument('<policy>', 'a policy id (found under --policies) or a .policy file')
    .requiredOption('--data <file>', "the subjects: a .json, .ndjson, .jsonl or .csv file, or '-' for standard input")
    .addOption(choiceOption('--data-format <kind>', 'what --data holds when its name does not say (standard input, a pipe); default json', ['json', 'ndjson', 'csv']))
    .addOption(asOfOption())
    .option('--params <file>', 'a JSON object giving params and placeholders by name')
    .option('--policies <dir>', 'where policies live (default: ./policies); needed for satisfies references')
    .addOption(choiceOption('--format <format>', 'text or json: decisions; ndjson or csv: a batch of decision records', ['text', 'json', 'ndjson', 'csv']))
    .option('--explain', 'with --format json, include the explanation tree')
    .option('--out <file>', 'batch: write the decision records to a file (default: standard output)')
    .addOption(countOption('--jobs <n>', 'batch: threads that decide (default: one per core)'))
    .addOption(choiceOption('--on-malformed <what>', 'batch: a line that is not a record is reported and skipped, or stops the run (exit 1)', ['skip', 'fail']).default('skip'))
    .option('--summary <file>', 'batch: write the summary as JSON')
    .option('--delimiter <char>', "CSV: the cell delimiter, such as ';' or tab (default ',')")
    .addHelpText(
      'after',
      `
Examples:
  bylaw eval douyin.belt_provider --data provider.json --as-of 2023-10-08
  bylaw eval douyin.belt_provider --data provider.json --as-of 2023-10-08 --format json --explain
  bylaw eval douyin.belt_provider --data providers.ndjson --out decisions.ndjson --summary summary.json
  cat providers.ndjson | bylaw eval douyin.belt_provider --data - --data-format ndjson | head -3`,
    )
    .action((policy: string, flags: EvalFlags, command: Command) => context.run(command, (io) => evaluate(policy, flags, io)));
}

/** The kind of a data file: by its name, else `--data-format`, else JSON. */
function dataFormatOf(path: string, given: DataFormat | undefined): DataFormat {
  if (given) return given;
  if (/\.(ndjson|jsonl)$/i.test(path)) return 'ndjson';
  if (/\.csv$/i.test(path)) return 'csv';
  return 'json';
}

/** Run `bylaw eval`; resolves to the exit code. */
export async function evaluate(target: string, flags: EvalFlags, io: Io): Promise<number> {
  const { existsSync } = await import('node:fs');
  const kind = dataFormatOf(flags.data, flags.dataFormat);
  // Decision records (--format ndjson|csv, the default for NDJSON and CSV data) make a batch; text and json give decisions.
  const batch = flags.format === 'ndjson' || flags.format === 'csv' || (flags.format === undefined && kind !== 'json');
  if (!batch && kind === 'csv') throw new CliError(`--format must be ndjson or csv for CSV data, not ${flags.format}`);
  if (!batch && flags.out !== undefined) throw new CliError('--out is for batches: give --format ndjson or csv, or redirect the output');
  const asOf = await checkAsOf(flags.asOf ?? today());
  const { defaultJobs, startWorkers } = await import('../batch.js');
  const jobs = flags.jobs ?? defaultJobs();
  const { knownPolicy, loadOrFail, readJson } = await import('../load.js');
  const isFile = target.endsWith('.policy');
  if (isFile && !existsSync(target)) throw new CliError(`no such policy file: ${target}`);
  const policyDir = flags.policies ?? (existsSync('policies') ? 'policies' : undefined);
  if (flags.policies !== undefined && !existsSync(flags.policies)) throw new CliError(`no such folder: ${flags.policies} (--policies)`);
  const paths = [...(policyDir ? [policyDir] : []), ...(isFile ? [target] : [])];
  if (paths.length === 0) throw new CliError('no policies: pass --policies <dir> or a .policy file');
  // A batch's workers start now, loading their modules while this thread checks the policies.
  let workers = batch ? startWorkers(jobs, flags.data) : undefined;
  try {
    const registry = loadOrFail(paths, io);
    const id = knownPolicy(registry, isFile ? await policyIdOf(target) : target);
    const params = flags.params === undefined ? undefined : readJson(flags.params, 'params file');
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new CliError(`params file ${flags.params} must hold a JSON object of name: value`);
    }
    const paramsObject = params as Record<string, unknown> | undefined;
    if (!registry.inForce(id, asOf) && flags.format !== 'json') {
      const first = registry.versions(id)[0]!;
      throw new CliError(
        asOf < first.from
          ? `no version of ${id} is in force on ${asOf}; the first takes effect on ${first.from} (see bylaw versions ${id})`
          : `no version of ${id} is in force on ${asOf}; the last one ended on ${registry.versions(id).at(-1)!.until} (see bylaw versions ${id})`,
      );
    }
    if (batch) {
      const delimiter = flags.delimiter === undefined ? ',' : (await import('../batch-read.js')).delimiterOf(flags.delimiter);
      const { checkOutputs } = await import('../output.js');
      // Never write over an input: the data, the params, a policy file.
      const { resolve } = await import('node:path');
      const policyFiles = registry.ids().flatMap((p) => registry.versions(p).map((v) => v.policy.checked.file));
      checkOutputs(
        [
          { flag: '--out', path: flags.out },
          { flag: '--summary', path: flags.summary },
        ],
        [flags.data, ...(flags.params ? [flags.params] : []), ...policyFiles.map((f) => resolve(f)), ...paths.filter((p) => p.endsWith('.policy'))],
      );
      const { runBatch } = await import('../batch.js');
      const handed = workers;
      workers = undefined; // runBatch closes them
      const result = await runBatch(
        {
          workers: handed,
          job: { policyId: id, asOf, params: paramsObject, input: kind },
          registry,
          dataPath: flags.data,
          delimiter,
          output: flags.format === 'csv' ? 'csv' : 'ndjson',
          outPath: flags.out,
          jobs,
          onMalformed: flags.onMalformed,
          // Never over decisions written to the same terminal.
          progress: Boolean(process.stderr.isTTY) && (flags.out !== undefined || !process.stdout.isTTY),
        },
        io.err,
      );
      return await reportBatch(result, flags, jobs, io);
    }
    const subjects = await readSubjects(flags.data, kind === 'csv' ? 'json' : kind);
    if (subjects.length === 0) io.err(`bylaw eval: no subject in ${flags.data === '-' ? 'standard input' : flags.data}`);
    const options = { asOf, ...(paramsObject ? { params: paramsObject } : {}), explain: flags.format !== 'json' || flags.explain };
    const decisions = subjects.map((s) => (s.error ? { id: s.id, error: s.error } : { id: s.id, decision: registry.evaluate(id, s.subject, options) }));
    if (flags.format === 'json') {
      for (const d of decisions) io.out(JSON.stringify(d.decision ? { id: d.id, ...d.decision } : { id: d.id, error: d.error }));
    } else {
      const { renderDecision } = await import('../render.js');
      for (const d of decisions) io.out(d.decision ? renderDecision(d.decision, io.style, d.id) + '\n' : `${d.id}: ${io.style.red(d.error!)}\n`);
    }
    return decisions.some((d) => d.error) ? EXIT_FAIL : EXIT_OK;
  } finally {
    // Workers started early for a batch that did not run (bad policies, a bad id, …).
    await workers?.close();
  }
}

/** Say how a batch ended (summary, why it stopped, where its records are), write --summary; the exit code. */
async function reportBatch(result: import('../batch.js').BatchResult, flags: EvalFlags, jobs: number, io: Io): Promise<number> {
  const { formatNumber } = await import('@bylaw/runtime');
  const { summary, stopped, partial, seconds } = result;
  for (const w of result.warnings) io.err(`bylaw eval: warning: ${w}`);
  let code = summary.malformed > 0 ? EXIT_FAIL : EXIT_OK;
  let why: string | undefined;
  if (stopped?.kind === 'malformed') {
    io.err(`bylaw eval: stopped at ${stopped.at.malformed} (--on-malformed fail)`);
    why = 'a malformed record (--on-malformed fail)';
    code = EXIT_FAIL;
  } else if (stopped?.kind === 'interrupted') {
    why = `interrupted (${stopped.signal})`;
    code = stopped.signal === 'SIGINT' ? 130 : 143;
  } else if (stopped?.kind === 'write') {
    why = stopped.message;
    code = EXIT_USAGE;
  }
  if (stopped && stopped.kind !== 'malformed') {
    const kept = partial ? `the records written so far are in ${partial}` : 'no record was kept';
    io.err(`bylaw eval: ${why}: ${kept}${flags.out ? `; ${flags.out} is unchanged` : ''}`);
  }
  for (const line of summary.render()) io.err(line);
  io.err(`${seconds.toFixed(1)} s, ${formatNumber(Math.round(summary.lines / Math.max(seconds, 1e-9)))} records/s on ${jobs} thread${jobs === 1 ? '' : 's'}${stopped && stopped.kind !== 'malformed' ? ' (partial)' : ''}`);
  if (flags.summary) {
    const { writeAtomically, OutputError } = await import('../output.js');
    const json = { complete: stopped === undefined, ...(why ? { stopped: why } : {}), ...summary.toJSON(), seconds };
    try {
      writeAtomically(flags.summary, JSON.stringify(json, null, 2) + '\n', '--summary');
    } catch (e) {
      if (!(e instanceof OutputError) && !(e instanceof CliError)) throw e;
      io.err(`bylaw eval: ${e.message}`);
      return code === EXIT_OK || code === EXIT_FAIL ? EXIT_USAGE : code;
    }
  }
  return code;
}

/** The id in a policy file's header. */
async function policyIdOf(file: string): Promise<string> {
  const { readFileSync } = await import('node:fs');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read policy file ${file}: ${reasonOf(e)}`);
  }
  const m = /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*policy\s+([\p{L}\p{N}_.]+)/u.exec(text.replace(/^\ufeff/, ''));
  if (!m) throw new CliError(`${file} has no policy header`);
  return m[1]!;
}

/**
 * Subjects of a JSON file (one object or an array) or an NDJSON file, or of standard input
 * (`-`), read as a batch reads them (batch-read.ts), so that both paths find the same records
 * and the same malformed ones (a trailing comma, an element that is not JSON, an array not
 * closed) with the same messages.
 */
async function readSubjects(path: string, kind: 'json' | 'ndjson'): Promise<{ id: string; subject?: unknown; error?: string }[]> {
  const { ByteSource, JsonArrayReader, NdjsonReader } = await import('../batch-read.js');
  const { readRecord } = await import('../batch-core.js');
  const { subjectId } = await import('@bylaw/runtime');
  const source = new ByteSource(path);
  const reader = kind === 'json' ? new JsonArrayReader(source) : new NdjsonReader(source);
  const job = { input: kind } as const;
  const out: { id: string; subject?: unknown; error?: string }[] = [];
  try {
    for (let segment = reader.next(); segment; segment = reader.next()) {
      const lines = Buffer.from(segment.bytes.buffer, segment.bytes.byteOffset, segment.bytes.byteLength).toString('utf8').split('\n');
      lines.forEach((text, i) => {
        const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
        if (raw.trim() === '') return;
        const r = readRecord(job, undefined, raw, segment.firstLine + i);
        const fallback = kind === 'ndjson' ? `line ${r.line}` : reader instanceof JsonArrayReader && reader.isArray ? `#${r.line}` : path === '-' ? '(standard input)' : path;
        out.push(typeof r.subject === 'string' ? { id: fallback, error: r.subject } : { id: subjectId(r.subject) ?? fallback, subject: r.subject });
      });
    }
    const problem = reader.problem;
    if (problem) out.push({ id: `#${problem.line}`, error: problem.message });
  } finally {
    reader.close();
  }
  return out;
}


