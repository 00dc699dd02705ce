/** Running the CLI's commands in-process in tests: output captured, no colour, in a folder. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { main } from '../../packages/cli/src/cli.js';
import { styleOf, type Io } from '../../packages/cli/src/io.js';

const plain = styleOf(false);

/** Run a command with an io (`main` and the like) with `cwd` as the working folder; its lines joined by newlines. */
export async function runCommand(cwd: string, command: (io: Io) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await command({ out: (s) => out.push(s), err: (s) => err.push(s), style: plain, errStyle: plain });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.chdir(before);
  }
}

/** A temporary folder holding the given files (paths relative to it). */
export function workspace(files: Record<string, string>, prefix = 'bylaw-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Run `bylaw <args…>` in-process in `cwd`: exit code, standard output and standard error, uncoloured. */
export function runBylaw(args: readonly string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  return runCommand(cwd, (io) => main(args, io));
}
