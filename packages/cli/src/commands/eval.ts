/** `bylaw eval <policy> --data FILE`: decide subjects, one by one with decision trees, or a batch. */
import type { Command } from 'commander';
import type { Context } from '../cli.js';
import { CliError, EXIT_FAIL, EXIT_OK, reasonOf } from '../errors.js';
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
  const { existsSync, closeSync, openSync, statSync } = await import('node:fs');
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
  let workers = batch && flags.data !== '-' ? startWorkers(jobs, flags.data) : undefined;
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
      if (flags.data === '-') throw new CliError('a batch from standard input is not supported yet: write it to a file');
      // Say now if the data cannot be read (missing, a folder, no permission), not as an internal error later.
      try {
        if (statSync(flags.data).isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
        closeSync(openSync(flags.data, 'r'));
      } catch (e) {
        throw new CliError(`cannot read data file ${flags.data}: ${reasonOf(e)}`);
      }
      if (flags.out !== undefined) {
        try {
          closeSync(openSync(flags.out, 'w'));
        } catch (e) {
          throw new CliError(`cannot write --out ${flags.out}: ${reasonOf(e)}`);
        }
      }
      const { runBatch } = await import('../batch.js');
      const handed = workers;
      workers = undefined; // runBatch closes them
      const { summary, failedAt, seconds } = await runBatch(
        {
          workers: handed,
          job: { policyId: id, asOf, params: paramsObject, input: kind },
          registry,
          dataPath: flags.data,
          output: flags.format === 'csv' ? 'csv' : 'ndjson',
          outPath: flags.out,
          jobs,
          onMalformed: flags.onMalformed,
          progress: Boolean(process.stderr.isTTY),
        },
        io.err,
      );
      const { formatNumber } = await import('@bylaw/runtime');
      if (failedAt) io.err(`bylaw eval: stopped at ${failedAt.malformed} (--on-malformed fail)`);
      for (const line of summary.render()) io.err(line);
      io.err(`${seconds.toFixed(1)} s, ${formatNumber(Math.round(summary.lines / Math.max(seconds, 1e-9)))} records/s on ${jobs} thread${jobs === 1 ? '' : 's'}`);
      if (flags.summary) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(flags.summary, JSON.stringify({ ...summary.toJSON(), seconds }, null, 2) + '\n');
      }
      return failedAt ? EXIT_FAIL : EXIT_OK;
    }
    const subjects = await readSubjects(flags.data, kind);
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

/** Subjects of a JSON file (one object or an array) or an NDJSON file, or of standard input (`-`). */
async function readSubjects(path: string, kind: DataFormat): Promise<{ id: string; subject: unknown; error?: string }[]> {
  const { readJson, readText } = await import('../load.js');
  const file = path === '-' ? 0 : path;
  if (kind === 'ndjson') {
    const out: { id: string; subject: unknown; error?: string }[] = [];
    readText(file, 'data file')
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          const subject: unknown = JSON.parse(line);
          out.push({ id: subjectId(subject, `line ${i + 1}`), subject });
        } catch (e) {
          out.push({ id: `line ${i + 1}`, subject: undefined, error: `line ${i + 1} is not JSON: ${(e as Error).message}` });
        }
      });
    return out;
  }
  const data = readJson(file, 'data file');
  const list = Array.isArray(data) ? data : [data];
  return list.map((subject, i) => ({ id: subjectId(subject, Array.isArray(data) ? `#${i + 1}` : path), subject }));
}

function subjectId(subject: unknown, fallback: string): string {
  if (typeof subject === 'object' && subject !== null && 'id' in subject) {
    const id = (subject as { id: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return fallback;
}
