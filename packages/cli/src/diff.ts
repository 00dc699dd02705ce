/**
 * `bylaw diff`: compare two versions of a policy.
 *
 *     bylaw diff OLD NEW [--data merchants.ndjson] [--as-of DATE] [--params p.json] [--format text|markdown|json]
 *     bylaw diff path@REV path                 one file at a git revision and in the working tree
 *     bylaw diff REV1..REV2 [-- paths…]        every policy changed between two revisions
 *     bylaw diff --git-driver PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE
 *
 * Each version is checked on its own (with its own imports, read from the
 * same revision); a policy that `satisfies` another is checked and evaluated
 * with the other policies of its folder tree (the `policies/` folder above it,
 * else its own folder) at that revision.
 *
 * Exit codes, like `git diff --exit-code`: 0 no change in meaning, 1 changes
 * in meaning (or changes that break data providers), 2 trouble. As a git diff
 * driver it always exits 0 (git stops at a failing external diff).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, posix, relative, resolve, sep } from 'node:path';
import { check, parse, type CheckedPolicy, type SourceHost } from '@bylaw/dsl';
import { PolicyRegistry, type ReferenceResolver } from '@bylaw/runtime';
import { readSource, walkFiles } from '@bylaw/runtime/node';
import {
  compilePair,
  diffPolicies,
  findWitnesses,
  flipReport,
  renderJson,
  renderMarkdown,
  renderText,
  type PolicyDiff,
} from '@bylaw/diff';
import { CliError as Trouble, EXIT_FAIL, EXIT_OK } from './errors.js';
import type { Io } from './io.js';
import { checkAsOf } from './options.js';
import { renderDiagnostics } from './render.js';

type DiffIo = Io;

const EXIT_SAME = EXIT_OK;
const EXIT_CHANGED = EXIT_FAIL;

/** The output formats of `bylaw diff`. */
export type Format = 'text' | 'markdown' | 'json';

/** The flags of `bylaw diff`. */
export interface DiffFlags {
  readonly data?: string;
  readonly asOf?: string;
  readonly params?: string;
  readonly format: Format;
  readonly gitDriver: boolean;
}

/** Run `bylaw diff`; returns the exit code (trouble is thrown as a {@link Trouble}, exit 2). */
export async function diff(positionals: readonly string[], values: DiffFlags, io: Io): Promise<number> {
  const format = values.format;
  const asOf = values.asOf === undefined ? undefined : await checkAsOf(values.asOf);
  if (asOf !== undefined && asOf.length !== 10) throw new Trouble(`--as-of for diff is a day such as 2024-03-01, not ${asOf}`);
  const params = values.params ? readParams(values.params) : undefined;
  const common = { asOf, params, format, io };
  if (values.gitDriver) return await gitDriver(positionals, common);
  if (positionals.length >= 1 && isRange(positionals[0]!)) return await range(positionals[0]!, positionals.slice(1), common);
  if (positionals.length !== 2) throw new Trouble('diff takes two policy files (OLD NEW), a revision range REV1..REV2, or --git-driver');
  const [oldArg, newArg] = positionals as [string, string];
  const oldV = loadArg(oldArg);
  const newV = loadArg(newArg);
  const d = await compare(oldV, newV, { ...common, data: values.data });
  emit([d], format, io);
  return d.meaning || d.breaking ? EXIT_CHANGED : EXIT_SAME;
}

interface Common {
  readonly asOf: string | undefined;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly format: Format;
  readonly io: DiffIo;
}

function readParams(path: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Trouble(`cannot read params file ${path}: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Trouble(`params file ${path} must hold a JSON object of name: value`);
  return v as Record<string, unknown>;
}

function emit(diffs: readonly PolicyDiff[], format: Format, io: DiffIo): void {
  if (format === 'json') {
    io.out((diffs.length === 1 ? renderJson(diffs[0]!) : JSON.stringify(diffs, null, 2)).trimEnd());
    return;
  }
  const parts = diffs.map((d) => (format === 'markdown' ? renderMarkdown(d) : renderText(d, { color: io.style.color })).trimEnd());
  io.out(parts.join(format === 'markdown' ? '\n\n---\n\n' : '\n\n' + '─'.repeat(72) + '\n\n'));
}

// ---------------------------------------------------------------------------
// Sources: the working tree, or a git revision

/** Files as one revision has them. Paths are relative to `base`, with `/`. */
interface Source {
  readonly label: string | undefined;
  read(path: string): string | undefined;
  /** Every `.policy` file under a folder. */
  list(dir: string): string[];
}

function workingTree(base: string): Source {
  return {
    label: undefined,
    read(path) {
      const full = resolve(base, path);
      if (!existsSync(full)) return undefined;
      const r = readSource(full, path);
      if (r.text === undefined && r.diagnostic) throw new Trouble(`${path}: ${r.diagnostic.message}`);
      return r.text;
    },
    list(dir) {
      // As every command walks folders (walkFiles): name order, .gitignore honoured, loop-safe.
      const root = resolve(base);
      return walkFiles([resolve(base, dir)], { extensions: ['.policy'] }).files.map((f) => relative(root, f).split(sep).join('/'));
    },
  };
}

function git(args: readonly string[], cwd: string): string {
  try {
    return execFileSync('git', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new Trouble('git is not installed (needed for path@REV and revision ranges)');
    throw new Trouble(`git ${args.join(' ')}: ${(err.stderr ?? err.message).trim().split('\n')[0]}`);
  }
}

function gitRoot(cwd: string): string {
  return git(['rev-parse', '--show-toplevel'], cwd).trim();
}

/**
 * A revision named on the command line, checked: it never reaches git as an option
 * (`HEAD~1..--output=/x` would make git write that file), and it must name a commit.
 * Every git command that takes one also gets `--end-of-options` before it.
 */
function checkedRevision(root: string, rev: string): string {
  if (rev.startsWith('-')) throw new Trouble(`${JSON.stringify(rev)} is not a revision (a revision never starts with '-')`);
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new Trouble('git is not installed (needed for path@REV and revision ranges)');
    throw new Trouble(`no commit ${JSON.stringify(rev)} in this repository`);
  }
  return rev;
}

function revision(root: string, given: string): Source {
  const rev = checkedRevision(root, given);
  const cache = new Map<string, string | undefined>();
  return {
    label: rev,
    read(path) {
      if (cache.has(path)) return cache.get(path);
      let text: string | undefined;
      try {
        text = execFileSync('git', ['show', '--end-of-options', `${rev}:${path}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') throw new Trouble('git is not installed');
        text = undefined;
      }
      cache.set(path, text);
      return text;
    },
    list(dir) {
      return git(['ls-tree', '-r', '--name-only', '--end-of-options', rev, '--', dir === '.' ? '.' : dir], root)
        .split('\n')
        .filter((p) => p.endsWith('.policy'));
    },
  };
}

/** `path` or `path@REV` → where to read it and how to show it. */
function loadArg(arg: string): Version {
  const at = arg.lastIndexOf('@');
  if (at > 0 && !existsSync(arg)) {
    const path = arg.slice(0, at);
    const rev = arg.slice(at + 1);
    const root = gitRoot(process.cwd());
    const rel = relative(root, resolve(path)).split(sep).join('/');
    return { source: revision(root, rev), path: rel, shown: `${path}@${rev}` };
  }
  if (!existsSync(arg)) throw new Trouble(`no such file: ${arg}`);
  return { source: workingTree(process.cwd()), path: arg.split(sep).join('/'), shown: arg };
}

interface Version {
  readonly source: Source;
  readonly path: string;
  readonly shown: string;
  /** Text to use instead of reading `path` (git driver temporary files). */
  readonly text?: string;
}

function hostOf(source: Source): SourceHost {
  return {
    readFile: (p) => source.read(p),
    resolve: (from, spec) => posix.normalize(posix.join(posix.dirname(from), spec)),
  };
}

/** The folder whose policies form the context of a file: the nearest `policies/` above it, else its folder. */
function contextRoot(path: string): string {
  const parts = path.split('/');
  for (let i = parts.length - 2; i >= 0; i--) if (parts[i] === 'policies') return parts.slice(0, i + 1).join('/');
  return parts.length > 1 ? parts.slice(0, -1).join('/') : '.';
}

interface Loaded {
  readonly policy: CheckedPolicy;
  readonly resolver: ReferenceResolver | undefined;
  readonly context: Map<string, CheckedPolicy>;
  readonly warnings: string[];
}

/** Check one version on its own; load its folder tree only when it refers to other policies. */
function loadVersion(v: Version, io: DiffIo, asOf: () => string): Loaded {
  const text = v.text ?? v.source.read(v.path);
  if (text === undefined) throw new Trouble(`cannot read ${v.shown}`);
  const host = hostOf(v.source);
  let result = check([{ path: v.path, text }], { host });
  const warnings: string[] = [];
  let registry: PolicyRegistry | undefined;
  const context = new Map<string, CheckedPolicy>();
  const unknownRefs = result.diagnostics.filter((d) => d.code === 'BYL3012');
  if (unknownRefs.length > 0) {
    // The policy refers to others: find them in its folder tree (at the same revision), and
    // load just those and what they refer to, so that an error elsewhere in the tree does not matter.
    const root = contextRoot(v.path);
    const ownId = parse(text, v.path).ast.header?.id.text;
    const files = v.source.list(root).flatMap((p) => {
      if (p === v.path) return [];
      const t = v.source.read(p);
      const id = t === undefined ? undefined : parse(t, p).ast.header?.id.text;
      // Other versions of the same programme are not context: they would only collide with each other.
      return t === undefined || id === undefined || id === ownId ? [] : [{ path: p, text: t, id }];
    });
    const known = [...new Set(files.map((f) => f.id))];
    result = check([{ path: v.path, text }], { host, knownPolicies: known });
    const self = result.policies.find((p) => p.file === v.path);
    const ids = new Set(self?.references ?? []);
    let inputs = files.filter((f) => ids.has(f.id));
    for (let round = 0; round < 32; round++) {
      const more = check(inputs, { host, knownPolicies: known })
        .policies.flatMap((p) => p.references)
        .filter((id) => !ids.has(id));
      if (more.length === 0) break;
      for (const id of more) ids.add(id);
      inputs = files.filter((f) => ids.has(f.id));
    }
    const missing = [...ids].filter((id) => !files.some((f) => f.id === id));
    if (missing.length) warnings.push(`no policy under ${root}/ has the id ${missing.join(', ')}: satisfies references to it stay unknown`);
    registry = PolicyRegistry.fromSources(inputs.map(({ path, text: t }) => ({ path, text: t })), { host }).registry;
    if (!registry && inputs.length) warnings.push(`the policies ${v.shown} refers to (${[...ids].join(', ')}) have errors, so its satisfies references stay unknown`);
    if (registry) {
      for (const id of registry.ids()) {
        const inForce = registry.inForce(id, asOf()) ?? registry.versions(id).at(-1);
        if (inForce) context.set(id, inForce.policy.checked);
      }
    }
  }
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    io.err(renderDiagnostics(errors, new Map([...result.files].map(([k, f]) => [k, f.text])), io.errStyle));
    throw new Trouble(`${v.shown} has ${errors.length} error${errors.length === 1 ? '' : 's'}: run bylaw check`);
  }
  const policy = result.policies.find((p) => p.file === v.path);
  if (!policy) throw new Trouble(`${v.shown} is not a policy (it has no policy header): compare the policies that import it`);
  const resolver: ReferenceResolver | undefined = registry
    ? { decide: (id, subject, options) => (registry!.inForce(id, String(options.asOf)) ? registry!.evaluate(id, subject, options) : undefined) }
    : undefined;
  return { policy, resolver, context, warnings };
}

async function compare(oldV: Version, newV: Version, opts: Common & { data?: string | undefined }): Promise<PolicyDiff> {
  let asOfDay = opts.asOf;
  const dayOf = () => asOfDay ?? '9999-12-31';
  const b = loadVersion(newV, opts.io, dayOf);
  asOfDay ??= b.policy.effective.from;
  const a = loadVersion(oldV, opts.io, dayOf);
  for (const w of [...a.warnings, ...b.warnings]) opts.io.err(`bylaw diff: warning: ${w}`);
  const diff = diffPolicies(a.policy, b.policy, { asOf: asOfDay, ...(opts.params ? { params: opts.params } : {}), oldFile: oldV.shown, newFile: newV.shown });
  findWitnesses(diff, a.policy, b.policy, {
    ...(opts.params ? { params: opts.params } : {}),
    resolvers: { ...(a.resolver ? { old: a.resolver } : {}), ...(b.resolver ? { new: b.resolver } : {}) },
    context: new Map([...a.context, ...b.context]),
  });
  if (opts.data) {
    if (!existsSync(opts.data)) throw new Trouble(`no such data file: ${opts.data}`);
    const pair = compilePair(a.policy, b.policy, { ...(a.resolver ? { old: a.resolver } : {}), ...(b.resolver ? { new: b.resolver } : {}) });
    diff.flips = await flipReport(pair, dataLines(opts.data), { asOf: diff.asOf, ...(opts.params ? { params: opts.params } : {}), file: opts.data });
  }
  return diff;
}

/** Lines of a file, streamed (NDJSON: one JSON object per line). */
function readLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}

/** NDJSON is streamed; a `.json` file (an array or one object) is read whole and given record by record. */
function dataLines(path: string): AsyncIterable<string> {
  if (!path.endsWith('.json')) return readLines(path);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Trouble(`data file ${path} is not JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(data) ? data : [data];
  return (async function* () {
    for (const x of list) yield JSON.stringify(x);
  })();
}

// ---------------------------------------------------------------------------
// Revision ranges

function isRange(arg: string): boolean {
  return arg.includes('..') && !arg.endsWith('.policy') && !existsSync(arg);
}

interface Header {
  readonly path: string;
  readonly id: string;
  readonly from: string;
}

function headerOf(path: string, text: string): Header | undefined {
  const h = parse(text, path).ast.header;
  if (!h) return undefined;
  const eff = h.items.find((i) => i.kind === 'EffectiveItem');
  return { path, id: h.id.text, from: eff && eff.kind === 'EffectiveItem' ? eff.from.raw : '' };
}

/** A file that parses without errors and has no policy header. */
function isLibrary(path: string, text: string): boolean {
  const r = parse(text, path);
  return !r.ast.header && !r.diagnostics.some((d) => d.severity === 'error');
}

/** The latest version of the same id that takes effect before `h`, in a source. */
function predecessor(src: Source, h: Header, exclude: string): string | undefined {
  let best: Header | undefined;
  for (const p of src.list(contextRoot(h.path))) {
    if (p === exclude) continue;
    const t = src.read(p);
    const other = t === undefined ? undefined : headerOf(p, t);
    if (!other || other.id !== h.id || other.from >= h.from) continue;
    if (!best || other.from > best.from) best = other;
  }
  return best?.path;
}

/** Policies (under the same folder tree) that import a library file, directly or not. */
function importers(src: Source, library: string): string[] {
  const files = src.list(contextRoot(library));
  const imports = new Map<string, string[]>();
  for (const f of files) {
    const t = src.read(f);
    if (t === undefined) continue;
    const ast = parse(t, f).ast;
    imports.set(
      f,
      ast.imports.map((i) => posix.normalize(posix.join(posix.dirname(f), i.path.value))),
    );
  }
  const out: string[] = [];
  for (const f of files) {
    const seen = new Set<string>();
    const stack = [...(imports.get(f) ?? [])];
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...(imports.get(x) ?? []));
    }
    const t = src.read(f);
    if (seen.has(library) && t !== undefined && headerOf(f, t)) out.push(f);
  }
  return out;
}

async function range(spec: string, paths: readonly string[], opts: Common): Promise<number> {
  const [r1, r2] = spec.split(/\.\.\.?/) as [string, string];
  const from = r1 || 'HEAD';
  const to = r2 || 'HEAD';
  const root = gitRoot(process.cwd());
  checkedRevision(root, from);
  checkedRevision(root, to);
  const rel = paths.map((p) => relative(root, resolve(p)).split(sep).join('/') || '.');
  const changed = git(['diff', '--name-only', '--no-renames', '--end-of-options', from, to, '--', ...(rel.length ? rel : ['.'])], root)
    .split('\n')
    .filter((p) => p.endsWith('.policy'));
  const a = revision(root, from);
  const b = revision(root, to);
  const targets: { old?: string; new?: string }[] = [];
  const seen = new Set<string>();
  const add = (t: { old?: string; new?: string }) => {
    const key = `${t.old ?? ''}→${t.new ?? ''}`;
    if (!seen.has(key)) seen.add(key), targets.push(t);
  };
  for (const f of changed) {
    const oldText = a.read(f);
    const newText = b.read(f);
    const text = newText ?? oldText!;
    if (isLibrary(f, text)) {
      // A library: compare every policy that imports it.
      for (const p of importers(newText !== undefined ? b : a, f)) add({ ...(a.read(p) !== undefined ? { old: p } : {}), ...(b.read(p) !== undefined ? { new: p } : {}) });
      continue;
    }
    if (oldText !== undefined && newText !== undefined) add({ old: f, new: f });
    else if (newText !== undefined) {
      const prev = predecessor(a, headerOf(f, newText)!, f) ?? predecessor(b, headerOf(f, newText)!, f);
      add(prev ? { old: prev, new: f } : { new: f });
    } else add({ old: f });
  }
  if (targets.length === 0) {
    opts.io.out(`No .policy file changed between ${from} and ${to}.`);
    return EXIT_SAME;
  }
  const diffs: PolicyDiff[] = [];
  const notes: string[] = [];
  for (const t of targets) {
    if (t.old && t.new) {
      const oldSrc = a.read(t.old) !== undefined ? a : b;
      diffs.push(await compare({ source: oldSrc, path: t.old, shown: `${t.old}@${oldSrc.label}` }, { source: b, path: t.new, shown: `${t.new}@${to}` }, opts));
    } else if (t.new) notes.push(`+ new policy file ${t.new} (no earlier version of its id): review it whole`);
    else if (t.old) notes.push(`- policy file ${t.old} removed`);
  }
  emit(diffs, opts.format, opts.io);
  if (notes.length) opts.io.out((diffs.length ? '\n' : '') + notes.join('\n'));
  return diffs.some((d) => d.meaning || d.breaking) || notes.length ? EXIT_CHANGED : EXIT_SAME;
}

// ---------------------------------------------------------------------------
// Git diff driver

/**
 * git runs `diff.bylaw.command` with: path old-file old-hex old-mode new-file
 * new-hex new-mode (old-file or new-file is /dev/null for an added or deleted
 * file). The driver prints git's own line diff of the file (so that a comment
 * or a wording edit is always seen), then what changed in meaning. Each side's
 * imports (and the policies it refers to) are read from that side's revision,
 * found by its blob (see {@link sourceOfBlob}). Always exit 0: git stops at a
 * failing external diff.
 */
async function gitDriver(args: readonly string[], opts: Common): Promise<number> {
  if (args.length < 7) throw new Trouble(`--git-driver expects 7 arguments from git (path old-file old-hex old-mode new-file new-hex new-mode), not ${args.length}`);
  const [path, oldFile, oldHex, oldMode, newFile, newHex, newMode] = args as [string, string, string, string, string, string, string];
  const rel = path.split(sep).join('/');
  textDiff(rel, oldFile, oldHex, oldMode, newFile, newHex, newMode, opts.io);
  const say = (line: string) => opts.io.out(`\nbylaw diff: ${line}`);
  try {
    const root = gitRoot(process.cwd());
    // A working-tree file is given by its path, relative to where git runs us (the top level, or here).
    const read = (f: string) => (f === '/dev/null' ? undefined : readFileSync(existsSync(f) ? f : join(root, f), 'utf8'));
    const newSource = sourceOfBlob(root, rel, newHex);
    let oldSource = sourceOfBlob(root, rel, oldHex);
    let oldText = read(oldFile);
    const newText = read(newFile);
    let oldShown = `${rel}${oldSource.source.label ? `@${oldSource.source.label}` : ''} (old)`;
    let oldPath = rel;
    if (oldText === undefined && newText !== undefined) {
      const h = headerOf(rel, newText);
      const prev = h ? predecessor(newSource.source, h, rel) : undefined;
      if (!prev) {
        say(`new file ${rel}${h ? ` (policy ${h.id}, no earlier version beside it)` : ''}`);
        return EXIT_SAME;
      }
      oldSource = newSource;
      oldText = newSource.source.read(prev);
      oldShown = `${prev} (previous version)`;
      oldPath = prev;
    }
    if (newText === undefined) {
      say(`${rel} deleted`);
      return EXIT_SAME;
    }
    if (isLibrary(rel, newText)) {
      say(`${rel} is a library (no policy header); the policies that import it: ${importers(newSource.source, rel).join(', ') || 'none'}`);
      return EXIT_SAME;
    }
    for (const side of [oldSource, newSource]) if (side.note) say(side.note);
    const d = await compare(
      { source: oldSource.source, path: oldPath, shown: oldShown, text: oldText! },
      { source: newSource.source, path: rel, shown: `${rel}${newSource.source.label ? `@${newSource.source.label}` : ''}`, text: newText },
      opts,
    );
    opts.io.out('');
    emit([d], opts.format, opts.io);
  } catch (e) {
    if (!(e instanceof Trouble)) throw e;
    say(`cannot compare ${rel} by meaning: ${e.message}`);
  }
  return EXIT_SAME;
}

/**
 * Where one side of a git diff lives, found from its blob id: the working tree (git
 * gives the zero id for it), the index, HEAD, or the latest commit (of the last
 * {@link BLOB_SEARCH_COMMITS} that touched the path) whose file is that blob; else
 * the working tree, with a note.
 */
function sourceOfBlob(root: string, path: string, hex: string): { source: Source; note?: string } {
  if (/^0+$/.test(hex) || hex === '.') return { source: workingTree(root) };
  const blobAt = (spec: string) => {
    try {
      return execFileSync('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', spec], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const matches = (id: string | undefined) => id !== undefined && id.startsWith(hex);
  if (matches(blobAt(`HEAD:${path}`))) return { source: revision(root, 'HEAD') };
  if (matches(blobAt(`:${path}`))) return { source: indexSource(root) };
  try {
    const log = git(['log', '--all', '--no-renames', '--raw', '--no-abbrev', '--format=commit %H', `-n${BLOB_SEARCH_COMMITS}`, '--', path], root);
    let commit: string | undefined;
    for (const line of log.split('\n')) {
      if (line.startsWith('commit ')) commit = line.slice(7);
      else if (commit && line.startsWith(':')) {
        const [, , , after] = line.split(/\s+/);
        if (after && after.startsWith(hex)) return { source: revision(root, commit.slice(0, 12)) };
      }
    }
  } catch {
    // Fall through to the working tree.
  }
  return { source: workingTree(root), note: `the revision of ${path} (blob ${hex.slice(0, 12)}) was not found: its imports are read from the working tree` };
}

/** How many commits that touched a file are searched for the revision of one of its blobs. */
const BLOB_SEARCH_COMMITS = 500;

/** Files as the index (the staging area) has them. */
function indexSource(root: string): Source {
  const cache = new Map<string, string | undefined>();
  return {
    label: 'index',
    read(path) {
      if (!cache.has(path)) {
        let text: string | undefined;
        try {
          text = execFileSync('git', ['show', '--end-of-options', `:${path}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
        } catch {
          text = undefined;
        }
        cache.set(path, text);
      }
      return cache.get(path);
    },
    list(dir) {
      return git(['ls-files', '--', dir === '.' ? '.' : dir], root)
        .split('\n')
        .filter((p) => p.endsWith('.policy'));
    },
  };
}

/**
 * git's own line diff of the two files (without external drivers, so this never
 * recurses), under the file's own name rather than git's temporary ones.
 */
function textDiff(path: string, oldFile: string, oldHex: string, oldMode: string, newFile: string, newHex: string, newMode: string, io: DiffIo): void {
  let out = '';
  try {
    execFileSync('git', ['diff', '--no-index', '--no-ext-diff', '--no-color', '--', oldFile, newFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? '';
  }
  const lines = out.split('\n');
  const hunks = lines.findIndex((l) => l.startsWith('@@') || l.startsWith('Binary files'));
  const short = (hex: string) => (/^0+$/.test(hex) || hex === '.' ? '0000000' : hex.slice(0, 7));
  const mode = oldMode === newMode ? ` ${newMode}` : '';
  io.out(
    [
      `diff --git a/${path} b/${path}`,
      ...(oldFile === '/dev/null' ? [`new file mode ${newMode}`] : newFile === '/dev/null' ? [`deleted file mode ${oldMode}`] : oldMode !== newMode ? [`old mode ${oldMode}`, `new mode ${newMode}`] : []),
      `index ${short(oldHex)}..${short(newHex)}${mode}`,
      `--- ${oldFile === '/dev/null' ? '/dev/null' : `a/${path}`}`,
      `+++ ${newFile === '/dev/null' ? '/dev/null' : `b/${path}`}`,
      ...(hunks < 0 ? [] : lines.slice(hunks)),
    ]
      .join('\n')
      .trimEnd(),
  );
}
