/**
 * The executable parts of a tutorial page, in page order.
 *
 * The conventions (also stated at the top of tutorial.test.ts):
 *
 * - `<!-- file: PATH -->` above a block: write the block to PATH.
 * - `<!-- append: PATH -->` above a block: append the block to PATH.
 * - `<!-- edit: PATH -->` above a ```diff block: in PATH, replace the lines
 *   marked ` ` and `-` by those marked ` ` and `+`. Hunks are separated by
 *   lines starting with `@@`; each hunk must match exactly once.
 *   `<!-- edit: PATH from OTHER -->` first copies OTHER to PATH.
 * - `<!-- contains: PATH -->` above a block: PATH must contain every line of
 *   the block, in order.
 * - A ```sh block is one command, `$ bylaw ARGS…`, optionally ending in
 *   `# exits N` (default 0). The ```text block right after it (only blank
 *   lines between) is its expected output: every line of it must appear in
 *   the output, in order, other lines may come between; a line `…` only marks
 *   an omission. Without a text block only the exit code is checked.
 *
 * PATH is relative to the tutorial's working folder. Blocks without a marker
 * (other than ```sh) are illustrations and are not run.
 */
import { marker, scan, type CodeBlock } from './markdown.js';

export interface Hunk {
  readonly old: readonly string[];
  readonly new: readonly string[];
}

interface StepBase {
  /** 1-based line of the block in the page. */
  readonly line: number;
}

export type Step =
  | (StepBase & { kind: 'write' | 'append'; path: string; content: string })
  | (StepBase & { kind: 'edit'; path: string; from?: string; hunks: Hunk[] })
  | (StepBase & { kind: 'contains'; path: string; lines: string[] })
  | (StepBase & { kind: 'run'; display: string; args: string[]; exit: number; expected?: string[] });

/** The steps of a tutorial page; throws on a block that breaks the conventions. */
export function tutorialSteps(markdown: string): Step[] {
  const { blocks } = scan(markdown);
  const steps: Step[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    const base = { line: b.line };
    const file = marker(b, 'file');
    const append = marker(b, 'append');
    const edit = marker(b, 'edit');
    const contains = marker(b, 'contains');
    if (file !== undefined) steps.push({ ...base, kind: 'write', path: file, content: b.content });
    else if (append !== undefined) steps.push({ ...base, kind: 'append', path: append, content: b.content });
    else if (edit !== undefined) {
      if (b.info !== 'diff') throw new Error(`line ${b.line}: an edit: block must be a diff block`);
      const m = /^(\S+)(?:\s+from\s+(\S+))?$/.exec(edit);
      if (!m) throw new Error(`line ${b.line}: write <!-- edit: PATH --> or <!-- edit: PATH from OTHER -->`);
      steps.push({ ...base, kind: 'edit', path: m[1]!, ...(m[2] ? { from: m[2] } : {}), hunks: parseHunks(b) });
    } else if (contains !== undefined) {
      steps.push({ ...base, kind: 'contains', path: contains, lines: significantLines(b.content) });
    } else if (b.info === 'sh') {
      const next = blocks[i + 1];
      const output = next && next.info === 'text' && next.adjacentToPrevious && next.markers.length === 0 ? next : undefined;
      if (output) i++;
      steps.push({ ...base, kind: 'run', ...parseCommand(b), ...(output ? { expected: significantLines(output.content) } : {}) });
    }
  }
  return steps;
}

/** The lines a text block requires: not blank, not a `…` omission mark, without trailing spaces. */
function significantLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && l.trim() !== '…');
}

function parseCommand(b: CodeBlock): { display: string; args: string[]; exit: number } {
  const lines = b.content.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`line ${b.line}: an sh block holds exactly one command, found ${lines.length} lines`);
  const display = lines[0]!;
  const m = /^\$ bylaw(\s.*?)?(?:\s+#\s*(.*))?$/.exec(display);
  if (!m) throw new Error(`line ${b.line}: an sh block is one line "$ bylaw …", not ${JSON.stringify(display)}`);
  const comment = m[2] ?? '';
  const exits = /^exits (\d+)$/.exec(comment.trim());
  if (comment !== '' && !exits) throw new Error(`line ${b.line}: the only comment allowed on a command is "# exits N"`);
  return { display, args: splitArgs(m[1] ?? ''), exit: exits ? Number(exits[1]) : 0 };
}

/** Split on spaces, keeping "double" or 'single' quoted parts together (no escapes: the tutorial needs none). */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) args.push(m[1] ?? m[2] ?? m[3]!);
  return args;
}

function parseHunks(b: CodeBlock): Hunk[] {
  const hunks: Hunk[] = [];
  let cur: { old: string[]; new: string[] } | undefined;
  for (const line of b.content.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('@@')) {
      cur = undefined;
      continue;
    }
    if (!cur) hunks.push((cur = { old: [], new: [] }));
    const tag = line[0] ?? ' ';
    const text = line.slice(1);
    if (tag === ' ' || tag === '-') cur.old.push(text);
    if (tag === ' ' || tag === '+') cur.new.push(text);
    if (tag !== ' ' && tag !== '-' && tag !== '+') throw new Error(`line ${b.line}: a diff line starts with ' ', '-', '+' or '@@': ${JSON.stringify(line)}`);
  }
  return hunks.filter((h) => h.old.length > 0 || h.new.length > 0);
}

/** Apply hunks to a text; throws when a hunk does not match exactly once. */
export function applyHunks(text: string, hunks: readonly Hunk[], where: string): string {
  let lines = text.split('\n');
  for (const h of hunks) {
    if (h.old.length === 0) throw new Error(`${where}: a hunk needs at least one ' ' or '-' line to say where it goes`);
    const at: number[] = [];
    for (let i = 0; i + h.old.length <= lines.length; i++) {
      if (h.old.every((l, k) => lines[i + k] === l)) at.push(i);
    }
    if (at.length !== 1) throw new Error(`${where}: hunk starting ${JSON.stringify(h.old[0])} matches ${at.length} times, not once`);
    lines = [...lines.slice(0, at[0]), ...h.new, ...lines.slice(at[0]! + h.old.length)];
  }
  return lines.join('\n');
}

/** The first expected line missing from `actual` (in order), or undefined when all are there. */
export function firstMissingLine(expected: readonly string[], actual: string): string | undefined {
  const got = actual.replace(/\r\n/g, '\n').split('\n').map((l) => l.trimEnd());
  let from = 0;
  for (const want of expected) {
    const at = got.indexOf(want, from);
    if (at < 0) return want;
    from = at + 1;
  }
  return undefined;
}
